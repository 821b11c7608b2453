import { describe, expect, it } from 'vitest';
import { compareLive, digestOf, probe, type LiveView } from '../../../shared/app/service-live.js';

const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;
const img = (digest: string, repo = 'api-gateway') => `acr.example/${repo}@${digest}`;

const argo = (images: string[]): LiveView['argo'] => ({
  reachable: true,
  app: 'a',
  sync: 'Synced',
  health: 'Healthy',
  phase: 'Succeeded',
  images,
});
const cluster = (images: string[]): LiveView['cluster'] => ({
  reachable: true,
  deployment: 'd',
  images,
  ready: true,
  replicas: 1,
  readyReplicas: 1,
});
const down = { reachable: false as const, error: 'ECONNREFUSED' };

describe('compareLive', () => {
  const cases: Array<[string, LiveView, string | undefined, string, string | null]> = [
    ['argo and records agree', { argo: argo([img(A)]) }, A, 'match', A],
    ['cluster, argo and records agree', { argo: argo([img(A)]), cluster: cluster([img(A)]) }, A, 'match', A],
    ['argo runs another image than the release', { argo: argo([img(B)]) }, A, 'drift', B],
    [
      'cluster differs from argo: the cluster wins',
      { argo: argo([img(A)]), cluster: cluster([img(B)]) },
      A,
      'drift',
      B,
    ],
    ['cluster unreachable: argo is used', { argo: argo([img(A)]), cluster: down }, A, 'match', A],
    ['no release recorded yet', { argo: argo([img(A)]) }, undefined, 'unrecorded', A],
    ['nothing readable', { argo: down, cluster: down }, A, 'unknown', null],
    ['tag-only images carry no digest', { argo: argo(['acr.example/api-gateway:1.0']) }, A, 'unknown', null],
    [
      "the service's repository is preferred over sidecars",
      { argo: argo([img(B, 'envoy'), img(A)]) },
      A,
      'match',
      A,
    ],
  ];
  it.each(cases)('%s', (_, live, recorded, verdict, digest) => {
    const result = compareLive(live, 'api-gateway', recorded);
    expect([result.verdict, result.digest]).toEqual([verdict, digest]);
    if (verdict !== 'match') expect('message' in result && result.message).toBeTruthy();
  });

  it('names both witnesses in a drift message', () => {
    const result = compareLive({ argo: argo([img(A)]), cluster: cluster([img(B)]) }, 'api-gateway', A);
    expect(result).toMatchObject({
      message: `The cluster runs ${B}; Argo CD reports ${A}; Gantry's last release is ${A}.`,
    });
  });
});

describe('digestOf', () => {
  it('reads only a pinned sha256 digest', () => {
    expect(digestOf(img(A))).toBe(A);
    expect(digestOf('acr.example/x:1.0')).toBeUndefined();
    expect(digestOf('acr.example/x@sha256:short')).toBeUndefined();
  });
});

describe('probe', () => {
  it('returns the fields of an answer, marks a failure and a timeout as unreachable', async () => {
    expect(await probe(async () => ({ weight: 5 }))).toEqual({ reachable: true, weight: 5 });
    expect(
      await probe(async () => Promise.reject(Object.assign(new Error('refused'), { code: 'network' }))),
    ).toEqual({
      reachable: false,
      error: 'network: refused',
    });
    const never = () => new Promise<{ x: number }>(() => undefined);
    expect(await probe(never, 5)).toEqual({ reachable: false, error: 'no answer within 5 ms' });
  });
});
