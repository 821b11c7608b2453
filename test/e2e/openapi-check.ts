import { openApiDocument } from '../../shared/app/openapi.js';
import { SchemaValidator } from './openapi-validator.js';

export const validator = new SchemaValidator(
  openApiDocument as ConstructorParameters<typeof SchemaValidator>[0],
);

/** How many responses were checked, so a test can prove the hook is live. */
export const openApiStats = { checked: 0 };

/** Gantry's routes; the Durable management API and the dev host's admin routes are not Gantry's to document. */
const isGantryPath = (path: string): boolean =>
  path.startsWith('/api/') || path === '/runtime/webhooks/EventGrid';

/** Wraps a request function so an undocumented operation, status or body shape throws in the test. */
export function checkedAgainstOpenApi(
  request: (path: string, init?: RequestInit) => Promise<Response>,
): (path: string, init?: RequestInit) => Promise<Response> {
  return async (path, init) => {
    const res = await request(path, init);
    const url = new URL(path, 'http://gantry.invalid');
    if (!isGantryPath(url.pathname)) return res;
    const problems = validator.checkResponse(
      init?.method ?? 'GET',
      url.pathname,
      res.status,
      await res.clone().text(),
      res.headers.get('content-type') ?? '',
    );
    openApiStats.checked += 1;
    if (problems.length > 0) throw new Error(`response does not match openapi.json:\n${problems.join('\n')}`);
    return res;
  };
}
