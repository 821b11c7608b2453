import type { Action } from './actions.js';

export interface DurableHttpResponse {
  statusCode: number;
  content: string;
  headers: Record<string, string>;
}

/**
 * Performs a `callHttp` request for the orchestrator. The dev host follows the 202 + Location polling
 * pattern itself and reports only the final response (contract 2.12), which keeps numbering simple.
 * Managed-identity token sources cannot be honoured locally and are refused clearly.
 */
export async function runHttpAction(
  request: NonNullable<Action['httpRequest']>,
  maxPolls = 100,
): Promise<DurableHttpResponse> {
  if (request.tokenSource)
    throw new Error('callHttp with a managed identity token source is not supported by the dev host.');
  let url = request.uri;
  let method = request.method || 'GET';
  let body: string | undefined = request.content;
  for (let poll = 0; poll <= maxPolls; poll++) {
    const response = await fetch(url, {
      method,
      headers: request.headers,
      body: method === 'GET' ? undefined : body,
    });
    const headers: Record<string, string> = {};
    response.headers.forEach((value, key) => (headers[key] = value));
    const content = await response.text();
    const location = response.headers.get('location');
    if (response.status !== 202 || !location) return { statusCode: response.status, content, headers };
    const wait = Number(response.headers.get('retry-after') ?? '1');
    await new Promise((resolve) =>
      setTimeout(resolve, Math.min(Number.isFinite(wait) ? wait : 1, 30) * 1000),
    );
    url = new URL(location, url).toString();
    method = 'GET';
    body = undefined;
  }
  throw new Error(`callHttp gave up after ${maxPolls} polls of ${url}`);
}
