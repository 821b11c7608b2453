import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * ApiGateway as a three-ring train over the example configuration, for the sandbox's multi-cluster
 * tests: EU West (canary, the example's production cluster), EU North and Germany West Central (each a
 * plain rollout after a 30-minute soak), every ring on its own AKS cluster. No vitest here: the sandbox
 * unit tests and the e2e tests share it.
 */
export const CLUSTERS = {
  west: 'hearloveen-aks-prod',
  north: 'hearloveen-aks-eun',
  central: 'hearloveen-aks-gwc',
} as const;
export const APPS = {
  west: 'api-gateway-prod',
  north: 'api-gateway-prod-eun',
  central: 'api-gateway-prod-gwc',
} as const;
export const NAMESPACE = 'hearloveen-prod';

const PROD_BLOCK =
  '      application: api-gateway-prod\n      image: { kustomizeImage: hearloveen.azurecr.io/api-gateway }\n';
const WEST_RING = '      rings:\n        - { name: eu-west, region: westeurope }\n';
const ring = (name: string, region: string, cluster: string, app: string, extra = '') =>
  `        - name: ${name}\n          region: ${region}\n          soak: 30m\n          canary: rollout\n` +
  `          targets: [{ cluster: ${cluster}, application: ${app} }]\n${extra}`;
/** The example's EU North ring, as config/gantry.example.yaml has it. */
export const NORTH_RING = ring('eu-north', 'northeurope', CLUSTERS.north, APPS.north);

/**
 * The example with three rings; `northExtra` is added under the EU North ring (e.g. its `freezes:`),
 * indented as a ring's field.
 */
export function threeRingYaml(northExtra = ''): string {
  const example = readFileSync('config/gantry.example.yaml', 'utf8');
  const rings =
    ring('eu-north', 'northeurope', CLUSTERS.north, APPS.north, northExtra) +
    ring('eu-central', 'germanywestcentral', CLUSTERS.central, APPS.central);
  // The example already runs ApiGateway as a two-ring train: its EU North ring is replaced.
  if (example.includes(WEST_RING + NORTH_RING)) return example.replace(NORTH_RING, rings);
  if (!example.includes(PROD_BLOCK)) throw new Error('the example has no ApiGateway production block');
  return example.replace(PROD_BLOCK, PROD_BLOCK + WEST_RING + rings);
}

/** Writes a configuration to a fresh temporary file; its path. */
export function writeConfig(text: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'gantry-train-')), 'gantry.yaml');
  writeFileSync(file, text);
  return file;
}
