import { describe, expect, it } from 'vitest';
import type { ProductionTarget } from '../../../shared/contracts/plan.js';
import { render } from '../../../shared/analysis/promql.js';
import { metricVariables } from '../../../shared/analysis/variables.js';

const north: ProductionTarget = {
  subscriptionId: '00000000-0000-0000-0000-000000000000',
  resourceGroup: 'rg-hearloveen-eun',
  cluster: 'hearloveen-aks-eun',
  namespace: 'production',
  deployment: 'api-gateway',
  canaryDeployment: 'api-gateway-canary',
  router: { kind: 'nginx', ingress: 'api-gateway', canaryIngress: 'api-gateway-canary' },
  argoApp: 'api-gateway-prod-eun',
  image: { kind: 'kustomize-image', name: 'hearloveen.azurecr.io/api-gateway' },
};

describe('metricVariables', () => {
  it('gives a template every per-target variable, the target cluster included', () => {
    const template =
      'sum(rate(x{cluster="{{ cluster }}",namespace="{{ namespace }}",app=~"{{ target }}|{{ canary }}",svc="{{ service }}"}[1m]))';
    expect(render(template, metricVariables('ApiGateway', north))).toBe(
      'sum(rate(x{cluster="hearloveen-aks-eun",namespace="production",app=~"api-gateway|api-gateway-canary",svc="ApiGateway"}[1m]))',
    );
  });

  it("follows the target: a later ring's target renders its own cluster", () => {
    const west = { ...north, cluster: 'hearloveen-aks-prod' };
    expect(metricVariables('ApiGateway', west).cluster).toBe('hearloveen-aks-prod');
  });
});
