import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { AppError } from '../../shared/app/errors.js';

/** Largest JSON body the API accepts; requests are small, anything bigger is a mistake or an attack. */
export const MAX_BODY_BYTES = 64 * 1024;

export const errorBody = (
  status: number,
  code: string,
  message: string,
  details?: Record<string, unknown>,
): HttpResponseInit => ({
  status,
  jsonBody: { error: { code, message, details: details ?? {} } },
});

/** Reads a JSON object body with size and content-type checks; an empty body is `{}` when allowed. */
export async function readJson(
  request: HttpRequest,
  options: { optional?: boolean } = {},
): Promise<Record<string, unknown>> {
  const length = Number(request.headers.get('content-length') ?? '0');
  if (length > MAX_BODY_BYTES)
    throw new AppError(413, 'body-too-large', `The body exceeds ${MAX_BODY_BYTES} bytes.`);
  const raw = await request.text();
  if (Buffer.byteLength(raw) > MAX_BODY_BYTES)
    throw new AppError(413, 'body-too-large', `The body exceeds ${MAX_BODY_BYTES} bytes.`);
  // Required even for an empty body: a browser cannot send it cross-site without a CORS preflight, so
  // a page elsewhere cannot make a signed-in user's browser approve or cancel (App Service auth cookies).
  const type = request.headers.get('content-type') ?? '';
  if (!/^application\/json\b/i.test(type))
    throw new AppError(415, 'unsupported-media-type', 'Send application/json (also with an empty body).');
  if (raw.trim() === '') {
    if (options.optional) return {};
    throw new AppError(400, 'body-required', 'A JSON body is required.');
  }
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new AppError(400, 'malformed-json', 'The body is not valid JSON.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new AppError(400, 'invalid-body', 'The body must be a JSON object.');
  return value as Record<string, unknown>;
}

/** Accepts only the listed fields, each a string of bounded length. */
export function stringFields<K extends string>(
  body: Record<string, unknown>,
  spec: Record<K, { required: boolean; max: number }>,
): Partial<Record<K, string>> {
  const unknown = Object.keys(body).filter((k) => !(k in spec));
  if (unknown.length > 0)
    throw new AppError(400, 'unknown-fields', `Unknown field(s): ${unknown.join(', ')}.`, {
      fields: unknown,
    });
  const out: Partial<Record<K, string>> = {};
  for (const [key, rule] of Object.entries(spec) as Array<[K, { required: boolean; max: number }]>) {
    const value = body[key];
    if (value === undefined || value === null) {
      if (rule.required) throw new AppError(400, 'missing-field', `'${key}' is required.`, { field: key });
      continue;
    }
    if (typeof value !== 'string')
      throw new AppError(400, 'invalid-field', `'${key}' must be a string.`, { field: key });
    if (value.length > rule.max)
      throw new AppError(400, 'invalid-field', `'${key}' is longer than ${rule.max} characters.`, {
        field: key,
      });
    out[key] = value;
  }
  return out;
}

/** Runs a handler, turning AppErrors into their JSON error and anything else into a logged 500. */
export async function handle(
  context: InvocationContext,
  work: () => Promise<HttpResponseInit>,
): Promise<HttpResponseInit> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AppError) return errorBody(error.status, error.code, error.message, error.details);
    context.error('unhandled error', error instanceof Error ? (error.stack ?? error.message) : String(error));
    return errorBody(500, 'internal-error', 'Something went wrong; the error was logged.');
  }
}
