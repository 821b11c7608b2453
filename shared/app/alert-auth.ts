import { createHash, timingSafeEqual } from 'node:crypto';
import type { HostingSettings } from '../config.js';
import { AppError } from './errors.js';

/** Constant-time equality of two secrets of any length (hashing first makes the lengths equal). */
function same(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * Without its secret a webhook route is open only on a development host (the sandbox's Alertmanager,
 * a developer's curl); anywhere else, Azure above all, it refuses every request rather than trust any.
 */
function notConfigured(hosting: HostingSettings, setting: string): void {
  if (hosting.azureMarkers.length === 0 && hosting.development) return;
  throw new AppError(
    503,
    'alert-webhook-not-configured',
    `${setting} is not set: this webhook accepts no alert until it is (a Key Vault reference in Azure).`,
    { setting },
  );
}

export interface AlertmanagerAuth {
  token?: string;
  username: string;
}

/**
 * What Alertmanager's `http_config` sends: `authorization: { credentials }` as `Bearer <token>`, or
 * `basic_auth` as `Basic base64(user:password)` with the token as password.
 */
export function checkAlertmanagerAuth(
  header: string | null,
  auth: AlertmanagerAuth,
  hosting: HostingSettings,
): void {
  if (!auth.token) return notConfigured(hosting, 'GANTRY_ALERTMANAGER_TOKEN');
  const unauthorized = new AppError(
    401,
    'unauthorized',
    'Missing or wrong credentials: send the token as a bearer token or as the basic auth password.',
  );
  const match = /^(Bearer|Basic)\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match) throw unauthorized;
  const [, scheme, value] = match as unknown as [string, string, string];
  if (scheme.toLowerCase() === 'bearer') {
    if (!same(value, auth.token)) throw unauthorized;
    return;
  }
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = colon < 0 ? '' : decoded.slice(0, colon);
  const password = colon < 0 ? '' : decoded.slice(colon + 1);
  // Both compared, always: which of the two was wrong is not told.
  const ok = [same(user, auth.username), same(password, auth.token)];
  if (!ok.every(Boolean)) throw unauthorized;
}

/** An action group webhook cannot set headers: its URL carries `?token=`; `x-gantry-token` also works. */
export function checkAzureMonitorAuth(
  given: string | null,
  secret: string | undefined,
  hosting: HostingSettings,
): void {
  if (!secret) return notConfigured(hosting, 'GANTRY_AZURE_MONITOR_SECRET');
  if (!given || !same(given, secret))
    throw new AppError(401, 'unauthorized', 'Missing or wrong token (the `token` query parameter).');
}
