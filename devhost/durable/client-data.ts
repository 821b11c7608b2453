/**
 * The `durableClient` binding value (devhost-contract 4.1) and the check-status payload (4.3). Both are
 * built from the same link templates so the links a client function hands out and the links the public
 * start endpoint returns always agree.
 */

/** Placeholder the SDK replaces with the instance id (`managementUrls.id`). */
export const INSTANCE_ID_PLACEHOLDER = 'INSTANCEID';
/** Public management webhook API served by the dev host's HTTP server. */
export const PUBLIC_BASE_PATH = '/runtime/webhooks/durabletask';
/** The SDK's RPC API (rpcBaseUrl) served by the same HTTP server. */
export const RPC_BASE_PATH = '/durabletask/';

export interface LinkOptions {
  /** Externally visible origin, e.g. `http://localhost:7071` (no trailing slash). */
  origin: string;
  taskHubName: string;
  /** Reported as `connection=` in the links; the dev host has a single connection. */
  connectionName?: string;
  /** When set, links carry `code=<systemKey>` (the public API then requires it). */
  systemKey?: string;
}

export interface ClientDataOptions extends LinkOptions {
  /** Defaults to `<origin>/durabletask/`; a trailing `/` is added if missing (pitfall 12). */
  rpcBaseUrl?: string;
}

export interface ManagementUrls {
  statusQueryGetUri: string;
  sendEventPostUri: string;
  terminatePostUri: string;
  rewindPostUri: string;
  purgeHistoryDeleteUri: string;
  restartPostUri: string;
  suspendPostUri: string;
  resumePostUri: string;
}

export interface CheckStatusPayload extends ManagementUrls {
  id: string;
}

export interface DurableClientData {
  taskHubName: string;
  creationUrls: { createNewInstancePostUri: string; createAndWaitOnNewInstancePostUri: string };
  managementUrls: CheckStatusPayload;
  baseUrl: string;
  requiredQueryStringParameters: string;
  rpcBaseUrl: string;
}

function trimOrigin(origin: string): string {
  return origin.replace(/\/+$/, '');
}

function codeParameter(systemKey: string | undefined): string {
  return systemKey ? `code=${encodeURIComponent(systemKey)}` : '';
}

/** `taskHub=..&connection=..[&code=..]`, the suffix every management link carries. */
function managementQuery(options: LinkOptions): string {
  const code = codeParameter(options.systemKey);
  const hub = `taskHub=${encodeURIComponent(options.taskHubName)}`;
  const connection = `connection=${encodeURIComponent(options.connectionName ?? 'Storage')}`;
  return [hub, connection, code].filter((part) => part !== '').join('&');
}

/** Management links for one instance path segment (an encoded id or the placeholder). */
function managementUrls(options: LinkOptions, instanceSegment: string): ManagementUrls {
  const instance = `${trimOrigin(options.origin)}${PUBLIC_BASE_PATH}/instances/${instanceSegment}`;
  const query = managementQuery(options);
  return {
    statusQueryGetUri: `${instance}?${query}`,
    sendEventPostUri: `${instance}/raiseEvent/{eventName}?${query}`,
    terminatePostUri: `${instance}/terminate?reason={text}&${query}`,
    rewindPostUri: `${instance}/rewind?reason={text}&${query}`,
    purgeHistoryDeleteUri: `${instance}?${query}`,
    restartPostUri: `${instance}/restart?${query}`,
    suspendPostUri: `${instance}/suspend?reason={text}&${query}`,
    resumePostUri: `${instance}/resume?reason={text}&${query}`,
  };
}

/** The value stored in `context.extraInputs` for a `durableClient` binding. */
export function buildClientData(options: ClientDataOptions): DurableClientData {
  const baseUrl = `${trimOrigin(options.origin)}${PUBLIC_BASE_PATH}`;
  const code = codeParameter(options.systemKey);
  const creationBase = `${baseUrl}/orchestrators/{functionName}[/{instanceId}]`;
  const waitQuery = ['timeout={timeoutInSeconds}', 'pollingInterval={intervalInSeconds}', code]
    .filter((part) => part !== '')
    .join('&');
  const rpcBaseUrl = options.rpcBaseUrl ?? `${trimOrigin(options.origin)}${RPC_BASE_PATH}`;
  return {
    taskHubName: options.taskHubName,
    creationUrls: {
      createNewInstancePostUri: code ? `${creationBase}?${code}` : creationBase,
      createAndWaitOnNewInstancePostUri: `${creationBase}?${waitQuery}`,
    },
    managementUrls: { id: INSTANCE_ID_PLACEHOLDER, ...managementUrls(options, INSTANCE_ID_PLACEHOLDER) },
    baseUrl,
    requiredQueryStringParameters: code,
    rpcBaseUrl: rpcBaseUrl.endsWith('/') ? rpcBaseUrl : `${rpcBaseUrl}/`,
  };
}

/**
 * What `createCheckStatusResponse` puts in its body, for a concrete instance. The id is URL-encoded in
 * the links (unlike the SDK's plain placeholder replacement) so any valid id yields valid URLs.
 */
export function buildCheckStatusPayload(options: LinkOptions, instanceId: string): CheckStatusPayload {
  return { id: instanceId, ...managementUrls(options, encodeURIComponent(instanceId)) };
}
