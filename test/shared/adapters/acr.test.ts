import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AcrImageRegistry } from '../../../shared/adapters/acr.js';
import { MEDIA } from '../../../sandbox/registry-store.js';
import { startRegistry } from '../../sandbox/registry-harness.js';

/**
 * The production ACR adapter (`@azure/container-registry`'s content client) against the sandbox
 * registry, a loopback server speaking the OCI distribution API over plain http, anonymously.
 */
let sandbox: Awaited<ReturnType<typeof startRegistry>>;
let acr: AcrImageRegistry;
const REV = 'acb5820ced9479c074f688cc328bf03f341a511d';
const HOST = 'hearloveen.azurecr.io';
const ref = (digest: string, repository = 'api-gateway') => ({ registry: HOST, repository, digest });

beforeAll(async () => {
  sandbox = await startRegistry();
  acr = new AcrImageRegistry({ endpoints: { [HOST]: sandbox.registry.url } });
});
afterAll(() => sandbox.close());

describe('AcrImageRegistry against an OCI registry', () => {
  it('reads the config labels of a single-platform image', async () => {
    const pushed = sandbox.world.pushImage({
      repository: 'api-gateway',
      tag: '1.0.0',
      revision: REV,
      source: 'https://github.com/hearloveen/platform',
      version: '1.0.0',
      created: '2026-01-05T08:00:00Z',
      platforms: ['linux/amd64'],
    });
    expect(await acr.provenance(ref(pushed.digest))).toEqual({
      revision: REV,
      source: 'https://github.com/hearloveen/platform',
      version: '1.0.0',
      created: '2026-01-05T08:00:00Z',
      mediaType: MEDIA.manifest,
      from: {
        revision: 'config labels',
        source: 'config labels',
        version: 'config labels',
        created: 'config labels',
      },
    });
  });

  it('reads a multi-arch index: its annotations first', async () => {
    const pushed = sandbox.world.pushImage({
      repository: 'team/api',
      tag: '2.0.0',
      revision: REV,
      platforms: ['linux/amd64', 'linux/arm64'],
    });
    expect(await acr.provenance(ref(pushed.digest, 'team/api'))).toMatchObject({
      revision: REV,
      mediaType: MEDIA.index,
      from: { revision: 'index annotations' },
    });
  });

  it('falls back to the first runnable platform manifest of an unannotated index', async () => {
    const labelled = sandbox.world.pushImage({
      repository: 'api-gateway',
      tag: 'amd64-only',
      revision: REV,
      platforms: ['linux/amd64'],
    });
    const store = sandbox.world.registry;
    const attestation = store.putManifest(
      'api-gateway',
      MEDIA.manifest,
      Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA.manifest, layers: [] })),
    );
    const index = store.putManifest(
      'api-gateway',
      MEDIA.index,
      Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: MEDIA.index,
          manifests: [
            {
              mediaType: MEDIA.manifest,
              digest: attestation,
              platform: { os: 'unknown', architecture: 'unknown' },
            },
            {
              mediaType: MEDIA.manifest,
              digest: labelled.digest,
              platform: { os: 'linux', architecture: 'amd64' },
            },
          ],
        }),
      ),
    );
    expect(await acr.provenance(ref(index))).toMatchObject({
      revision: REV,
      mediaType: MEDIA.index,
      from: { revision: 'config labels' },
    });
  });

  it('answers undefined for a digest the registry does not hold, and no labels for an unlabelled image', async () => {
    expect(await acr.provenance(ref(`sha256:${'0'.repeat(64)}`))).toBeUndefined();
    const bare = sandbox.world.pushImage({
      repository: 'api-gateway',
      tag: 'bare',
      platforms: ['linux/amd64'],
    });
    expect(await acr.provenance(ref(bare.digest))).toEqual({ from: {}, mediaType: MEDIA.manifest });
  });

  it('refuses plain http to anything but loopback, and needs an identity for a registry it does not map', async () => {
    const remote = new AcrImageRegistry({ endpoints: { [HOST]: 'http://registry.example.com' } });
    await expect(remote.provenance(ref(`sha256:${'1'.repeat(64)}`))).rejects.toThrow(/not loopback/);
    await expect(new AcrImageRegistry().provenance(ref(`sha256:${'1'.repeat(64)}`))).rejects.toThrow(
      /no credential to read hearloveen.azurecr.io/,
    );
  });

  it('throws (retry) when the registry fails', async () => {
    const down = new AcrImageRegistry({ endpoints: { [HOST]: 'http://127.0.0.1:1' }, timeoutMs: 2000 });
    await expect(down.provenance(ref(`sha256:${'2'.repeat(64)}`))).rejects.toThrow();
  });
});
