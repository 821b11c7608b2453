import { createHash } from 'node:crypto';
import { AppError } from './errors.js';

/**
 * The dashboard's page and static assets. Every asset is served under a version that hashes the whole
 * bundle (`/api/dashboard/assets/<version>/<file>`), so the ES modules keep importing each other by
 * relative name and all of them can still be cached as immutable: a new build is a new URL.
 */

export interface DashboardFile {
  name: string;
  bytes: Uint8Array;
}

export interface DashboardAsset {
  name: string;
  contentType: string;
  body: Buffer;
  etag: string;
}

export interface DashboardBundle {
  version: string;
  assets: ReadonlyMap<string, DashboardAsset>;
}

export interface StaticResponse {
  status: 200 | 304;
  headers: Record<string, string>;
  body?: Buffer | string;
}

export const ASSET_ROUTE = '/api/dashboard/assets';
export const ENTRY_MODULE = 'app.js';
export const STYLESHEET = 'dashboard.css';
export const ICON = 'icon.svg';

const CONTENT_TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
};
const ASSET_NAME = /^[a-z0-9][a-z0-9-]{0,62}\.(js|css|svg)$/;
const VERSION = /^[a-f0-9]{16}$/;

/**
 * No inline script or style at all: the page only loads its own modules and stylesheet and talks to its
 * own API. SVG charts are built with DOM calls, which CSP does not restrict.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

const sha256 = (data: Uint8Array | string): string => createHash('sha256').update(data).digest('hex');

/** Hashes every file; refuses names the asset route could never serve (a build mistake, not input). */
export function bundleOf(files: readonly DashboardFile[]): DashboardBundle {
  const assets = new Map<string, DashboardAsset>();
  for (const file of [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const match = ASSET_NAME.exec(file.name);
    if (!match) throw new Error(`dashboard asset '${file.name}' has a name the asset route cannot serve`);
    const body = Buffer.from(file.bytes);
    const contentType = CONTENT_TYPES[match[1] as string] as string;
    assets.set(file.name, { name: file.name, contentType, body, etag: `"${sha256(body).slice(0, 32)}"` });
  }
  for (const required of [ENTRY_MODULE, STYLESHEET, ICON])
    if (!assets.has(required)) throw new Error(`the dashboard bundle has no ${required}`);
  const manifest = [...assets.values()].map((a) => `${a.name} ${a.etag}`).join('\n');
  return { version: sha256(manifest).slice(0, 16), assets };
}

/** True when an If-None-Match header names this entity tag (weak or strong, or `*`). */
export function etagMatches(ifNoneMatch: string | null | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .some((t) => t === '*' || t === etag);
}

/** The page: a static shell; everything in it comes from the bundle, nothing from a request. */
export function renderPage(bundle: DashboardBundle): string {
  const url = (name: string) => `${ASSET_ROUTE}/${bundle.version}/${name}`;
  const names = [...bundle.assets.keys()];
  // The base stylesheet first, so page stylesheets can build on it.
  const styles = [STYLESHEET, ...names.filter((n) => n.endsWith('.css') && n !== STYLESHEET)].map(
    (name) => `<link rel="stylesheet" href="${url(name)}">`,
  );
  // Every module up front: the browser fetches them in parallel instead of one import level at a time.
  const preloads = names
    .filter((name) => name.endsWith('.js') && name !== ENTRY_MODULE)
    .map((name) => `<link rel="modulepreload" href="${url(name)}">`);
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<title>Gantry</title>',
    `<link rel="icon" href="${url(ICON)}" type="image/svg+xml">`,
    ...styles,
    ...preloads,
    `<script type="module" src="${url(ENTRY_MODULE)}"></script>`,
    '</head>',
    '<body>',
    '<a class="skip-link" href="#main">Skip to content</a>',
    '<header class="top"><a class="brand" href="#/">Gantry</a>',
    '<nav aria-label="Main"><a href="#/">Deployments</a></nav>',
    '<p class="who" id="who"></p></header>',
    '<main id="main" tabindex="-1"><p class="loading">Loading…</p></main>',
    '<div id="announcer" class="visually-hidden" role="status" aria-live="polite"></div>',
    '<noscript><p>The dashboard needs JavaScript. The same data is at /api/deployments.</p></noscript>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

export function pageResponse(bundle: DashboardBundle, ifNoneMatch?: string | null): StaticResponse {
  const etag = `"page-${bundle.version}"`;
  const headers = {
    ...SECURITY_HEADERS,
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': CONTENT_SECURITY_POLICY,
    // Revalidate every time: the page names the current bundle version.
    'cache-control': 'no-cache',
    etag,
  };
  if (etagMatches(ifNoneMatch, etag)) return { status: 304, headers };
  return { status: 200, headers, body: renderPage(bundle) };
}

/**
 * One asset. A version other than the current one is a 404 rather than today's bytes: the old URL was
 * cached as immutable, so serving different content under it would poison caches.
 */
export function assetResponse(
  bundle: DashboardBundle,
  request: { version: string; file: string; ifNoneMatch?: string | null },
): StaticResponse {
  if (!ASSET_NAME.test(request.file))
    throw new AppError(400, 'invalid-parameter', "'file' is not a dashboard asset name.", {
      parameter: 'file',
    });
  if (!VERSION.test(request.version))
    throw new AppError(400, 'invalid-parameter', "'version' is not a bundle version (16 hex).", {
      parameter: 'version',
    });
  const asset = bundle.assets.get(request.file);
  if (request.version !== bundle.version || !asset)
    throw new AppError(404, 'asset-not-found', 'No such dashboard asset in this version; reload the page.', {
      version: bundle.version,
    });
  const headers = {
    ...SECURITY_HEADERS,
    'content-type': asset.contentType,
    'cache-control': 'public, max-age=31536000, immutable',
    etag: asset.etag,
  };
  if (etagMatches(request.ifNoneMatch, asset.etag)) return { status: 304, headers };
  return { status: 200, headers, body: asset.body };
}
