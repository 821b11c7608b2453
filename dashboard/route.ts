/**
 * Hash routes: `#/` (optionally `#/?service=…&status=…`), `#/deployments/<id>`, `#/services/<name>` and
 * `#/services/<name>/backtest?from=…&to=…`.
 */
export type Route =
  | { kind: 'list'; params: URLSearchParams }
  | { kind: 'deployment'; id: string }
  | { kind: 'service'; name: string }
  | { kind: 'backtest'; name: string; params: URLSearchParams };

const decoded = (segment: string): string => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return '';
  }
};

/** The route for a location hash; undefined for in-page anchors such as `#main`, which are not routes. */
export function parseRoute(hash: string): Route | undefined {
  if (hash === '' || hash === '#') return { kind: 'list', params: new URLSearchParams() };
  if (!hash.startsWith('#/')) return undefined;
  const [path = '', query = ''] = hash.slice(2).split('?', 2);
  const deployment = /^deployments\/([^/]+)\/?$/.exec(path);
  if (deployment) {
    let id: string;
    try {
      id = decodeURIComponent(deployment[1] ?? '');
    } catch {
      id = '';
    }
    return { kind: 'deployment', id };
  }
  const backtest = /^services\/([^/]+)\/backtest\/?$/.exec(path);
  if (backtest)
    return { kind: 'backtest', name: decoded(backtest[1] ?? ''), params: new URLSearchParams(query) };
  const service = /^services\/([^/]+)\/?$/.exec(path);
  if (service) return { kind: 'service', name: decoded(service[1] ?? '') };
  return { kind: 'list', params: new URLSearchParams(query) };
}
