import {
  ApiException,
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  NetworkingV1Api,
  Observable,
  type ConfigurationOptions,
  type RequestContext,
  type ResponseContext,
} from '@kubernetes/client-node';
import { isDnsLabel, isDnsSubdomain } from '../domain/names.js';
import type { ClusterTarget } from '../ports/cluster.js';

/**
 * What every Kubernetes adapter shares: where a cluster's KubeConfig comes from, per-call options
 * (timeout, patch content type), coded errors, and the name checks done before a name reaches a URL.
 */

export type KubeErrorCode =
  'not-found' | 'unauthorized' | 'forbidden' | 'conflict' | 'invalid' | 'unavailable' | 'router-mismatch';

/** Tokens must never reach a log or an orchestration's history, whatever a server echoed back. */
const JWT = /eyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/g;
const BEARER = /(bearer\s+)[^\s"',]+/gi;
export const redact = (text: string): string =>
  text.replace(JWT, '<redacted>').replace(BEARER, '$1<redacted>').slice(0, 500);

export class KubeError extends Error {
  constructor(
    readonly code: KubeErrorCode,
    message: string,
    readonly status?: number,
  ) {
    super(redact(message));
    this.name = 'KubeError';
  }
}

/** Where the credentials of a cluster come from: AKS (aks.ts) or a fixed kubeconfig/server+token. */
export interface KubeConfigSource {
  kubeConfig(target: ClusterTarget): Promise<KubeConfig>;
  /** The cluster rejected the credentials (401): forget cached ones so a retry fetches fresh ones. */
  invalidate(target: ClusterTarget): void;
}

export interface StaticServer {
  server: string;
  token?: string;
  /** Base64 PEM of the cluster CA. */
  caData?: string;
  skipTLSVerify?: boolean;
}

/** One cluster for every target: the sandbox, or a non-AKS cluster reached with a fixed token/kubeconfig. */
export class StaticKubeConfig implements KubeConfigSource {
  private constructor(private readonly config: KubeConfig) {}

  static fromServer(options: StaticServer): StaticKubeConfig {
    let url: URL;
    try {
      url = new URL(options.server);
    } catch {
      throw new KubeError('invalid', 'the Kubernetes server must be an http(s) URL');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw new KubeError('invalid', 'the Kubernetes server must be an http(s) URL');
    const config = new KubeConfig();
    config.loadFromOptions({
      // client-node refuses plain http unless skipTLSVerify is set, although there is no TLS to skip.
      clusters: [
        {
          name: 'cluster',
          server: options.server,
          caData: options.caData,
          skipTLSVerify: url.protocol === 'http:' || options.skipTLSVerify === true,
        },
      ],
      users: [{ name: 'user', token: options.token }],
      contexts: [{ name: 'context', cluster: 'cluster', user: 'user' }],
      currentContext: 'context',
    });
    return new StaticKubeConfig(config);
  }

  static fromYaml(yaml: string, context?: string): StaticKubeConfig {
    const config = new KubeConfig();
    config.loadFromString(yaml);
    if (context) config.setCurrentContext(context);
    if (!config.getCurrentCluster()) throw new KubeError('invalid', 'the kubeconfig has no current cluster');
    return new StaticKubeConfig(config);
  }

  async kubeConfig(): Promise<KubeConfig> {
    return this.config;
  }

  invalidate(): void {}
}

/**
 * A fixed server per AKS cluster name (the sandbox's clusters, GANTRY_KUBE_SERVERS). A cluster missing
 * from the map is refused: sending its changes to another cluster's server would deploy the wrong region.
 */
export class ServerPerCluster implements KubeConfigSource {
  private readonly configs = new Map<string, StaticKubeConfig>();

  constructor(servers: Record<string, string>, token?: string) {
    for (const [cluster, server] of Object.entries(servers))
      this.configs.set(cluster, StaticKubeConfig.fromServer({ server, token }));
  }

  async kubeConfig(target: ClusterTarget): Promise<KubeConfig> {
    const config = this.configs.get(target.cluster);
    if (!config)
      throw new KubeError(
        'invalid',
        `cluster "${target.cluster.slice(0, 80)}" has no server in GANTRY_KUBE_SERVERS (known: ${[...this.configs.keys()].join(', ')})`,
      );
    return config.kubeConfig();
  }

  invalidate(): void {}
}

export function checkName(kind: string, name: string): void {
  if (!isDnsSubdomain(name))
    throw new KubeError('invalid', `${kind} name "${name.slice(0, 80)}" is not a DNS-1123 subdomain`);
}

export function checkNamespace(namespace: string): void {
  if (!isDnsLabel(namespace))
    throw new KubeError('invalid', `namespace "${namespace.slice(0, 80)}" is not a DNS-1123 label`);
}

/** Canary share in percent: whole numbers 0-100, so "absolute and idempotent" has one meaning. */
export function checkWeight(weight: number): void {
  if (!Number.isInteger(weight) || weight < 0 || weight > 100)
    throw new KubeError('invalid', `traffic weight must be a whole number 0-100, got ${weight}`);
}

function statusMessage(body: unknown): string | undefined {
  if (typeof body !== 'string' || body === '') return undefined;
  try {
    const status = JSON.parse(body) as { message?: unknown; reason?: unknown };
    if (typeof status.message === 'string') return status.message;
    return typeof status.reason === 'string' ? status.reason : undefined;
  } catch {
    return undefined; // an HTML page from a proxy: the status code says enough
  }
}

function codeForStatus(status: number): KubeErrorCode {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status === 409) return 'conflict';
  if (status === 408 || status === 429 || status >= 500) return 'unavailable';
  return 'invalid';
}

/** Maps what client-node throws to a KubeError; programming errors pass through unchanged. */
export function toKubeError(error: unknown, what: string): unknown {
  if (error instanceof KubeError) return error;
  if (error instanceof ApiException) {
    const status = error.code;
    const detail = statusMessage(error.body) ?? `HTTP ${status}`;
    return new KubeError(codeForStatus(status), `${what}: ${detail}`, status);
  }
  if (error instanceof SyntaxError) return new KubeError('unavailable', `${what}: malformed JSON response`);
  if (error instanceof Error && error.name === 'AbortError')
    return new KubeError('unavailable', `${what}: timed out`);
  if (error instanceof Error && error.name === 'FetchError') {
    const code = (error as Error & { code?: string }).code;
    return new KubeError('unavailable', `${what}: ${code ?? 'request failed'}`);
  }
  return error;
}

export interface KubeApis {
  apps: AppsV1Api;
  core: CoreV1Api;
  batch: BatchV1Api;
  net: NetworkingV1Api;
  custom: CustomObjectsApi;
  /** Per-call options: the timeout, and the Content-Type of a PATCH (client-node defaults to JSON Patch). */
  options(contentType?: string): ConfigurationOptions;
}

const resolved = <T>(value: T) => new Observable(Promise.resolve(value));

/** Builds API clients per KubeConfig and runs calls with a timeout and error mapping. */
export class KubeClients {
  private readonly cache = new WeakMap<KubeConfig, Omit<KubeApis, 'options'>>();

  constructor(
    private readonly source: KubeConfigSource,
    private readonly timeoutMs = 15_000,
  ) {}

  /** Runs `fn` against the target's cluster; failures become KubeError, and a 401 drops cached credentials. */
  async call<T>(target: ClusterTarget, what: string, fn: (apis: KubeApis) => Promise<T>): Promise<T> {
    checkNamespace(target.namespace);
    const config = await this.source.kubeConfig(target);
    try {
      return await fn({ ...this.clients(config), options: (type) => this.options(type) });
    } catch (error) {
      const mapped = toKubeError(error, what);
      if (mapped instanceof KubeError && mapped.code === 'unauthorized') this.source.invalidate(target);
      throw mapped;
    }
  }

  private clients(config: KubeConfig): Omit<KubeApis, 'options'> {
    let apis = this.cache.get(config);
    if (!apis) {
      apis = {
        apps: config.makeApiClient(AppsV1Api),
        core: config.makeApiClient(CoreV1Api),
        batch: config.makeApiClient(BatchV1Api),
        net: config.makeApiClient(NetworkingV1Api),
        custom: config.makeApiClient(CustomObjectsApi),
      };
      this.cache.set(config, apis);
    }
    return apis;
  }

  private options(contentType?: string): ConfigurationOptions {
    const timeoutMs = this.timeoutMs;
    return {
      middleware: [
        {
          pre: (context: RequestContext) => {
            context.setSignal(AbortSignal.timeout(timeoutMs));
            if (contentType) context.setHeaderParam('Content-Type', contentType);
            return resolved(context);
          },
          post: (response: ResponseContext) => resolved(response),
        },
      ],
      // 'replace' (the default) would drop middleware configured on the client.
      middlewareMergeStrategy: 'append',
    };
  }
}
