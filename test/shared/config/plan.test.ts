import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../shared/config/load.js';
import {
  planFor,
  pushTargetFor,
  serviceForImage,
  serviceNames,
  servesRepository,
  UnknownServiceError,
} from '../../../shared/config/plan.js';
import { BASE, withLines } from './fixtures.js';

describe('planFor', () => {
  const config = loadConfig(
    withLines({
      3: '  gates:\n    vulnerability: { failOn: critical, allow: [{ id: CVE-2024-1, expires: 2027-01-01, reason: no fix yet }] }\n    signature: { key: "k8s://gantry/cosign" }\n    ciStatus: { repository: hearloveen/platform, checks: [build] }\n  approval:',
      12: '        thresholdRange: { min: 99 }\n      - name: custom\n        query: sum(rate(x{ns="{{ namespace }}"}[{{ interval }}]))\n        templateVariables: { q: "0.95" }\n        thresholdRange: { min: 0, max: 5 }\n        interval: 2m',
    }),
    'g.yaml',
  );

  it('maps gates in a fixed order', () => {
    expect(planFor(config, 'Api').gates).toEqual([
      {
        kind: 'vulnerability',
        name: 'vulnerability',
        failOn: 'critical',
        allow: [{ id: 'CVE-2024-1', expires: '2027-01-01', reason: 'no fix yet' }],
      },
      { kind: 'signature', name: 'signature', key: 'k8s://gantry/cosign' },
      {
        kind: 'ci-status',
        name: 'ci-status',
        repository: 'hearloveen/platform',
        checks: ['build'],
        whenCommitUnknown: 'fail',
      },
    ]);
  });

  it('resolves where image commits come from: the image, the default sha- tags, the ci-status repository', () => {
    expect(planFor(config, 'Api').provenance).toEqual({
      registry: expect.any(String),
      repository: expect.any(String),
      commitTag: '^sha-([0-9a-f]{7,40})$',
      gitRepository: 'hearloveen/platform',
    });
  });

  it('computes the canary steps and maps metrics', () => {
    const { canary } = planFor(config, 'Api');
    expect(canary.steps).toEqual([
      { weight: 10, duration: 60_000 },
      { weight: 50, duration: 60_000 },
    ]);
    expect(canary.metrics).toEqual([
      { name: 'success', template: 'request-success-rate', templateKind: 'ref', min: 99, interval: 60_000 },
      {
        name: 'custom',
        template: 'sum(rate(x{ns="{{ namespace }}"}[{{ interval }}]))',
        templateKind: 'query',
        variables: { q: '0.95' },
        min: 0,
        max: 5,
        interval: 120_000,
      },
    ]);
  });

  it('resolves production and staging targets', () => {
    const plan = planFor(config, 'Api');
    expect(plan.production).toEqual({
      subscriptionId: '00000000-0000-0000-0000-000000000000',
      resourceGroup: 'rg',
      cluster: 'aks',
      namespace: 'prod',
      deployment: 'api',
      canaryDeployment: 'api-canary',
      router: { kind: 'replicas', deployment: 'api', canaryDeployment: 'api-canary' },
      argoApp: 'api-prod',
      image: { kind: 'kustomize-image', name: 'api' },
    });
    expect(plan.staging).toEqual({
      argoApp: 'api-staging',
      image: { kind: 'helm-parameter', parameter: 'image.tag' },
      syncTimeout: 600_000,
      smoke: [],
      tests: [],
    });
    expect(plan.freezes).toEqual([]);
    expect(plan.approval?.reviewers).toEqual(['devops-team']);
  });

  it('finds services ignoring case and refuses unknown ones with a code', () => {
    expect(planFor(config, 'api').service).toBe('Api');
    expect(() => planFor(config, 'Nope')).toThrow(UnknownServiceError);
    expect(() => planFor(config, 'Nope')).toThrow(expect.objectContaining({ code: 'service-unknown' }));
  });

  it('returns a plan that does not share objects with the configuration', () => {
    const plan = planFor(config, 'Api');
    plan.gates.length = 0;
    plan.approval!.reviewers.push('intruder');
    expect(planFor(config, 'Api').gates).toHaveLength(3);
    expect(planFor(config, 'Api').approval!.reviewers).toEqual(['devops-team']);
  });
});

describe('serviceForImage', () => {
  const text = `${BASE}  Canary:
    image: { registry: r.example.io, repository: api, tagPattern: { include: '^canary-' } }
    staging: { application: c-staging, image: { helmParameter: image.tag } }
    production:
      subscriptionId: 00000000-0000-0000-0000-000000000000
      resourceGroup: rg
      cluster: aks
      namespace: prod
      deployment: api2
      application: api2-prod
      image: { helmParameter: image.tag }
`.replace('repository: api }', "repository: api, tagPattern: { include: '^v\\d+', exclude: '-rc' } }");
  const config = loadConfig(text, 'g.yaml');

  it.each<[string, string, string | undefined, string | undefined]>([
    ['r.example.io', 'api', 'v1.2.3', 'Api'],
    ['R.Example.IO', 'api', 'v1.2.3', 'Api'],
    ['r.example.io', 'api', 'v2.0.0-rc1', undefined],
    ['r.example.io', 'api', 'canary-7', 'Canary'],
    ['r.example.io', 'api', 'latest', undefined],
    ['r.example.io', 'api', undefined, undefined],
    ['r.example.io', 'other', 'v1', undefined],
    ['other.example.io', 'api', 'v1', undefined],
  ])('%s/%s:%s → %s', (registry, repository, tag, expected) => {
    expect(serviceForImage(config, registry, repository, tag)).toBe(expected);
  });

  // A manual submission names its service: the repository must be the service's, whatever the tag.
  it.each<[string, string, string, boolean]>([
    ['Api', 'r.example.io', 'api', true],
    ['api', 'R.EXAMPLE.IO', 'api', true],
    ['Canary', 'r.example.io', 'api', true],
    ['Api', 'r.example.io', 'other', false],
    ['Api', 'other.example.io', 'api', false],
    ['Api', 'r.example.io', 'API', false],
    ['Nope', 'r.example.io', 'api', false],
  ])('servesRepository(%s, %s/%s) → %s', (service, registry, repository, expected) => {
    expect(servesRepository(config, service, registry, repository)).toBe(expected);
  });

  it('matches digest-only pushes when no include filter is set', () => {
    const plain = loadConfig(BASE, 'g.yaml');
    expect(serviceForImage(plain, 'r.example.io', 'api')).toBe('Api');
    expect(serviceNames(config)).toEqual(['Api', 'Canary']);
  });
});

describe('the example configuration', () => {
  const config = loadConfig(readFileSync('config/gantry.example.yaml', 'utf8'), 'config/gantry.example.yaml');
  const SERVICES = [
    'ApiGateway',
    'AudioService',
    'AnalysisService',
    'UserService',
    'NotificationService',
    'IoTService',
  ];
  const kebab = (name: string) =>
    name
      .replace('IoT', 'Iot')
      .replace(/([a-z])([A-Z])/g, '$1-$2')
      .toLowerCase();

  it('configures the six HearLoveen services', () => {
    expect(serviceNames(config)).toEqual(SERVICES);
  });

  it.each(SERVICES)('%s carries the seed values', (name) => {
    const plan = planFor(config, name);
    const slug = kebab(name);
    expect(serviceForImage(config, 'hearloveen.azurecr.io', slug, 'abc123')).toBe(name);
    expect(plan.canary).toEqual({
      steps: [
        { weight: 10, duration: 5 * 60_000 },
        { weight: 25, duration: 5 * 60_000 },
        { weight: 50, duration: 10 * 60_000 },
      ],
      interval: 60_000,
      threshold: 5,
      metrics: [
        expect.objectContaining({
          template: 'request-success-rate',
          min: 99,
          interval: 60_000,
          failFast: { min: 95 },
        }),
        expect.objectContaining({
          template: 'request-duration',
          max: 500,
          interval: 60_000,
          failFast: { max: 2000 },
        }),
      ],
      minRequests: 100,
      inconclusiveLimit: 3,
      consecutiveErrorLimit: 4,
      onLimitExhausted: 'pause',
      onProviderOutage: 'pause-at-zero',
      onDrift: 'correct',
      fastCheckInterval: 15_000,
      alerts: {
        matchers: {
          namespace: '{{ namespace }}',
          deployment: '{{ canary }}',
          severity: 'critical',
          // ApiGateway is a train over two clusters: its alerts are scoped to each ring's own cluster.
          ...(name === 'ApiGateway' && { cluster: '{{ cluster }}' }),
        },
      },
    });
    expect(plan.verification.window).toBe(5 * 60_000);
    expect(plan.verification.rules).toEqual([
      {
        name: 'error-rate',
        metric: expect.objectContaining({ template: 'request-success-rate', min: 95 }),
        for: 2 * 60_000,
      },
      {
        name: 'latency-p95',
        metric: expect.objectContaining({ template: 'request-duration', max: 1000 }),
        for: 3 * 60_000,
      },
    ]);
    expect(plan.approval).toEqual({
      autoApprove: [{ from: '02:00', to: '06:00', timeZone: 'UTC' }],
      reviewers: ['devops-team', 'tech-lead'],
      minApprovers: 1,
      forbidSelfApproval: true,
      waitTimer: 30 * 60_000,
      expiry: 24 * 60 * 60_000,
    });
    expect(plan.staging.argoApp).toBe(`${slug}-staging`);
    expect(plan.staging.namespace).toBe('hearloveen-staging');
    expect(plan.staging.smoke.length).toBeGreaterThan(0);
    for (const check of plan.staging.smoke)
      expect(check.url).toMatch(/^https:\/\/staging\.hearloveen\.example\//);
    expect(plan.staging.tests.map((t) => [t.workflow, t.repository])).toEqual([
      ['integration.yml', 'hearloveen/platform'],
      ['e2e.yml', 'hearloveen/platform'],
      ['performance.yml', 'hearloveen/platform'],
      ['security.yml', 'hearloveen/platform'],
    ]);
    expect(plan.production).toMatchObject({
      namespace: 'hearloveen-prod',
      deployment: slug,
      canaryDeployment: `${slug}-canary`,
      argoApp: `${slug}-prod`,
    });
    expect(plan.production.router.kind).toBe(name === 'IoTService' ? 'gateway-api' : 'nginx');
  });

  it('routes ApiGateway through its NGINX canary ingress', () => {
    expect(planFor(config, 'ApiGateway').production.router).toEqual({
      kind: 'nginx',
      ingress: 'api-gateway',
      canaryIngress: 'api-gateway-canary',
    });
  });
});

describe('pushTargetFor', () => {
  const config = loadConfig(readFileSync('config/gantry.example.yaml', 'utf8'), 'gantry.example.yaml');

  it("answers a push's part of the plan of every service, in any casing, as a copy", () => {
    for (const name of serviceNames(config)) {
      const plan = planFor(config, name);
      const target = pushTargetFor(config, name.toUpperCase());
      expect(target).toEqual({ service: plan.service, ...(plan.chat && { chat: plan.chat }) });
      expect(target.chat).toBeDefined();
      expect(target.chat).not.toBe(config.services[name]?.notifications.routes);
    }
  });

  it('throws UnknownServiceError for a name not in the file, like planFor', () => {
    expect(() => pushTargetFor(config, 'Nope')).toThrow(UnknownServiceError);
  });
});
