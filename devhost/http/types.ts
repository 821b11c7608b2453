/** A request as the dev host's HTTP server hands it to its route handlers. */
export interface HostRequest {
  method: string;
  /** Full URL as seen by the server (path and query). */
  url: URL;
  /** Externally visible origin, e.g. `http://localhost:7071`. */
  origin: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: Buffer;
  /** Peer address of the socket (e.g. `127.0.0.1`, `::1`); routes that must stay local check it. */
  remoteAddress?: string;
}

export interface HostResponse {
  status: number;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
}

/** A route handler answers or returns undefined to let the next handler try. */
export type HostRoute = (
  request: HostRequest,
) => Promise<HostResponse | undefined> | HostResponse | undefined;

export function jsonResponse(
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): HostResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(value),
  };
}

/** Host-level errors use the same envelope as Gantry's API: `{ error: { code, message, details } }`. */
export function errorResponse(
  status: number,
  code: string,
  message: string,
  details?: unknown,
): HostResponse {
  return jsonResponse(status, { error: { code, message, ...(details === undefined ? {} : { details }) } });
}
