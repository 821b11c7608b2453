import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../shared/config/load.js';
import { planFor } from '../../../shared/config/plan.js';
import type { PipelinePlan } from '../../../shared/contracts/plan.js';
import { BASE, issuesOf, withLines } from './fixtures.js';

/**
 * `canary.provider.clusterLabel`: the Prometheus label the built-in templates match the target's
 * cluster on. Explicit, `false`, or by default `cluster` for a train whose rings span several clusters.
 */

/** BASE's `defaults.canary` with a provider line (line 6 is its `interval`). */
const withProvider = (provider: string, text = BASE): string =>
  withLines({ 6: `    interval: 1m\n    provider: ${provider}` }, text);

const ring = (cluster?: string) =>
  `      rings:\n        - { name: eu-west }\n        - name: eu-north\n          targets:\n` +
  `            - { ${cluster ? `cluster: ${cluster}, ` : ''}application: api-prod-eun }\n`;

const plan = (text: string): PipelinePlan => planFor(loadConfig(text, 'g.yaml'), 'Api');

/** The cluster label stamped on every metric of the plan: canary, verification and every ring's. */
function labels(p: PipelinePlan): Array<string | undefined> {
  return [
    ...p.canary.metrics,
    ...p.verification.rules.map((r) => r.metric),
    ...(p.rings ?? []).flatMap((r) => [
      ...(r.canary?.metrics ?? []),
      ...r.verification.rules.map((x) => x.metric),
    ]),
  ].map((m) => m.clusterLabel);
}

const RULE = `  verification:\n    rules:\n      - { name: errors, templateRef: request-success-rate, thresholdRange: { min: 99 }, for: 1m }\n`;
/** BASE with a verification rule in `defaults` (inserted before `services:`). */
const BASE_RULES = BASE.replace('services:\n', `${RULE}services:\n`);

describe('canary.provider.clusterLabel', () => {
  it.each<[string, string, string | undefined]>([
    ['one cluster, nothing set: no matcher (as before)', BASE_RULES, undefined],
    ['rings on one cluster: no matcher', `${BASE_RULES}${ring()}`, undefined],
    ['rings on one cluster named again: no matcher', `${BASE_RULES}${ring('aks')}`, undefined],
    ['rings over two clusters: cluster by default', `${BASE_RULES}${ring('aks-eun')}`, 'cluster'],
    [
      'rings over two clusters, label set',
      withProvider('{ kind: prometheus, clusterLabel: k8s_cluster }', `${BASE_RULES}${ring('aks-eun')}`),
      'k8s_cluster',
    ],
    [
      'rings over two clusters, false: no matcher',
      withProvider('{ kind: prometheus, clusterLabel: false }', `${BASE_RULES}${ring('aks-eun')}`),
      undefined,
    ],
    [
      'one cluster, label set: matched anyway',
      withProvider('{ kind: prometheus, clusterLabel: cluster }', BASE_RULES),
      'cluster',
    ],
  ])('%s', (_, text, expected) => {
    const p = plan(text);
    const found = labels(p);
    expect(found.length).toBeGreaterThanOrEqual(2);
    expect(new Set(found)).toEqual(new Set([expected]));
    // Prometheus stays the unnamed default provider: nothing else is stamped.
    expect(p.canary.metrics[0]?.provider).toBeUndefined();
  });

  it.each<[string, string, Record<string, string>]>([
    ['one cluster: the matchers as written', 'severity: critical', { severity: 'critical' }],
    [
      'a train over two clusters: scoped to the ring target cluster',
      'severity: critical',
      { severity: 'critical', cluster: '{{ cluster }}' },
    ],
    [
      'a train whose matchers name the label already: kept as written',
      "severity: critical, cluster: 'eu-*'",
      { severity: 'critical', cluster: 'eu-*' },
    ],
  ])('alert matchers, %s', (name, matchers, expected) => {
    const text = withLines(
      { 6: `    interval: 1m\n    alerts:\n      matchers: { ${matchers} }` },
      BASE_RULES,
    );
    const p = plan(name.startsWith('one') ? text : `${text}${ring('aks-eun')}`);
    expect(p.canary.alerts?.matchers).toEqual(expected);
    for (const r of p.rings ?? []) if (r.canary) expect(r.canary.alerts?.matchers).toEqual(expected);
  });

  it('Application Insights speaks KQL: no cluster label, even for a train over two clusters', () => {
    const p = plan(withProvider('{ kind: app-insights }', `${BASE}${ring('aks-eun')}`));
    expect(p.canary.metrics[0]?.provider?.kind).toBe('app-insights');
    expect(labels(p)).toEqual(expect.not.arrayContaining(['cluster']));
  });

  it.each<[string, RegExp]>([
    ["'0cluster'", /canary\.provider\.clusterLabel: must be a Prometheus label name .*got "0cluster"/],
    ['cluster-name', /Prometheus label name.*got "cluster-name"/],
    ["'a b'", /Prometheus label name/],
    ['__cluster', /reserved/],
    ['namespace', /already match on/],
    ['true', /a Prometheus label name such as cluster, or false/],
  ])('refuses clusterLabel: %s with its line', (value, message) => {
    const found = issuesOf(withProvider(`{ kind: prometheus, clusterLabel: ${value} }`));
    expect(found).toHaveLength(1);
    expect(`${found[0]?.path}: ${found[0]?.message}`).toMatch(message);
    expect(found[0]?.line).toBe(7);
  });

  it('is a Prometheus setting: refused on the app-insights provider', () => {
    const found = issuesOf(withProvider('{ kind: app-insights, clusterLabel: cluster }'));
    expect(found.map((i) => i.message).join('\n')).toMatch(/clusterLabel/);
  });
});
