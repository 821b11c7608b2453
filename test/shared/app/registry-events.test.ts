import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  jsonBytes,
  MAX_DATA_BYTES,
  MAX_EVENT_BYTES,
  MAX_TARGET_BYTES,
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

describe('size limits: unknown fields are ignored, but bounded', () => {
  const pad = (bytes: number) => 'x'.repeat(bytes);
  const tagged = (target: Record<string, unknown>) => data({ tag: '1.4.0', mediaType: INDEX, ...target });
  it.each<[string, unknown, Record<string, unknown>]>([
    [
      'unknown target fields of ordinary size (size, length, url, a future field)',
      eg('ImagePushed', tagged({ size: 3023, length: 3023, url: 'https://x', annotations: { a: 'b' } })),
      { ...pushed, tag: '1.4.0' },
    ],
    [
      'a 2 MiB event padded inside target (Event Grid schema)',
      eg('ImagePushed', tagged({ padding: pad(2 * 1024 * 1024) })),
      { kind: 'ignored', reason: expect.stringMatching(/^event of \d+ bytes exceeds Event Grid's 1048576$/) },
    ],
    [
      'a 2 MiB CloudEvent padded inside target',
      ce('ImagePushed', tagged({ padding: pad(2 * 1024 * 1024) })),
      { kind: 'ignored', reason: expect.stringContaining("exceeds Event Grid's") },
    ],
    [
      'an event just under 1 MiB, padded inside target',
      eg('ImagePushed', tagged({ padding: pad(MAX_EVENT_BYTES - 2048) })),
      { kind: 'ignored', reason: expect.stringContaining('event data of') },
    ],
    [
      'a target over its bound in a small event',
      eg('ImagePushed', tagged({ padding: pad(MAX_TARGET_BYTES) })),
      { kind: 'ignored', reason: expect.stringContaining(`event target of`) },
    ],
    [
      'a target just under its bound',
      eg('ImagePushed', tagged({ padding: pad(MAX_TARGET_BYTES - 400) })),
      { ...pushed, tag: '1.4.0' },
    ],
    [
      'data padded outside target',
      eg('ImagePushed', { ...tagged({}), extra: pad(MAX_DATA_BYTES) }),
      { kind: 'ignored', reason: expect.stringContaining('event data of') },
    ],
    [
      'padding outside data, under 1 MiB (envelope fields are not read)',
      { ...eg('ImagePushed', tagged({})), subject: pad(100_000) },
      { ...pushed, tag: '1.4.0' },
    ],
  ])('%s', (_name, event, expected) => {
    expect(registryActionFromEvent(event)).toMatchObject(expected);
  });

  it('bounds the ACR native webhook body the same way', () => {
    expect(registryActionFromWebhook(data({ tag: 'v1', padding: pad(MAX_TARGET_BYTES) }))).toMatchObject({
      kind: 'ignored',
      reason: expect.stringContaining('event target of'),
    });
  });

  it('measures UTF-8 bytes of the JSON, and gives up on what cannot be serialised', () => {
    expect(jsonBytes({ a: 'é' })).toBe(10);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(jsonBytes(cyclic)).toBe(Infinity);
    expect(registryActionFromEvent(cyclic)).toMatchObject({ kind: 'ignored' });
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
