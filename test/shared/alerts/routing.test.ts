import { describe, expect, it } from 'vitest';
import type { InboundAlert } from '../../../shared/alerts/alert.js';
import { matchersFor, routeAlert } from '../../../shared/alerts/routing.js';
import { FileConfigSource } from '../../../shared/adapters/config-file.js';
import { ConfigError, loadConfig } from '../../../shared/config/load.js';
import { planFor } from '../../../shared/config/plan.js';
import type { PipelinePlan } from '../../../shared/contracts/plan.js';
import { BASE } from '../config/fixtures.js';

const example = FileConfigSource.load('config/gantry.example.yaml');
const plans = example.services().map((s) => example.plan(s) as PipelinePlan);

const alert = (
  labels: Record<string, string>,
  source: InboundAlert['source'] = 'alertmanager',
): InboundAlert => ({
  source,
  id: 'f00d',
  name: 'HighErrorRate',
  status: 'firing',
  labels,
  annotations: {},
  startsAt: '2026-01-05T12:00:00Z',
});

const routed = (a: InboundAlert, p = plans): string =>
  ((r) => (r.kind === 'service' ? r.matchers.service : r.kind))(routeAlert(a, p));

describe('routeAlert with the default matchers (namespace + deployment)', () => {
  it.each([
    [{ namespace: 'hearloveen-prod', deployment: 'api-gateway', severity: 'critical' }, 'ApiGateway'],
    [{ namespace: 'hearloveen-prod', deployment: 'api-gateway-canary' }, 'ApiGateway'],
    [{ namespace: 'hearloveen-prod', deployment: 'iot-service' }, 'IoTService'],
    [{ namespace: 'hearloveen-staging', deployment: 'api-gateway' }, 'none'],
    [{ namespace: 'hearloveen-prod' }, 'none'],
    [{ deployment: 'api-gateway' }, 'none'],
    [{ namespace: 'hearloveen-prod', deployment: 'API-GATEWAY' }, 'none'],
  ])('%j → %s', (labels, service) => {
    expect(routed(alert(labels))).toBe(service);
  });

  it('knows an alert about the canary Deployment from one about production', () => {
    const on = (deployment: string) =>
      routeAlert(alert({ namespace: 'hearloveen-prod', deployment }), plans) as { aboutCanary?: boolean };
    expect([on('api-gateway-canary').aboutCanary, on('api-gateway').aboutCanary]).toEqual([true, false]);
  });

  it('defaults to a 60 minute rollback window', () => {
    expect(matchersFor(plans[0] as PipelinePlan, 'alertmanager').rollbackWindow).toBe(3_600_000);
  });
});

describe('alertRouting in the pipeline file', () => {
  const config = (routing: string) =>
    loadConfig(BASE.replace('  approval:\n', `  alertRouting:\n${routing}\n  approval:\n`), 'g.yaml');

  it('labels, dimensions (names ignoring case) and the window come from the file', () => {
    const plan = planFor(
      config(
        [
          '    labels: { app: "{{ service }}", kube_namespace: "{{ namespace }}" }',
          '    dimensions: { "Kubernetes namespace": "{{ namespace }}", controllerName: ["{{ deployment }}", "{{ canary }}"] }',
          '    rollbackWindow: 30m',
        ].join('\n'),
      ),
      'Api',
    );
    expect(routed(alert({ app: 'Api', kube_namespace: 'prod' }), [plan])).toBe('Api');
    expect(routed(alert({ namespace: 'prod', deployment: 'api' }), [plan])).toBe('none');
    const dims = { 'kubernetes namespace': 'prod', controllername: 'api-canary' };
    expect(routed(alert(dims, 'azure-monitor'), [plan])).toBe('Api');
    expect(matchersFor(plan, 'azure-monitor').rollbackWindow).toBe(30 * 60_000);
  });

  it('Azure Monitor uses the labels when no dimensions are set', () => {
    const plan = planFor(config('    labels: { namespace: "{{ namespace }}" }'), 'Api');
    expect(routed(alert({ namespace: 'prod' }, 'azure-monitor'), [plan])).toBe('Api');
  });

  it('two services matching one alert is ambiguous, and acted on for neither', () => {
    const twice = [...plans, { ...(plans[0] as PipelinePlan), service: 'Copy' }];
    expect(routeAlert(alert({ namespace: 'hearloveen-prod', deployment: 'api-gateway' }), twice)).toEqual({
      kind: 'ambiguous',
      services: ['ApiGateway', 'Copy'],
    });
  });

  it.each([
    ['    labels: { "bad name": x }', /labels\.bad name: must be a Prometheus label name/],
    ['    labels: {}', /labels: needs at least one matcher/],
    ['    rollbackWindow: 0s', /rollbackWindow: must be longer than 0s/],
    ['    matchers: { a: b }', /matchers/],
  ])('refuses %s', (routing, message) => {
    let error: unknown;
    try {
      config(routing);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(String((error as Error).message)).toMatch(message);
  });
});
