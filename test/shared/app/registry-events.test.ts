import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  registryActionFromEvent,
  registryActionFromWebhook,
  registryFromSource,
} from '../../../shared/app/registry-events.js';

const D1 = `sha256:${'a'.repeat(64)}`;
const TOPIC =
  '/subscriptions/0000/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/Hearloveen';
const INDEX = 'application/vnd.oci.image.index.v1+json';

const data = (target: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  id: 'd1',
  action: 'push',
  target: { repository: 'api-gateway', digest: D1, ...target },
  request: { host: 'hearloveen.azurecr.io', method: 'PUT' },
  actor: { name: 'ci-bot' },
  ...extra,
});
const eg = (type: string, d: unknown) => ({
  id: 'e1',
  topic: TOPIC,
  subject: 'api-gateway:1.4.0',
  eventType: `Microsoft.ContainerRegistry.${type}`,
  eventTime: '2026-01-05T09:39:47Z',
  data: d,
  dataVersion: '1.0',
  metadataVersion: '1',
});
const ce = (type: string, d: unknown) => ({
  specversion: '1.0',
  id: 'c1',
  source: TOPIC,
  type: `Microsoft.ContainerRegistry.${type}`,
  time: '2026-01-05T09:39:47Z',
  data: d,
});
const pushed = { kind: 'pushed', registry: 'hearloveen.azurecr.io', repository: 'api-gateway', digest: D1 };

describe('registryActionFromEvent', () => {
  const cases: Array<[string, unknown, Record<string, unknown>]> = [
    [
      'tagged index (Event Grid)',
      eg('ImagePushed', data({ tag: '1.4.0', mediaType: INDEX })),
      { ...pushed, tag: '1.4.0', pushedBy: 'ci-bot' },
    ],
    [
      'tagged index (CloudEvents)',
      ce('ImagePushed', data({ tag: '1.4.0', mediaType: INDEX })),
      { ...pushed, tag: '1.4.0' },
    ],
    [
      'tagged Docker v2 manifest',
      eg(
        'ImagePushed',
        data({ tag: 'v1', mediaType: 'application/vnd.docker.distribution.manifest.v2+json' }),
      ),
      { ...pushed, tag: 'v1' },
    ],
    ['tag without media type', eg('ImagePushed', data({ tag: 'v1' })), { ...pushed, tag: 'v1' }],
    [
      'empty actor is no pusher',
      eg('ImagePushed', data({ tag: 'v1' }, { actor: { name: '' } })),
      { ...pushed, pushedBy: undefined },
    ],
    [
      'untagged platform manifest',
      eg('ImagePushed', data({ mediaType: 'application/vnd.oci.image.manifest.v1+json' })),
      { kind: 'ignored', reason: expect.stringContaining('untagged') },
    ],
    [
      'tagged Helm chart media type',
      eg('ImagePushed', data({ tag: 'v1', mediaType: 'application/vnd.acr.helm.chart' })),
      { kind: 'ignored', reason: expect.stringContaining('not a runnable image') },
    ],
    [
      'ChartPushed',
      eg('ChartPushed', data({ tag: 'c-1.0.0.tgz' })),
      { kind: 'ignored', reason: expect.stringContaining('not handled') },
    ],
    [
      'ImageDeleted',
      eg('ImageDeleted', { action: 'delete', target: { digest: D1, repository: 'api-gateway' } }),
      { kind: 'deleted', registry: 'hearloveen.azurecr.io', repository: 'api-gateway', digest: D1 },
    ],
    [
      'bad digest',
      eg('ImagePushed', data({ tag: 'v1', digest: 'sha256:xyz' })),
      { kind: 'ignored', reason: 'no valid digest' },
    ],
    [
      'hostile repository',
      eg('ImagePushed', data({ tag: 'v1', repository: '../etc' })),
      { kind: 'ignored', reason: 'no valid repository' },
    ],
    [
      'hostile tag',
      eg('ImagePushed', data({ tag: 'v1;rm -rf' })),
      { kind: 'ignored', reason: 'invalid tag' },
    ],
    [
      'data of the wrong type',
      eg('ImagePushed', 'oops'),
      { kind: 'ignored', reason: expect.stringContaining('malformed') },
    ],
    [
      'no envelope',
      { hello: 1 },
      { kind: 'ignored', reason: expect.stringContaining('not an Event Grid event') },
    ],
    [
      'CloudEvent of another spec version',
      { ...ce('ImagePushed', {}), specversion: '0.3' },
      { kind: 'ignored', reason: expect.stringContaining('not a CloudEvent') },
    ],
  ];
  it.each(cases)('%s', (_name, event, expected) => {
    expect(registryActionFromEvent(event)).toMatchObject(expected);
  });

  it('reads the reference Event Grid fixture', () => {
    const [event] = JSON.parse(
      readFileSync('test/fixtures/acr/image-pushed.eventgrid.json', 'utf8'),
    ) as unknown[];
    expect(registryActionFromEvent(event)).toMatchObject({
      kind: 'pushed',
      tag: '1.4.0',
      pushedBy: 'ci-bot',
    });
  });
});

describe('registryActionFromWebhook and registryFromSource', () => {
  it('maps native webhook bodies', () => {
    expect(registryActionFromWebhook(data({ tag: 'v1' }))).toMatchObject({ ...pushed, tag: 'v1' });
    expect(registryActionFromWebhook({ action: 'ping' })).toMatchObject({ kind: 'ignored' });
    expect(registryActionFromWebhook({ ...data({}), action: 'delete' })).toMatchObject({ kind: 'deleted' });
  });
  it('derives the login server from the registry resource id', () => {
    expect(registryFromSource(TOPIC)).toBe('hearloveen.azurecr.io');
    expect(registryFromSource('/subscriptions/x/other')).toBeUndefined();
    expect(registryFromSource(undefined)).toBeUndefined();
  });
});
