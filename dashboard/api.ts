/** The dashboard's calls to Gantry's own API (same origin; identity comes with the request). */
import type { ServiceBoard } from './service-page.js';
import type { ActionName, CallerView, DeploymentPage, DeploymentView, Dora } from './types.js';

/** An API error with its stable code, shown to the user as `message (code)`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

async function parse<T>(res: Response): Promise<T> {
  const body: unknown = await res.json().catch(() => undefined);
  if (res.ok) return body as T;
  const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  throw new ApiError(
    res.status,
    typeof error?.code === 'string' ? error.code : `http-${res.status}`,
    typeof error?.message === 'string' ? error.message : `The API answered ${res.status}.`,
  );
}

async function getJson<T>(path: string): Promise<T> {
  return parse<T>(await fetch(path, { headers: { accept: 'application/json' }, cache: 'no-store' }));
}

const q = (params: Record<string, string | undefined>): string => {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) search.set(k, v);
  const text = search.toString();
  return text ? `?${text}` : '';
};

/** Server time minus browser time, from the last `/api/me`: ages agree with the app's clock. */
let skewMs = 0;
export const serverNow = (): number => Date.now() + skewMs;

let callerListener: (view: CallerView) => void = () => {};
/** Who is signed in is shown in the page header, whichever page asked. */
export const onCaller = (listener: (view: CallerView) => void): void => {
  callerListener = listener;
};

export async function me(deploymentId?: string): Promise<CallerView> {
  let view: CallerView;
  try {
    view = await getJson<CallerView>(`/api/me${q({ deployment: deploymentId })}`);
  } catch (error) {
    // Not allowed to read the deployment (401/403): still say who is signed in, then report the refusal.
    if (
      deploymentId !== undefined &&
      error instanceof ApiError &&
      (error.status === 401 || error.status === 403)
    )
      await me();
    throw error;
  }
  const server = Date.parse(view.serverTime);
  if (Number.isFinite(server)) skewMs = server - Date.now();
  callerListener(view);
  return view;
}

export const listDeployments = (filters: { service?: string; status?: string }): Promise<DeploymentPage> =>
  getJson<DeploymentPage>(`/api/deployments${q({ ...filters, pageSize: '200' })}`);

export const getDeployment = (id: string): Promise<DeploymentView> =>
  getJson<DeploymentView>(`/api/deployments/${encodeURIComponent(id)}`);

export const listServices = (): Promise<{ services: Array<{ name: string }> }> => getJson('/api/services');

export const getServiceBoard = (name: string): Promise<ServiceBoard> =>
  getJson<ServiceBoard>(`/api/services/${encodeURIComponent(name)}`);

/** DORA numbers, or null when the endpoint is not there (or knows nothing of the service). */
export async function dora(service: string): Promise<Dora | null> {
  try {
    return await getJson<Dora>(`/api/metrics/dora${q({ service })}`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

/** Sends an action; answers the response body (a retry's names the new run). */
export async function act(id: string, action: ActionName, comment: string): Promise<unknown> {
  const res = await fetch(`/api/deployments/${encodeURIComponent(id)}/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(comment.trim() ? { comment: comment.trim() } : {}),
  });
  return parse<unknown>(res);
}

/** The answer of `POST /api/analysis/backtest` (shared/app/openapi-backtest.ts). */
export interface BacktestView {
  service: string;
  from: string;
  to: string;
  outcome: 'passed' | 'rolled-back' | 'paused' | 'undetermined';
  reason?: string;
  at?: string;
  failedChecks: number;
  rounds: number;
  decisions: Array<{ at: string; action: string; weight: number }>;
  checks: Array<{
    at: string;
    round: 'interval' | 'fast';
    weight: number;
    metric: string;
    kind: 'metric' | 'fail-fast' | 'alerts' | 'baseline';
    value: number | null;
    verdict: 'pass' | 'fail' | 'inconclusive';
    reason?: string;
    min?: number;
    max?: number;
    query: string;
  }>;
}

/** A service's canary spec judged on a past window (reads metrics only). */
export async function backtest(body: { service: string; from: string; to: string }): Promise<BacktestView> {
  const res = await fetch('/api/analysis/backtest', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
  return parse<BacktestView>(res);
}
