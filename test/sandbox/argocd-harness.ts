import { afterEach, beforeEach, expect } from 'vitest';
import { VirtualClock } from '../../devhost/durable/clock.js';
import {
  addApplication,
  settleArgoCd,
  startArgoCdSandbox,
  type ArgoCdSandbox,
} from '../../sandbox/argocd.js';
import { deploymentImage } from '../../sandbox/rollout.js';
import { SandboxWorld } from '../../sandbox/world.js';

/** A sandbox Argo CD on a virtual clock with two apps: `web` (Helm, project shop) and `auto` (Kustomize, auto-sync). */

export const TOKEN = 'sandbox-token';
export const V1 = 'reg.example.io/web:v1';
export const DIGEST = `sha256:${'b'.repeat(64)}`;

export type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface Harness {
  clock: VirtualClock;
  world: SandboxWorld;
  sandbox: ArgoCdSandbox;
}

export function useArgoCdSandbox(): Harness {
  const h = {} as Harness;
  beforeEach(async () => {
    h.clock = new VirtualClock();
    h.world = new SandboxWorld(h.clock);
    addApplication(h.world, {
      name: 'web',
      namespace: 'prod',
      deployment: 'web',
      project: 'shop',
      helmParameter: 'image.tag',
      image: V1,
      labels: { env: 'prod' },
    });
    addApplication(h.world, {
      name: 'auto',
      namespace: 'stg',
      deployment: 'auto',
      kustomizeImage: 'reg.example.io/auto',
      image: 'reg.example.io/auto:v1',
      autoSync: true,
    });
    h.sandbox = await startArgoCdSandbox(h.world, { token: TOKEN, username: 'gantry' });
  });
  afterEach(() => h.sandbox.close());
  return h;
}

export async function call(
  h: Harness,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const res = await fetch(`${h.sandbox.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  expect(res.headers.get('content-type')).toContain('application/json');
  return { status: res.status, body: (await res.json()) as Body };
}

/** The Deployment's image as the Kubernetes stand-in would serve it (after settling Argo CD). */
export function deployedImage(h: Harness, name = 'web', namespace = 'prod'): string | undefined {
  settleArgoCd(h.world);
  return deploymentImage(h.world.get('Deployment', namespace, name)!);
}

export const tagPatch = (value: string) =>
  JSON.stringify({ spec: { source: { helm: { parameters: [{ name: 'image.tag', value }] } } } });
