import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePublicFile } from '../../cli/files.js';
import { run } from '../../cli/main.js';
import { startAzurite, type AzuriteHandle } from '../../devhost/durable/azurite.js';
import { captured } from '../cli/loopback.js';
import { createApplications, isHook, kustomizeBuild, serverSideApply } from './kit-apply.js';
import { EXAMPLE_CONFIG, startSandboxRig, TOKENS, type SandboxRig } from './sandbox-rig.js';

/**
 * The onboarding round trip: `gantry init ApiGateway` writes a kit, the kit is applied to a sandbox
 * cluster that has nothing of ApiGateway (cluster objects, both overlays by server-side apply, the
 * Applications through the Argo CD API), and a push through the sandbox registry releases it to the end,
 * once per router kind.
 */

let azurite: AzuriteHandle;

beforeAll(async () => {
  azurite = await startAzurite({ location: undefined });
});
afterAll(async () => {
  await azurite?.stop();
});

/** The example configuration with ApiGateway bound by Kustomize image, as `gantry init` tells the user. */
function configFor(dir: string, router: 'nginx' | 'gateway-api'): string {
  const binding = '      image: { kustomizeImage: hearloveen.azurecr.io/api-gateway }\n';
  let yaml = readFileSync(EXAMPLE_CONFIG, 'utf8')
    .replace('      application: api-gateway-staging\n', `      application: api-gateway-staging\n${binding}`)
    .replace('      application: api-gateway-prod\n', `      application: api-gateway-prod\n${binding}`);
  if (router === 'gateway-api') yaml = yaml.replace(/ {6}kind: nginx #.*\n/, '      kind: gateway-api\n');
  expect(yaml.split('kustomizeImage').length).toBe(3);
  expect(yaml).toContain(`kind: ${router}`);
  const path = join(dir, 'gantry.yaml');
  writeFileSync(path, yaml);
  return path;
}

async function init(config: string, out: string): Promise<{ code: number; stderr: string }> {
  const { stdout, stderr } = captured();
  const code = await run({
    argv: ['init', 'ApiGateway', '--config', config, '--out', out],
    env: {},
    stdout,
    stderr,
    readFile: (p) => {
      try {
        return readFileSync(p, 'utf8');
      } catch {
        return undefined;
      }
    },
    writeOutputFile: writePublicFile,
  });
  return { code, stderr: stderr.text };
}

type Route = { spec: { rules: Array<{ backendRefs: Array<{ name: string; weight: number }> }> } };

describe.each(['nginx', 'gateway-api'] as const)(
  'gantry init → sandbox cluster → first release (%s)',
  (router) => {
    const dir = mkdtempSync(join(tmpdir(), 'gantry-onboarding-'));
    const kit = join(dir, 'kit');
    let rig: SandboxRig;
    let initOutput: { code: number; stderr: string };

    beforeAll(async () => {
      const config = configFor(dir, router);
      initOutput = await init(config, kit);
      rig = await startSandboxRig({
        configPath: config,
        storage: azurite.connectionString,
        unseeded: ['ApiGateway'],
      });
    });
    afterAll(async () => {
      await rig?.close();
    });

    it('writes the kit without warnings for a Kustomize-bound service', () => {
      expect(initOutput).toEqual({ code: 0, stderr: '' });
    });

    it('applies the kit to a cluster that has nothing of the service', async () => {
      const world = rig.sandbox.world;
      expect(world.get('Deployment', 'hearloveen-prod', 'api-gateway')).toBeUndefined();
      const { kubernetes, argocd } = rig.sandbox.urls;
      const cluster = kustomizeBuild(join(kit, 'cluster'));
      const staging = kustomizeBuild(join(kit, 'k8s/overlays/staging'));
      const production = kustomizeBuild(join(kit, 'k8s/overlays/production'));
      expect(production.filter(isHook).map((o) => o.metadata.name)).toEqual(['db-migrate']);
      const objects = [...cluster, ...staging, ...production].filter((o) => !isHook(o));
      const statuses = await serverSideApply(kubernetes, TOKENS.kubernetes, objects);
      expect(statuses.every((s) => s === 201)).toBe(true);
      // Applying again changes nothing and answers 200, as server-side apply does.
      expect(new Set(await serverSideApply(kubernetes, TOKENS.kubernetes, objects))).toEqual(new Set([200]));
      expect(world.get('Role', 'hearloveen-prod', 'gantry-api-gateway')).toBeDefined();
      expect(world.get('Namespace', undefined, 'gantry-scans')).toBeDefined();
      expect(world.get('Deployment', 'hearloveen-staging', 'api-gateway')?.spec?.replicas).toBe(1);
      expect(world.get('Deployment', 'hearloveen-prod', 'api-gateway-canary')?.spec?.replicas).toBe(0);
      await createApplications(argocd, TOKENS.argocd, [
        join(kit, 'argocd/application-staging.yaml'),
        join(kit, 'argocd/application-production.yaml'),
      ]);
    });

    it('releases a push through the sandbox registry to Succeeded, the primary running its digest', async () => {
      const pushed = await rig.registryPush('api-gateway:5.0.0');
      expect(pushed.service).toBe('ApiGateway');
      const done = await rig.finish(pushed.deploymentId as string);
      expect({ state: done.state, reason: done.reason }).toEqual({ state: 'Succeeded', reason: 'released' });
      expect(rig.prodImage()).toContain(pushed.digest);
      // The kit's canary Deployment ran the release (Gantry set its image) and is back at 0 replicas.
      const world = rig.sandbox.world;
      const canary = world.get('Deployment', 'hearloveen-prod', 'api-gateway-canary');
      expect(JSON.stringify(canary?.spec)).toContain(pushed.digest);
      expect(canary?.spec?.replicas).toBe(0);
      const weights = (await rig.view(done.id)).timeline.filter((e) => e.title.startsWith('weight'));
      expect(weights.length).toBeGreaterThan(0);
      if (router === 'nginx') expect(rig.canaryWeight()).toBe('0');
      else
        expect(
          (world.get('HTTPRoute', 'hearloveen-prod', 'api-gateway') as unknown as Route).spec.rules[0]
            ?.backendRefs,
        ).toEqual([
          { name: 'api-gateway', port: 80, weight: 100 },
          { name: 'api-gateway-canary', port: 80, weight: 0 },
        ]);
      const titles = (await rig.view(done.id)).timeline.map((e) => e.title);
      expect(titles).toEqual(expect.arrayContaining(['synced:api-gateway-prod']));
    });
  },
);
