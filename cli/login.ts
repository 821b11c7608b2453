import { CliError, EXIT, usageError } from './errors.js';
import type { Settings } from './settings.js';
import { displayUrl } from './settings.js';
import { parseTokenCache, serializeTokenCache, type CachedToken, type LoginMethod } from './token-cache.js';

export interface LoginRequest {
  method: LoginMethod;
  audience: string;
  tenant?: string;
  /** Device code only: the public client to sign in with; by default the client id in the audience. */
  clientId?: string;
  /** Device code only: shows the "open this page and enter this code" instructions. */
  prompt(message: string): void;
}

const CLIENT_ID = /^api:\/\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** The public client device code signs in with: given, or the one the audience is named after. */
function publicClient(request: LoginRequest): string {
  const id = request.clientId ?? CLIENT_ID.exec(request.audience)?.[1];
  if (!id)
    throw usageError(
      `Device code sign-in needs Gantry's client id: pass --client-id, or give the audience as api://<client id>.`,
    );
  return id;
}

/**
 * A token for Gantry's API from Microsoft Entra ID: through the Azure CLI's own sign-in (`az account
 * get-access-token`, nothing to type) or the device code flow (a code to enter in a browser). The SDK is
 * loaded here only, so other commands start without it.
 */
export async function acquireToken(request: LoginRequest): Promise<CachedToken> {
  const { AzureCliCredential, DeviceCodeCredential } = await import('@azure/identity');
  const tenantId = request.tenant;
  const clientId = request.method === 'device-code' ? publicClient(request) : undefined;
  const credential =
    request.method === 'azure-cli'
      ? new AzureCliCredential(tenantId ? { tenantId } : {})
      : new DeviceCodeCredential({
          tenantId: tenantId ?? 'organizations',
          clientId,
          userPromptCallback: (info) => request.prompt(info.message),
        });
  let token: { token: string; expiresOnTimestamp: number };
  try {
    token = await credential.getToken(`${request.audience}/.default`);
  } catch (error) {
    const how = request.method === 'azure-cli' ? 'through the Azure CLI' : 'with a device code';
    // The SDK's messages say what to do (run az login, consent, wrong tenant) and carry no secret.
    const reason = ((error as Error)?.message ?? String(error)).split('\n')[0]?.slice(0, 400);
    throw new CliError('login-failed', `Could not sign in ${how}: ${reason}`, EXIT.api, {
      audience: request.audience,
    });
  }
  return {
    accessToken: token.token,
    expiresOn: new Date(token.expiresOnTimestamp).toISOString(),
    audience: request.audience,
    method: request.method,
    ...(tenantId ? { tenant: tenantId } : {}),
    ...(clientId ? { clientId } : {}),
  };
}

export interface CacheFiles {
  path: string;
  readFile(path: string): string | undefined;
  writeFile(path: string, text: string): void;
}

/** Stores (or with `undefined`, forgets) the token for `settings.url`; other URLs' tokens are kept. */
export function saveLogin(files: CacheFiles, settings: Settings, entry: CachedToken | undefined): void {
  const tokens = parseTokenCache(files.readFile(files.path));
  const key = displayUrl(settings.url);
  if (entry) tokens[key] = entry;
  else delete tokens[key];
  files.writeFile(files.path, serializeTokenCache(tokens));
}

/**
 * Before a command runs: a cached Azure CLI sign-in that has expired is renewed silently (the Azure CLI
 * keeps its own refresh token); a device code sign-in cannot be, so the caller is told to sign in again.
 */
export async function renewLogin(
  settings: Settings,
  files: Omit<CacheFiles, 'path'>,
  warn: (line: string) => void,
): Promise<void> {
  const login = settings.login;
  if (!login || login.valid || settings.token !== undefined) return;
  const url = displayUrl(settings.url);
  if (login.entry.method !== 'azure-cli') {
    warn(`gantry: the sign-in for ${url} expired; run gantry login again.`);
    return;
  }
  try {
    const entry = await acquireToken({
      method: 'azure-cli',
      audience: login.entry.audience,
      tenant: login.entry.tenant,
      prompt: () => {},
    });
    saveLogin({ ...files, path: login.path }, settings, entry);
    settings.token = entry.accessToken;
    settings.sources.token = 'login';
    settings.login = { entry, path: login.path, valid: true };
  } catch (error) {
    warn(`gantry: the sign-in for ${url} expired and could not be renewed: ${(error as Error).message}`);
  }
}
