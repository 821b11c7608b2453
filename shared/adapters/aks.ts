import {
  ContainerServiceClient,
  type ContainerServiceClientOptionalParams,
} from '@azure/arm-containerservice';
import type { TokenCredential } from '@azure/identity';
import { KubeConfig, type User } from '@kubernetes/client-node';
import { isAksClusterName, isGuid, isResourceGroupName } from '../domain/names.js';
import type { ClusterTarget } from '../ports/cluster.js';
import { KubeError, type KubeConfigSource } from './kube-client.js';

/** The well-known Entra application of every AKS API server (what kubelogin asks a token for). */
export const AKS_SERVER_SCOPE = '6dae42f8-4368-4678-94ff-3960e28e3630/.default';
const ENTRA_USER = 'gantry-entra';

export interface AksCredentialsOptions {
  /** The Functions app's managed identity (or any Entra credential). */
  credential: TokenCredential;
  /** Time source for cache expiry; tests inject a virtual clock. */
  clock?: { now(): number };
  /** How long a fetched kubeconfig (server, CA, local-account credentials) is reused. Default 1 h. */
  kubeconfigTtlMs?: number;
  /** Refresh an Entra token this long before it expires. Default 5 min. */
  refreshBeforeMs?: number;
  /** Passed to ContainerServiceClient: `endpoint` for sovereign clouds, `agent`, `apiVersion`, retries. */
  clientOptions?: ContainerServiceClientOptionalParams;
}

interface CachedConfig {
  config: KubeConfig;
  expiresAt: number;
}

/**
 * KubeConfigs for AKS clusters from `listClusterUserCredential`. Entra-enabled clusters come back with a
 * kubelogin exec user; a Functions app has no kubelogin, so that user is replaced by an authenticator
 * that sends an Entra token for the AKS server application, cached until shortly before it expires.
 * Local-account clusters keep the kubeconfig's own credentials.
 */
export class AksCredentials implements KubeConfigSource {
  private readonly clients = new Map<string, ContainerServiceClient>();
  private readonly configs = new Map<string, Promise<CachedConfig>>();
  private token: { value: string; refreshAt: number } | undefined;
  private pendingToken: Promise<string> | undefined;
  private readonly now: () => number;

  constructor(private readonly options: AksCredentialsOptions) {
    const clock = options.clock;
    this.now = clock ? () => clock.now() : Date.now;
  }

  async kubeConfig(target: ClusterTarget): Promise<KubeConfig> {
    checkTarget(target);
    const key = clusterKey(target);
    const cached = this.configs.get(key);
    if (cached) {
      const entry = await cached.catch(() => undefined);
      if (entry && this.now() < entry.expiresAt) return entry.config;
    }
    // One fetch per cluster even when several activities ask at once; a failure is not cached.
    const fetching = this.fetchConfig(target);
    this.configs.set(key, fetching);
    fetching.catch(() => this.configs.get(key) === fetching && this.configs.delete(key));
    return (await fetching).config;
  }

  invalidate(target: ClusterTarget): void {
    this.configs.delete(clusterKey(target));
    this.token = undefined;
  }

  private async fetchConfig(target: ClusterTarget): Promise<CachedConfig> {
    const yaml = await this.kubeconfigYaml(target);
    const config = new KubeConfig();
    try {
      config.loadFromString(yaml);
    } catch {
      throw new KubeError('unavailable', `AKS returned an unreadable kubeconfig for ${target.cluster}`);
    }
    const expiresAt = this.now() + (this.options.kubeconfigTtlMs ?? 3_600_000);
    return { config: this.withEntraToken(config, target), expiresAt };
  }

  private async kubeconfigYaml(target: ClusterTarget): Promise<string> {
    const client = this.client(target.subscriptionId);
    let result;
    try {
      result = await client.managedClusters.listClusterUserCredentials(target.resourceGroup, target.cluster, {
        format: 'exec',
      });
    } catch (error) {
      throw armError(error, target);
    }
    const value = result.kubeconfigs?.[0]?.value;
    if (!value) throw new KubeError('unavailable', `AKS returned no kubeconfig for ${target.cluster}`);
    return Buffer.from(value).toString('utf8');
  }

  /** kubelogin (exec) or the removed `azure` auth-provider → Gantry's own token; anything else stays. */
  private withEntraToken(parsed: KubeConfig, target: ClusterTarget): KubeConfig {
    const cluster = parsed.getCurrentCluster();
    if (!cluster?.server)
      throw new KubeError('unavailable', `the kubeconfig of ${target.cluster} has no server`);
    const user: User | null = parsed.getCurrentUser();
    const entra = !user || user.exec !== undefined || user.authProvider?.name === 'azure';
    if (!entra) return parsed;
    const config = new KubeConfig();
    config.loadFromOptions({
      clusters: [cluster],
      users: [{ name: ENTRA_USER }],
      contexts: [{ name: 'aks', cluster: cluster.name, user: ENTRA_USER }],
      currentContext: 'aks',
    });
    // Consulted on every request, so the token is read from the cache each time.
    config.addAuthenticator({
      isAuthProvider: (u) => u.name === ENTRA_USER,
      applyAuthentication: async (_u, opts) => {
        opts.headers = { ...opts.headers, Authorization: `Bearer ${await this.aksToken()}` };
      },
    });
    return config;
  }

  private async aksToken(): Promise<string> {
    if (this.token && this.now() < this.token.refreshAt) return this.token.value;
    this.pendingToken ??= this.fetchToken().finally(() => {
      this.pendingToken = undefined;
    });
    return this.pendingToken;
  }

  private async fetchToken(): Promise<string> {
    let token;
    try {
      token = await this.options.credential.getToken(AKS_SERVER_SCOPE);
    } catch (error) {
      const name = error instanceof Error ? error.name : 'Error';
      throw new KubeError('unauthorized', `no Entra token for the AKS API server (${name})`);
    }
    if (!token) throw new KubeError('unauthorized', 'no Entra token for the AKS API server');
    const refreshAt = token.expiresOnTimestamp - (this.options.refreshBeforeMs ?? 300_000);
    this.token = { value: token.token, refreshAt };
    return token.token;
  }

  private client(subscriptionId: string): ContainerServiceClient {
    let client = this.clients.get(subscriptionId);
    if (!client) {
      client = new ContainerServiceClient(
        this.options.credential,
        subscriptionId,
        this.options.clientOptions,
      );
      this.clients.set(subscriptionId, client);
    }
    return client;
  }
}

const clusterKey = (t: ClusterTarget) => `${t.subscriptionId}/${t.resourceGroup}/${t.cluster}`.toLowerCase();

function checkTarget(target: ClusterTarget): void {
  if (!isGuid(target.subscriptionId)) throw new KubeError('invalid', 'subscription id must be a GUID');
  if (!isResourceGroupName(target.resourceGroup))
    throw new KubeError('invalid', `invalid resource group "${target.resourceGroup.slice(0, 90)}"`);
  if (!isAksClusterName(target.cluster))
    throw new KubeError('invalid', `invalid AKS cluster name "${target.cluster.slice(0, 63)}"`);
}

/** ARM's error code and message only: the RestError also holds the request, with its bearer token. */
function armError(error: unknown, target: ClusterTarget): KubeError {
  const e = error as { statusCode?: number; code?: string; message?: string; name?: string };
  const status = e.statusCode;
  const where = `listClusterUserCredential for ${target.resourceGroup}/${target.cluster}`;
  const detail = [e.code, e.message].filter(Boolean).join(': ') || e.name || 'request failed';
  const code =
    status === 401
      ? 'unauthorized'
      : status === 403
        ? 'forbidden'
        : status === 404
          ? 'not-found'
          : status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429
            ? 'invalid'
            : 'unavailable';
  return new KubeError(code, `${where}: ${detail}`, status);
}
