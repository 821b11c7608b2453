import type { ImageBinding, ImageRef } from '../contracts/plan.js';
import { isDnsLabel, isDnsSubdomain } from '../domain/names.js';
import type { GitOps, SyncState } from '../ports/gitops.js';
import {
  ArgoCdInputError,
  checkImage,
  imagePatch,
  rollbackTarget,
  rollbackRunning,
  runningOperationDeploys,
  toSyncState,
  type Application,
} from './argocd-model.js';
import { ArgoCdError, autoSyncError, isCode, toArgoCdError, type ArgoCdErrorCode } from './argocd-errors.js';
import { httpRequest, type HttpRequestOptions } from './http.js';

export { ArgoCdError, type ArgoCdErrorCode };

/**
 * Argo CD adapter (REST API of Argo CD v2.9-v3.5, see docs/adapters.md "Argo CD"): sets an image on an
 * Application (Helm parameter or Kustomize image, digest-pinned), syncs it, reads its state and rolls
 * it back. Every failure surfaces as an {@link ArgoCdError} with a stable code; the retryable ones
 * (`unavailable`, `operation-in-progress`) are thrown so the activity's retry policy runs again.
 */

export interface ArgoCdOptions {
  /** Argo CD server URL, e.g. `https://argocd.example.com` (a `--rootpath` prefix is kept). */
  baseUrl: string;
  /** API token (read per call so a rotated Key Vault secret is picked up). */
  token: () => Promise<string> | string;
  /**
   * Told when Argo CD refuses the token (401), so a cached token can be dropped: the retried call then
   * reads the rotated one instead of failing until the cache expires.
   */
  onTokenRejected?: () => void;
  /** Argo CD project of the applications: makes a missing app a 404 instead of a 403. */
  project?: string;
  /** Per-request timeout (default 15 s). */
  timeoutMs?: number;
  attempts?: HttpRequestOptions['attempts'];
  backoffMs?: HttpRequestOptions['backoffMs'];
  sleep?: HttpRequestOptions['sleep'];
}

interface AppRef {
  name: string;
  /** Namespace of the Application object for apps outside Argo CD's own namespace (`ns/name`). */
  appNamespace?: string;
}

const TOKEN = /^[\x21-\x7e]+$/;

export class ArgoCdGitOps implements GitOps {
  private readonly base: string;

  constructor(private readonly options: ArgoCdOptions) {
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch {
      throw new ArgoCdError('invalid-request', 'Argo CD base URL is not a valid URL');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw new ArgoCdError('invalid-request', 'Argo CD base URL must be http(s)');
    this.base = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  }

  async deployImage(app: string, binding: ImageBinding, image: ImageRef): Promise<void> {
    const ref = parseAppRef(app);
    input(() => checkImage(image, binding)); // before any request: bad input is not Argo CD's problem
    const current = await this.get(ref);
    const patch = input(() => imagePatch(current, binding, image));
    if (patch) {
      const body = { name: ref.name, patchType: 'merge', patch: JSON.stringify(patch), ...this.scope(ref) };
      await this.send('PATCH', ref, '', body);
    }
    try {
      await this.startSync(ref, current);
    } catch (error) {
      // A retried activity (or auto-sync reacting to the patch) may already be syncing this image.
      if (
        isCode(error, 'operation-in-progress') &&
        runningOperationDeploys(await this.get(ref), binding, image)
      )
        return;
      throw error;
    }
  }

  /**
   * Syncs the application's Git source at `revision` (a commit Gantry wrote). An auto-synced app refuses
   * an explicit revision other than its target, so it is synced at its branch, whose head is that commit
   * or a later one; the caller checks `status().revision`.
   */
  async syncRevision(app: string, revision: string): Promise<void> {
    const ref = parseAppRef(app);
    if (!/^[0-9a-f]{40}$/.test(revision))
      throw new ArgoCdError('invalid-request', `invalid Git revision "${revision.slice(0, 60)}"`);
    const current = await this.get(ref);
    const auto = current.spec?.syncPolicy?.automated != null;
    // A running operation throws `operation-in-progress` (retryable): the retried activity syncs after it.
    await this.startSync(ref, current, auto ? undefined : revision);
  }

  private async startSync(ref: AppRef, current: Application, revision?: string): Promise<void> {
    // syncOptions in the request replace the application's own, so the app's are sent back unchanged.
    const items = current.spec?.syncPolicy?.syncOptions ?? [];
    const sync = {
      name: ref.name,
      ...(revision ? { revision } : {}),
      prune: false,
      strategy: { hook: {} },
      syncOptions: { items },
      ...this.scope(ref),
    };
    await this.send('POST', ref, '/sync', sync);
  }

  async status(app: string): Promise<SyncState> {
    return toSyncState(await this.get(parseAppRef(app)));
  }

  async rollback(app: string, historyId?: number): Promise<void> {
    const ref = parseAppRef(app);
    const current = await this.get(ref);
    if (current.spec?.syncPolicy?.automated) throw autoSyncError(ref.name);
    const id = historyId ?? input(() => rollbackTarget(current));
    const target = current.status?.history?.find((h) => h.id === id);
    const rollingBack = (a: Application) => rollbackRunning(a, target);
    if (current.operation) {
      if (rollingBack(current)) return;
      // The running operation is what is being abandoned (e.g. a sync stuck past its deadline).
      await this.send('DELETE', ref, '/operation').catch((error: unknown) => {
        if (!isCode(error, 'invalid-request')) throw error;
      });
    }
    try {
      await this.send('POST', ref, '/rollback', {
        name: ref.name,
        id,
        prune: false,
        dryRun: false,
        ...this.scope(ref),
      });
    } catch (error) {
      if (isCode(error, 'operation-in-progress') && rollingBack(await this.get(ref))) return;
      throw error;
    }
  }

  private scope(ref: AppRef): Record<string, string> {
    return {
      ...(ref.appNamespace ? { appNamespace: ref.appNamespace } : {}),
      ...(this.options.project ? { project: this.options.project } : {}),
    };
  }

  private async get(ref: AppRef): Promise<Application> {
    const app = await this.send<Application>('GET', ref, '');
    if (!app || typeof app !== 'object' || typeof app.metadata !== 'object')
      throw new ArgoCdError(
        'unavailable',
        `Argo CD answered GET application ${ref.name} with something that is not an Application`,
      );
    return app;
  }

  private async send<T = unknown>(method: string, ref: AppRef, suffix: string, body?: object): Promise<T> {
    const token = await this.token();
    const query =
      method === 'GET' || method === 'DELETE' ? new URLSearchParams(this.scope(ref)).toString() : '';
    const url = `${this.base}/api/v1/applications/${encodeURIComponent(ref.name)}${suffix}${query ? `?${query}` : ''}`;
    const what = `${method} application ${ref.name}${suffix}`;
    try {
      const response = await httpRequest<T>(url, {
        method,
        headers: { authorization: `Bearer ${token}` },
        ...(body === undefined ? {} : { body }),
        timeoutMs: this.options.timeoutMs ?? 15_000,
        ...(this.options.attempts === undefined ? {} : { attempts: this.options.attempts }),
        ...(this.options.backoffMs ? { backoffMs: this.options.backoffMs } : {}),
        ...(this.options.sleep ? { sleep: this.options.sleep } : {}),
      });
      return response.body;
    } catch (error) {
      const coded = toArgoCdError(error, {
        what,
        app: ref.name,
        projectGiven: this.options.project !== undefined,
        token,
      });
      if (coded instanceof ArgoCdError && coded.code === 'token-expired') this.options.onTokenRejected?.();
      throw coded;
    }
  }

  private async token(): Promise<string> {
    let token: string;
    try {
      token = (await this.options.token()).trim();
    } catch (error) {
      // Key Vault (or whatever provides the token) failing is an outage, not a bad token.
      throw new ArgoCdError(
        'unavailable',
        `could not read the Argo CD API token: ${(error as Error).message}`,
      );
    }
    if (!TOKEN.test(token))
      throw new ArgoCdError(
        'token-expired',
        'the Argo CD API token is empty or holds characters a bearer token cannot',
      );
    return token;
  }
}

function parseAppRef(app: string): AppRef {
  const [first = '', second, extra] = app.split('/');
  const ref: AppRef = second === undefined ? { name: first } : { name: second, appNamespace: first };
  const valid =
    extra === undefined &&
    isDnsSubdomain(ref.name) &&
    (ref.appNamespace === undefined || isDnsLabel(ref.appNamespace));
  if (!valid)
    throw new ArgoCdError(
      'invalid-request',
      `invalid Argo CD application name "${app.slice(0, 80)}" (DNS-1123 subdomain expected)`,
    );
  return ref;
}

/** Runs a pure step, turning its input errors into `invalid-request`. */
function input<T>(step: () => T): T {
  try {
    return step();
  } catch (error) {
    if (error instanceof ArgoCdInputError) throw new ArgoCdError('invalid-request', error.message);
    throw error;
  }
}
