/** Hash routes: `#/` (optionally `#/?service=…&status=…`), `#/deployments/<id>` and `#/services/<name>`. */
export type Route =
  | { kind: 'list'; params: URLSearchParams }
  | { kind: 'deployment'; id: string }
  | { kind: 'service'; name: string };

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
  const service = /^services\/([^/]+)\/?$/.exec(path);
  if (service) return { kind: 'service', name: decoded(service[1] ?? '') };
  return { kind: 'list', params: new URLSearchParams(query) };
}
