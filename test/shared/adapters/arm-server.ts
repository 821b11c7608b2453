import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { Agent } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A loopback ARM endpoint for `listClusterUserCredential`. Azure SDKs refuse bearer tokens over plain
 * http, so it serves HTTPS with a throwaway self-signed certificate (made with openssl) that the test
 * passes to the SDK through an https.Agent.
 */

export interface ArmCall {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization?: string;
}

export interface ArmServer {
  endpoint: string;
  agent: Agent;
  calls: ArmCall[];
  /** What the next calls answer: a kubeconfig YAML (200), or an ARM error. */
  answer: { kubeconfig: string } | { status: number; code: string; message: string };
  close(): Promise<void>;
}

let pair: { key: string; cert: string } | undefined;

/** One key pair per test file: generating RSA keys is the slow part. */
function selfSigned(): { key: string; cert: string } {
  if (pair) return pair;
  const dir = mkdtempSync(join(tmpdir(), 'gantry-arm-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    pair = {
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    };
    return pair;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function startArmServer(): Promise<ArmServer> {
  const { key, cert } = selfSigned();
  const arm = { calls: [] as ArmCall[], answer: { kubeconfig: '' } } as ArmServer;
  const server: Server = createServer({ key, cert }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://arm');
    arm.calls.push({
      method: req.method ?? '',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      ...(req.headers.authorization && { authorization: req.headers.authorization }),
    });
    const answer = arm.answer;
    if ('kubeconfig' in answer) {
      const value = Buffer.from(answer.kubeconfig).toString('base64');
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ kubeconfigs: [{ name: 'clusterUser', value }] }));
    } else {
      res
        .writeHead(answer.status, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: { code: answer.code, message: answer.message } }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  arm.endpoint = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  arm.agent = new Agent({ ca: cert, keepAlive: false });
  arm.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return arm;
}

/** An AKS user kubeconfig as listClusterUserCredential returns it for an Entra cluster (exec/kubelogin). */
export function entraKubeconfig(server: string): string {
  return `apiVersion: v1
kind: Config
clusters:
- name: aks-prod
  cluster:
    server: ${server}
    insecure-skip-tls-verify: true
contexts:
- name: aks-prod
  context:
    cluster: aks-prod
    user: clusterUser_rg-prod_aks-prod
current-context: aks-prod
users:
- name: clusterUser_rg-prod_aks-prod
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: kubelogin
      args: [get-token, --environment, AzurePublicCloud, --server-id, 6dae42f8-4368-4678-94ff-3960e28e3630,
             --client-id, 80faf920-1908-4b52-b5ef-a8e7bedfc67a, --tenant-id, 11111111-1111-1111-1111-111111111111,
             --login, devicecode]
      provideClusterInfo: false
`;
}

/** A local-account cluster's kubeconfig: its own static token, no Entra. */
export function localAccountKubeconfig(server: string, token: string): string {
  return `apiVersion: v1
kind: Config
clusters:
- name: aks-prod
  cluster: { server: ${server}, insecure-skip-tls-verify: true }
contexts:
- name: aks-prod
  context: { cluster: aks-prod, user: clusterUser }
current-context: aks-prod
users:
- name: clusterUser
  user: { token: ${token} }
`;
}
