import { describe, expect, it } from 'vitest';
import { at, issues, load, service } from './fixtures.js';

describe('merging defaults under services', () => {
  it('replaces lists instead of merging them', () => {
    const config = load((d, a) => {
      d.approval.reviewers = ['devops-team', 'tech-lead'];
      a.approval = { reviewers: ['api-owners'] };
    });
    expect(config.services.Api!.approval.reviewers).toEqual(['api-owners']);
  });

  it('merges objects key by key', () => {
    const config = load((d, a) => {
      d.approval.waitTimer = '30m';
      a.approval = { minApprovers: 2 };
    });
    expect(config.services.Api!.approval).toMatchObject({
      reviewers: ['devops-team'],
      waitTimer: 1_800_000,
      minApprovers: 2,
    });
  });

  it('concatenates freezes, defaults first, and reports each at its own place', () => {
    const freeze = (name: string) => ({ name, reason: 'r', from: '00:00', to: '01:00', timeZone: 'UTC' });
    const config = load((d, a) => {
      d.freezes = [freeze('global')];
      a.freezes = [freeze('local')];
    });
    expect(config.services.Api!.freezes.map((f) => f.name)).toEqual(['global', 'local']);
    const found = issues((d, a) => {
      d.freezes = [{ ...freeze('global'), timeZone: 'Nowhere/Land' }];
      a.freezes = [freeze('ok'), { ...freeze('local'), to: '25:00' }];
    });
    expect(found).toContainEqual(at('defaults.freezes[0].timeZone', /IANA/));
    expect(found).toContainEqual(at('services.Api.freezes[1].to', /HH:MM/));
  });

  it('switches an inherited gate off with false', () => {
    const config = load((d, a) => {
      d.gates = { signature: { key: 'k8s://gantry/cosign' }, vulnerability: { failOn: 'critical' } };
      a.gates = { signature: false };
    });
    expect(config.services.Api!.gates).toEqual({ vulnerability: { failOn: 'critical', allow: [] } });
  });

  it('replaces the router as a whole', () => {
    const config = load((d, a) => {
      d.production = { router: { kind: 'nginx', ingress: 'shared' } };
      a.production.router = { kind: 'replicas' };
    });
    expect(config.services.Api!.production.router).toEqual({
      kind: 'replicas',
      deployment: 'api',
      canaryDeployment: 'api-canary',
    });
  });

  it('attributes errors inside a replaced router to the service', () => {
    const found = issues((d, a) => {
      d.production = { router: { kind: 'nginx', ingress: 'shared' } };
      a.production.router = { kind: 'gateway-api', route: 'UPPER' };
    });
    expect(found).toEqual([at('services.Api.production.router.route', /Kubernetes name/)]);
  });

  it('replaces the traffic schedule as a whole', () => {
    const config = load((_d, a) => (a.canary = { steps: [{ weight: 10, duration: '5m' }] }));
    expect(config.services.Api!.canary).toMatchObject({ steps: [{ weight: 10, duration: 300_000 }] });
    expect(config.services.Api!.canary.stepWeight).toBeUndefined();
    expect(config.services.Api!.canary.maxWeight).toBeUndefined();
  });

  it('applies default router names', () => {
    const config = load((_d, a, s) => {
      a.production.router = { kind: 'nginx' };
      s.Edge = service('edge');
      s.Edge.production.router = { kind: 'gateway-api' };
    });
    expect(config.services.Api!.production.router).toEqual({
      kind: 'nginx',
      ingress: 'api',
      canaryIngress: 'api-canary',
    });
    expect(config.services.Edge!.production.router).toEqual({
      kind: 'gateway-api',
      route: 'edge',
      primaryBackend: 'edge',
      canaryBackend: 'edge-canary',
    });
  });
});

describe('image ownership across services', () => {
  it('refuses two services on one repository without tag patterns', () => {
    const found = issues((_d, _a, s) => (s.Copy = service('api')));
    expect(found).toEqual([at('services.Copy.image.repository', /also service "Api"'s image/)]);
  });

  it('allows them when both filter tags', () => {
    const config = load((_d, a, s) => {
      a.image.tagPattern = { exclude: '^canary-' };
      s.Copy = service('api');
      s.Copy.production.deployment = 'api-copy';
      s.Copy.image.tagPattern = { include: '^canary-' };
    });
    expect(Object.keys(config.services)).toEqual(['Api', 'Copy']);
  });
});
