import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../shared/config/load.js';
import { planFor } from '../../../shared/config/plan.js';
import { canaryOf, file, issuesOf, lineOf } from './flagger-fixtures.js';

const WORKSPACE = '3f1e0c2a-5b6d-4e7f-8a9b-0c1d2e3f4a5b';

/** An analysis block on the app-insights provider, with extra provider lines and metrics. */
function analysis(provider: string[], metrics: string[] = []): string {
  return `
analysis:
  interval: 1m
  threshold: 2
  stepWeight: 10
  provider:
${provider.map((l) => `    ${l}`).join('\n')}
  metrics:
  - name: request-success-rate
    thresholdRange: { min: 99 }
${metrics.map((l) => `  ${l}`).join('\n')}
`;
}

describe('canary.provider: app-insights', () => {
  it('loads with its defaults (role = {{ service }}, sides by pod) and is stamped on every metric', () => {
    const canary = canaryOf(
      file(
        analysis(['kind: app-insights'], ['- name: dependency-failure-rate', '  thresholdRange: { max: 1 }']),
      ),
    );
    const provider = { kind: 'app-insights', roleName: '{{ service }}', side: { by: 'pod' } };
    expect(canary.metrics.map((m) => [m.template, m.provider])).toEqual([
      ['request-success-rate', provider],
      ['dependency-failure-rate', provider],
    ]);
  });

  it('takes a workspace, a role template and a side by version or by a custom dimension', () => {
    const canary = canaryOf(
      file(
        analysis([
          'kind: app-insights',
          `workspaceId: ${WORKSPACE}`,
          "roleName: '{{ service }}-api'",
          "side: { by: property, property: k8s.pod.label.track, canary: canary, primary: '{{ target }}' }",
          'ingestionDelay: 3m',
        ]),
      ),
    );
    expect(canary.metrics[0]?.provider).toEqual({
      kind: 'app-insights',
      workspaceId: WORKSPACE,
      roleName: '{{ service }}-api',
      side: { by: 'property', property: 'k8s.pod.label.track', canary: 'canary', primary: '{{ target }}' },
      ingestionDelay: 180_000,
    });
  });

  it('kind: prometheus is the default, spelled out', () => {
    expect(canaryOf(file(analysis(['kind: prometheus'])))).not.toHaveProperty('metrics.0.provider');
  });

  it.each([
    [
      'an incomplete side',
      ['kind: app-insights', 'side: { by: version, canary: v2 }'],
      'provider.side.primary',
      /required/,
    ],
    [
      'a workspace that is no GUID',
      ['kind: app-insights', 'workspaceId: my-workspace'],
      'provider.workspaceId',
      /GUID/,
    ],
    [
      'an unknown placeholder in the role',
      ['kind: app-insights', "roleName: '{{ version }}'"],
      'provider.roleName',
      /no value for \{\{ version \}\}/,
    ],
    ['an unknown kind', ['kind: datadog'], 'provider.kind', /.+/],
    [
      'an ingestion delay over an hour',
      ['kind: app-insights', 'ingestionDelay: 2h'],
      'provider.ingestionDelay',
      /at most 1h/,
    ],
  ])('refuses %s at load', (_, lines, path, message) => {
    const issues = issuesOf(file(analysis(lines)));
    expect(issues).toContainEqual(
      expect.objectContaining({ path: `defaults.canary.${path}`, message: expect.stringMatching(message) }),
    );
  });

  it('refuses alerts (Prometheus ALERTS) and a Prometheus-only template, on their lines', () => {
    const text = file(
      analysis(
        ['kind: app-insights'],
        ['- name: rate', '  templateRef: request-rate', '  thresholdRange: { min: 1 }'],
      ).replace('  threshold: 2\n', '  threshold: 2\n  alerts:\n    matchers: { severity: critical }\n'),
    );
    const issues = issuesOf(text);
    expect(issues).toContainEqual(
      expect.objectContaining({
        path: 'defaults.canary.alerts',
        message: expect.stringMatching(/app-insights/),
      }),
    );
    expect(
      issuesOf(
        file(
          analysis(['kind: prometheus'], ['- name: dependency-failure-rate', '  thresholdRange: { max: 1 }']),
        ),
      ),
    ).toContainEqual(
      expect.objectContaining({
        path: 'defaults.canary.metrics[1].templateRef',
        message: expect.stringMatching(/not a built-in of the Prometheus provider/),
      }),
    );
  });

  it('checks a KQL query at load: a placeholder outside its literal is refused with the file line', () => {
    const text = file(
      analysis(
        ['kind: app-insights'],
        [
          '- name: own',
          '  query: "AppRequests | where AppRoleName == {{ service }} | summarize value = count()"',
          '  thresholdRange: { min: 1 }',
        ],
      ),
    );
    const issues = issuesOf(text);
    expect(issues).toContainEqual({
      path: 'defaults.canary.metrics[1].query',
      line: lineOf(text, 'query: "AppRequests'),
      message: expect.stringMatching(
        /KQL template: line 1: \{\{ service \}\} must sit inside a '…' string literal/,
      ),
    });
  });

  it("verification rules run on the canary's provider and are checked against it", () => {
    const text = file(analysis(['kind: app-insights'])).replace(
      'services:',
      `  verification:
    rules:
      - name: deps
        query: "AppDependencies | where Target == @'{{ service }}' | summarize value = count()"
        thresholdRange: { max: 5 }
        for: 1m
services:`,
    );
    expect(issuesOf(text)).toContainEqual(
      expect.objectContaining({
        path: 'defaults.verification.rules[0].query',
        message: expect.stringMatching(/verbatim string/),
      }),
    );
    const ok = loadConfig(text.replace("@'{{ service }}'", "'{{ service }}'"), 'g.yaml');
    expect(planFor(ok, 'Api').verification.rules[0]?.metric.provider?.kind).toBe('app-insights');
  });
});
