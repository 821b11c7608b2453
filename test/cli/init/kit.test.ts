import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildKit, KitError, type Kit } from '../../../cli/init/index.js';
import { productionRules, SCAN_RULES } from '../../../cli/init/rbac.js';
import { documents, parseWorkflowText, validateObject, workflowTemplate } from './validate.js';

const CONFIG = 'config/gantry.example.yaml';
const EXAMPLE = readFileSync(CONFIG, 'utf8');
const EXAMPLE_DIR = 'examples/apigateway';

/** The example configuration with ApiGateway's production router switched to a Gateway API HTTPRoute. */
const GATEWAY = EXAMPLE.replace(
  '    router:\n      kind: nginx # ingress <deployment>, canary ingress <deployment>-canary\n',
  '    router:\n      kind: gateway-api\n',
);

const kits: Array<[string, Kit]> = [
  ['nginx', buildKit(EXAMPLE, CONFIG, 'ApiGateway')],
  ['gateway-api', buildKit(GATEWAY, CONFIG, 'ApiGateway')],
];

const isWorkflow = (path: string) => path.startsWith('.github/workflows/');
const objectsOf = (kit: Kit) =>
  kit.files
    .filter((f) => !isWorkflow(f.path))
    .flatMap((f) => documents(f.text).map((o) => ({ file: f.path, o })));
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test reads of parsed YAML
type Found = any;
const find = (kit: Kit, kind: string, name?: string): Found[] =>
  objectsOf(kit)
    .map((x) => x.o as Found)
    .filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

describe.each(kits)('the %s kit', (_router, kit) => {
  it('has objects that all validate against the Kubernetes, Gateway API and Argo CD schemas', () => {
    const objects = objectsOf(kit);
    expect(objects.length).toBeGreaterThan(15);
    for (const { file, o } of objects)
      expect(() => validateObject(o), `${file} ${String(o.kind)}`).not.toThrow();
  });

  it('has workflows the GitHub workflow parser accepts without errors', async () => {
    const workflows = kit.files.filter((f) => isWorkflow(f.path));
    expect(workflows.map((f) => f.path)).toEqual([
      '.github/workflows/api-gateway-build.yml',
      '.github/workflows/integration.yml',
      '.github/workflows/e2e.yml',
      '.github/workflows/performance.yml',
      '.github/workflows/security.yml',
    ]);
    for (const f of workflows) expect((await parseWorkflowText(f.path, f.text)).errors, f.path).toEqual([]);
  });

  it('has every file every kustomization lists', () => {
    const paths = new Set(kit.files.map((f) => f.path));
    for (const f of kit.files.filter((x) => x.path.endsWith('kustomization.yaml'))) {
      const k = documents(f.text)[0] as { resources?: string[]; components?: string[] };
      for (const r of [...(k.resources ?? []), ...(k.components ?? [])]) {
        const target = join(f.path, '..', r);
        const exists = paths.has(target) || paths.has(join(target, 'kustomization.yaml'));
        expect(exists, `${f.path} -> ${r}`).toBe(true);
      }
    }
  });
});

describe('what the kit says matches what Gantry acts on', () => {
  const [, nginx] = kits[0]!;
  const [, gateway] = kits[1]!;

  it('names the router objects Gantry weights, at 0% for the canary', () => {
    const canary = find(nginx, 'Ingress', 'api-gateway-canary')[0]?.metadata as { annotations?: object };
    expect(canary.annotations).toEqual({
      'nginx.ingress.kubernetes.io/canary': 'true',
      'nginx.ingress.kubernetes.io/canary-weight': '0',
    });
    const route = find(gateway, 'HTTPRoute', 'api-gateway')[0] as {
      spec: { rules: Array<{ backendRefs: object[] }> };
    };
    expect(route.spec.rules[0]?.backendRefs).toEqual([
      { name: 'api-gateway', port: 80, weight: 100 },
      { name: 'api-gateway-canary', port: 80, weight: 0 },
    ]);
    expect(find(gateway, 'Gateway')[0]?.spec).toMatchObject({ gatewayClassName: 'azure-alb-external' });
    expect(find(gateway, 'Ingress')).toEqual([]);
  });

  it("puts the canary at 0 replicas with the primary's container name, and the seed's rollout settings on both", () => {
    const [primary] = find(nginx, 'Deployment', 'api-gateway') as Array<{ spec: Record<string, unknown> }>;
    const [canary] = find(nginx, 'Deployment', 'api-gateway-canary') as Array<{
      spec: Record<string, unknown>;
    }>;
    expect(primary?.spec).toMatchObject({
      replicas: 2,
      strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
      minReadySeconds: 30,
      progressDeadlineSeconds: 600,
    });
    expect(canary?.spec).toMatchObject({
      replicas: 0,
      template: { spec: { containers: [{ name: 'api-gateway' }] } },
    });
  });

  it("grants Gantry's identity exactly the verbs its adapters call", () => {
    const ctx = nginx.context;
    expect(productionRules(ctx)).toEqual([
      {
        apiGroups: ['apps'],
        resources: ['deployments'],
        verbs: ['get', 'patch'],
        resourceNames: ['api-gateway', 'api-gateway-canary'],
      },
      { apiGroups: ['apps'], resources: ['replicasets'], verbs: ['list'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['list'] },
      {
        apiGroups: ['networking.k8s.io'],
        resources: ['ingresses'],
        verbs: ['get', 'patch'],
        resourceNames: ['api-gateway-canary'],
      },
    ]);
    expect(productionRules(gateway.context).at(-1)).toEqual({
      apiGroups: ['gateway.networking.k8s.io'],
      resources: ['httproutes'],
      verbs: ['get', 'patch'],
      resourceNames: ['api-gateway'],
    });
    expect(find(nginx, 'Role', 'gantry-scan-runner')[0]).toMatchObject({
      metadata: { namespace: 'gantry-scans' },
      rules: SCAN_RULES,
    });
    expect(find(nginx, 'ClusterRole')).toEqual([]);
  });

  it('points the Applications at the overlays with the Kustomize image and no auto-sync, and hooks Flyway PreSync', () => {
    const [prod] = find(nginx, 'Application', 'api-gateway-prod') as Array<{ spec: Record<string, unknown> }>;
    expect(prod?.spec).toMatchObject({
      source: {
        repoURL: 'https://github.com/hearloveen/platform.git',
        path: 'deploy/api-gateway/k8s/overlays/production',
        kustomize: { images: ['hearloveen.azurecr.io/api-gateway=hearloveen.azurecr.io/api-gateway:latest'] },
      },
      destination: { namespace: 'hearloveen-prod' },
    });
    expect(prod?.spec.syncPolicy).not.toHaveProperty('automated');
    const [staging] = find(nginx, 'Application', 'api-gateway-staging') as Array<{
      spec: { destination: object };
    }>;
    expect(staging?.spec.destination).toMatchObject({ namespace: 'hearloveen-staging' });
    expect(find(nginx, 'Job', 'db-migrate')[0]?.metadata).toMatchObject({
      annotations: { 'argocd.argoproj.io/hook': 'PreSync' },
    });
  });

  it('gives each test workflow the deployment_id input and puts it in run-name', async () => {
    for (const f of nginx.files.filter((x) => isWorkflow(x.path) && !x.path.endsWith('-build.yml'))) {
      const template = await workflowTemplate(f.path, f.text);
      expect(template.errors ?? []).toEqual([]);
      const inputs = template.events.workflow_dispatch?.inputs ?? {};
      expect(Object.keys(inputs)).toEqual(['deployment_id', 'image']);
      expect(documents(f.text)[0]?.['run-name']).toBe('Gantry ${{ inputs.deployment_id }}');
    }
  });

  it('builds with the check names the ci-status gate waits for, labels the image, logs in by OIDC and signs', async () => {
    const build = nginx.files.find((f) => f.path.endsWith('-build.yml'))!;
    const template = await workflowTemplate(build.path, build.text);
    const names = template.jobs.map((j) => ('name' in j && j.name ? String(j.name) : j.id.value));
    expect(names).toEqual(expect.arrayContaining(nginx.context.ciChecks));
    expect(build.text).toContain('uses: docker/metadata-action@v5');
    expect(build.text).toContain('DOCKER_METADATA_ANNOTATIONS_LEVELS: index,manifest');
    expect(build.text).toContain('annotations: ${{ steps.meta.outputs.annotations }}');
    expect(build.text).toContain('id-token: write');
    expect(build.text).toContain('uses: azure/login@v2');
    expect(build.text).not.toMatch(/password|client-secret|creds:/i);
    expect(build.text).toContain(
      "cosign sign --yes --key 'azurekms://hearloveen-kv.vault.azure.net/cosign-signing-key' hearloveen.azurecr.io/api-gateway@${{ steps.push.outputs.digest }}",
    );
    expect(build.text).toContain('--type spdxjson --predicate sbom.spdx.json');
    expect(nginx.warnings[0]).toMatch(/binds its image by Helm parameter/);
  });
});

describe('the validators catch a broken kit', () => {
  const [, kit] = kits[0]!;

  it('refuses a Deployment without a selector and a Service port that is not a number', () => {
    const deployment = find(kit, 'Deployment', 'api-gateway')[0] as { spec: Record<string, unknown> };
    const broken = structuredClone(deployment);
    delete broken.spec.selector;
    expect(() => validateObject(broken as never)).toThrow(/selector/);
    const service = structuredClone(find(kit, 'Service', 'api-gateway')[0]) as {
      spec: { ports: Array<{ port: unknown }> };
    };
    service.spec.ports[0]!.port = 'eighty';
    expect(() => validateObject(service as never)).toThrow(/port/);
  });

  it('refuses an HTTPRoute backend weight out of range and an Application without a destination', () => {
    const [, gateway] = kits[1]!;
    const route = structuredClone(find(gateway, 'HTTPRoute')[0]) as {
      spec: { rules: Array<{ backendRefs: Array<{ weight: number }> }> };
    };
    route.spec.rules[0]!.backendRefs[1]!.weight = -1;
    expect(() => validateObject(route as never)).toThrow();
    const app = structuredClone(find(kit, 'Application')[0]) as { spec: Record<string, unknown> };
    delete app.spec.destination;
    expect(() => validateObject(app as never)).toThrow(/destination/);
  });

  it('reports a job without runs-on and an unknown key in a workflow', async () => {
    const broken =
      'name: x\non: push\njobs:\n  a:\n    steps:\n      - run: echo\n    runz-on: ubuntu-latest\n';
    expect((await parseWorkflowText('x.yml', broken)).errors.join('\n')).toMatch(/runz-on|runs-on/);
  });
});

describe('buildKit', () => {
  it('refuses an unknown service and an invalid pipeline file', () => {
    expect(() => buildKit(EXAMPLE, CONFIG, 'Nope')).toThrow(KitError);
    expect(() => buildKit('version: 2\n', 'x.yaml', 'ApiGateway')).toThrow(
      expect.objectContaining({ code: 'config-invalid' }),
    );
  });
});

describe(`${EXAMPLE_DIR}`, () => {
  it('is exactly what `gantry init ApiGateway --config config/gantry.example.yaml` writes', () => {
    const [, kit] = kits[0]!;
    const committed = listFiles(EXAMPLE_DIR)
      .map((p) => relative(EXAMPLE_DIR, p))
      .sort();
    expect(committed).toEqual(kit.files.map((f) => f.path).sort());
    for (const f of kit.files) expect(readFileSync(join(EXAMPLE_DIR, f.path), 'utf8'), f.path).toBe(f.text);
  });
});

describe('signing follows the signature gate', () => {
  const SIGNATURE =
    '    signature:\n      key: azurekms://hearloveen-kv.vault.azure.net/cosign-signing-key\n';

  it('signs keyless (Sigstore, GitHub OIDC) when the service has no signature gate', () => {
    expect(EXAMPLE).toContain(SIGNATURE);
    const kit = buildKit(EXAMPLE.replace(SIGNATURE, ''), CONFIG, 'ApiGateway');
    const build = kit.files.find((f) => f.path.endsWith('-build.yml'))!.text;
    expect(build).toContain(
      'cosign sign --yes hearloveen.azurecr.io/api-gateway@${{ steps.push.outputs.digest }}',
    );
    expect(build).not.toContain('--key');
  });

  it('lets the scanner read exactly the Kubernetes secret of a k8s:// key', () => {
    const yaml = EXAMPLE.replace(SIGNATURE, '    signature:\n      key: k8s://cosign/cosign-pub\n');
    const kit = buildKit(yaml, CONFIG, 'ApiGateway');
    const [role] = find(kit, 'Role', 'gantry-scanner-cosign-key');
    expect(role).toMatchObject({
      metadata: { namespace: 'cosign' },
      rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: ['cosign-pub'] }],
    });
    expect(find(kit, 'RoleBinding', 'gantry-scanner-cosign-key')[0].subjects).toEqual([
      { kind: 'ServiceAccount', name: 'gantry-scanner', namespace: 'gantry-scans' },
    ]);
    // Without such a key the scanner gets no Role at all.
    expect(find(kits[0]![1], 'Role', 'gantry-scanner-cosign-key')).toEqual([]);
  });
});
