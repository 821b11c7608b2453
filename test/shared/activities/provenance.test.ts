import { describe, expect, it } from 'vitest';
import { resolveProvenance } from '../../../shared/activities/provenance.js';
import type { ProvenanceSpec } from '../../../shared/contracts/plan.js';
import type { DeploymentRecord } from '../../../shared/domain/deployment.js';
import type { Ports } from '../../../shared/ports/index.js';
import type { ImageProvenance } from '../../../shared/ports/registry.js';
import { MemoryRunStore } from '../../fakes/memory-run-store.js';

const FULL = 'acb5820ced9479c074f688cc328bf03f341a511d';
const AT = '2026-01-05T12:00:00.000Z';
const IMAGE = {
  registry: 'r.example.io',
  repository: 'api',
  tag: '1.0.0',
  digest: `sha256:${'a'.repeat(64)}`,
};
const SPEC: ProvenanceSpec = {
  registry: 'r.example.io',
  repository: 'api',
  commitTag: '^sha-([0-9a-f]{7,40})$',
  gitRepository: 'team/api',
};

interface Setup {
  record?: Partial<DeploymentRecord>;
  labels?: ImageProvenance;
  commits?: Record<string, string>;
  registry?: boolean;
  source?: boolean;
  tag?: string;
}

async function run(s: Setup, spec: ProvenanceSpec | undefined = SPEC) {
  const store = new MemoryRunStore();
  const image = { ...IMAGE, ...(s.tag !== undefined && { tag: s.tag }) };
  await store.createDeployment({
    id: 'api-aaaaaaaaaaaa',
    service: 'Api',
    image,
    state: 'Gating',
    source: 'event-grid',
    createdAt: AT,
    updatedAt: AT,
    weight: 0,
    ...s.record,
  });
  const reads: string[] = [];
  const lookups: string[] = [];
  const ports = {
    store,
    ...((s.registry ?? true) && {
      registry: {
        provenance: async (i: { digest: string }) => {
          reads.push(i.digest);
          return s.labels;
        },
      },
    }),
    ...((s.source ?? true) && {
      source: {
        commitTime: async () => undefined,
        resolveCommit: async (repo: string, ref: string) => {
          lookups.push(`${repo}@${ref}`);
          const sha = Object.keys(s.commits ?? {}).find((c) => c.startsWith(ref));
          return sha ? { sha, committedAt: s.commits?.[sha] } : undefined;
        },
      },
    }),
  } as unknown as Ports;
  const result = await resolveProvenance(ports, {
    deploymentId: 'api-aaaaaaaaaaaa',
    image,
    provenance: spec,
    at: AT,
  });
  const stored = await store.findDeployment('api-aaaaaaaaaaaa');
  return { result, stored, reads, lookups };
}

const labels = (revision?: string, source?: string): ImageProvenance => ({
  ...(revision && { revision }),
  ...(source && { source }),
  from: { ...(revision && { revision: 'config labels' }), ...(source && { source: 'config labels' }) },
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
});

describe('resolveProvenance', () => {
  it('keeps the push commit and does not read the registry', async () => {
    const { result, stored, reads } = await run({
      record: { commitSha: FULL, committedAt: '2026-01-05T11:00:00.000Z' },
    });
    expect(reads).toEqual([]);
    expect(result).toMatchObject({
      commitSha: FULL,
      commitFrom: 'push',
      detail: `commit ${FULL.slice(0, 12)} from the push event`,
    });
    expect(stored).toMatchObject({
      commitSha: FULL,
      committedAt: '2026-01-05T11:00:00.000Z',
      provenance: { commitFrom: 'push' },
    });
  });

  it('takes the revision label, its commit date from GitHub, and stores the labels', async () => {
    const { result, stored } = await run({
      labels: labels(FULL, 'https://github.com/team/api'),
      commits: { [FULL]: '2026-01-05T11:30:00.000Z' },
    });
    expect(result).toMatchObject({
      commitSha: FULL,
      commitFrom: 'image',
      source: 'https://github.com/team/api',
      gitRepository: 'team/api',
    });
    expect(stored).toMatchObject({
      commitSha: FULL,
      committedAt: '2026-01-05T11:30:00.000Z',
      provenance: { commitFrom: 'image', source: 'https://github.com/team/api' },
    });
  });

  it('keeps a full SHA GitHub does not know, without a date, and does not ask again when the date is known', async () => {
    const unknown = await run({ labels: labels(FULL) });
    expect(unknown.stored).toMatchObject({ commitSha: FULL, provenance: { commitFrom: 'image' } });
    expect(unknown.stored?.committedAt).toBeUndefined();
    const known = await run({ labels: labels(FULL), record: { committedAt: '2026-01-05T10:00:00.000Z' } });
    expect(known.lookups).toEqual([]);
    expect(known.stored?.committedAt).toBe('2026-01-05T10:00:00.000Z');
  });

  it('ignores a commit date after the push (a skewed clock)', async () => {
    const { stored } = await run({ labels: labels(FULL), commits: { [FULL]: '2026-01-05T12:30:00.000Z' } });
    expect(stored?.committedAt).toBeUndefined();
    expect(stored?.commitSha).toBe(FULL);
  });

  it('resolves a short SHA from a tag through GitHub, in the repository the source label names when none is configured', async () => {
    const { result, lookups } = await run(
      {
        tag: 'sha-acb5820',
        labels: labels(undefined, 'https://github.com/team/other'),
        commits: { [FULL]: AT },
      },
      { ...SPEC, gitRepository: undefined },
    );
    expect(lookups).toEqual(['team/other@acb5820']);
    expect(result).toMatchObject({ commitSha: FULL, commitFrom: 'tag' });
  });

  it.each([
    [{ tag: 'sha-acb5820', labels: labels() }, 'short commit acb5820 was not found in team/api'],
    [
      { tag: 'sha-acb5820', labels: labels(), source: false },
      'short commit acb5820 cannot be resolved without a GitHub repository and connection',
    ],
    [{}, `the registry does not hold ${IMAGE.digest}`],
    [{ registry: false }, 'no registry is configured to read the image from'],
  ] as const)('no commit: %j', async (setup, note) => {
    const { result, stored } = await run(setup);
    expect(result.commitSha).toBeUndefined();
    expect(result.detail).toContain(note);
    expect(stored?.provenance?.detail).toBe(result.detail);
    expect(stored?.commitSha).toBeUndefined();
  });
});
