import { describe, expect, it } from 'vitest';
import { serviceRingLines } from '../../../cli/render/rings.js';
import { makeStyle, stripAnsi } from '../../../cli/style.js';

const NEW = `sha256:${'1'.repeat(64)}`;
const OLD = `sha256:${'2'.repeat(64)}`;

describe('serviceRingLines (gantry service of a release train)', () => {
  it('shows the digest each ring runs now and the run that put it there', () => {
    const lines = serviceRingLines(
      [
        {
          name: 'eu-west',
          region: 'westeurope',
          digest: NEW,
          deploymentId: 'api-111',
          state: 'released',
          targets: [{ cluster: 'aks-west', namespace: 'prod', argoApp: 'a' }],
        },
        {
          name: 'eu-north',
          digest: OLD,
          deploymentId: 'api-000',
          state: 'soaking',
          targets: [{ cluster: 'aks-north', namespace: 'prod', argoApp: 'b' }],
        },
      ],
      makeStyle(false),
      120,
    ).map(stripAnsi);
    expect(lines[1]).toBe('Rings');
    expect(lines.slice(2).map((l) => l.split(/\s{2,}/).filter(Boolean))).toEqual([
      ['RING', 'REGION', 'STATE', 'DIGEST', 'DEPLOYMENT', 'TARGETS'],
      ['eu-west', 'westeurope', 'released', '111111111111', 'api-111', 'aks-west/prod'],
      ['eu-north', 'soaking', '222222222222', 'api-000', 'aks-north/prod'],
    ]);
  });

  it('prints nothing without a train', () => {
    expect(serviceRingLines(undefined, makeStyle(false), 120)).toEqual([]);
  });
});
