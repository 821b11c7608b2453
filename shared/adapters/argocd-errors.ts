import { HttpError } from './http.js';

/** Coded errors of the Argo CD adapter and the mapping of Argo CD's HTTP answers onto them. */

export type ArgoCdErrorCode =
  | 'app-not-found'
  | 'permission-denied'
  | 'operation-in-progress'
  | 'token-expired'
  | 'invalid-request'
  | 'unavailable'
  /** Rollback refused because the application syncs automatically (Argo CD's own rule). */
  | 'auto-sync-enabled';

const RETRYABLE = new Set<ArgoCdErrorCode>(['operation-in-progress', 'unavailable']);

export class ArgoCdError extends Error {
  override readonly name = 'ArgoCdError';
  readonly retryable: boolean;
  constructor(
    readonly code: ArgoCdErrorCode,
    message: string,
    /** HTTP status Argo CD answered, when it answered. */
    readonly status?: number,
  ) {
    super(message);
    this.retryable = RETRYABLE.has(code);
  }

  toJSON(): object {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      status: this.status,
      retryable: this.retryable,
    };
  }
}

export const isCode = (error: unknown, code: ArgoCdErrorCode): boolean =>
  error instanceof ArgoCdError && error.code === code;

export const autoSyncError = (name: string, status?: number) =>
  new ArgoCdError(
    'auto-sync-enabled',
    `Argo CD refuses to roll back ${name} while auto-sync is enabled; disable the automated sync policy for applications Gantry manages`,
    status,
  );

/** The server's own message (grpc-gateway `message`/`error`), short and without the token. */
function serverMessage(body: unknown, token: string): string {
  const b = body as { message?: unknown; error?: unknown } | undefined;
  const raw =
    typeof b?.message === 'string'
      ? b.message
      : typeof b?.error === 'string'
        ? b.error
        : typeof body === 'string'
          ? body
          : '';
  return raw.split(token).join('[redacted]').replace(/\s+/g, ' ').trim().slice(0, 300);
}

export interface ErrorContext {
  what: string;
  app: string;
  projectGiven: boolean;
  token: string;
}

export function toArgoCdError(error: unknown, { what, app, projectGiven, token }: ErrorContext): unknown {
  if (error instanceof ArgoCdError || !(error instanceof HttpError)) return error;
  const status = error.status;
  if (error.code !== 'http-status' || status === undefined)
    return new ArgoCdError('unavailable', `Argo CD ${what}: ${error.message}`, status);
  const said = serverMessage(error.body, token);
  const detail = `Argo CD ${what} answered ${status}${said ? `: ${said}` : ''}`;
  if (status === 401)
    return new ArgoCdError('token-expired', `${detail} (renew the Argo CD API token)`, status);
  if (status === 403) {
    const hint = projectGiven
      ? ''
      : ' (without a project Argo CD also answers 403 for an application that does not exist)';
    return new ArgoCdError('permission-denied', `${detail}${hint}`, status);
  }
  if (status === 404) return new ArgoCdError('app-not-found', detail, status);
  if (status === 409 || /another operation is already in progress/i.test(said))
    return new ArgoCdError('operation-in-progress', detail, status);
  if (status === 400 && /rollback cannot be initiated when auto-sync is enabled/i.test(said))
    return autoSyncError(app, status);
  if (status === 429 || status >= 500) return new ArgoCdError('unavailable', detail, status);
  return new ArgoCdError('invalid-request', detail, status);
}
