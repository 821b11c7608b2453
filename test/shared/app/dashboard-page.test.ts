import { describe, expect, it } from 'vitest';
import {
  assetResponse,
  bundleOf,
  CONTENT_SECURITY_POLICY,
  etagMatches,
  pageResponse,
  renderPage,
  type DashboardFile,
} from '../../../shared/app/dashboard-page.js';

const file = (name: string, text: string): DashboardFile => ({ name, bytes: Buffer.from(text) });
const FILES = [
  file('app.js', "import './chart.js';"),
  file('chart.js', 'export const x = 1;'),
  file('dashboard.css', 'body{}'),
  file('deployment.css', '.chart{}'),
  file('icon.svg', '<svg/>'),
];

describe('the dashboard bundle', () => {
  const bundle = bundleOf(FILES);

  it('versions the bundle by content: any change is a new version, order is not', () => {
    expect(bundle.version).toMatch(/^[0-9a-f]{16}$/);
    expect(bundleOf([...FILES].reverse()).version).toBe(bundle.version);
    const changed = bundleOf([...FILES.slice(1), file('app.js', "import './chart.js'; ")]);
    expect(changed.version).not.toBe(bundle.version);
    expect(changed.assets.get('chart.js')?.etag).toBe(bundle.assets.get('chart.js')?.etag);
    expect(changed.assets.get('app.js')?.etag).not.toBe(bundle.assets.get('app.js')?.etag);
  });

  it.each([
    ['a name the route cannot serve', [...FILES, file('App.JS', '')], "'App.JS'"],
    ['a missing entry module', FILES.slice(1), 'no app.js'],
    ['a missing stylesheet', FILES.filter((f) => f.name !== 'dashboard.css'), 'no dashboard.css'],
  ])('refuses %s', (_what, files, message) => {
    expect(() => bundleOf(files)).toThrow(message);
  });

  it('renders a page that loads only versioned files of its own, with no inline script', () => {
    const html = renderPage(bundle);
    const urls = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(urls.filter((u) => u?.startsWith('/api/'))).toEqual([
      `/api/dashboard/assets/${bundle.version}/icon.svg`,
      `/api/dashboard/assets/${bundle.version}/dashboard.css`,
      `/api/dashboard/assets/${bundle.version}/deployment.css`,
      `/api/dashboard/assets/${bundle.version}/chart.js`,
      `/api/dashboard/assets/${bundle.version}/app.js`,
    ]);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(html).not.toMatch(/\sstyle=|<style/);
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe');
  });

  it('answers the page with its CSP, and 304 when the browser has it', () => {
    const page = pageResponse(bundle);
    expect(page).toMatchObject({
      status: 200,
      headers: { 'content-security-policy': CONTENT_SECURITY_POLICY },
    });
    const cached = pageResponse(bundle, page.headers.etag);
    expect([cached.status, cached.body]).toEqual([304, undefined]);
  });

  it('serves assets immutable with an entity tag, 304 on a match', () => {
    const js = assetResponse(bundle, { version: bundle.version, file: 'app.js' });
    expect(js.status).toBe(200);
    expect(js.headers).toMatchObject({
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=31536000, immutable',
      'x-content-type-options': 'nosniff',
    });
    expect(String(js.body)).toBe("import './chart.js';");
    const again = assetResponse(bundle, {
      version: bundle.version,
      file: 'app.js',
      ifNoneMatch: js.headers.etag,
    });
    expect([again.status, again.body]).toEqual([304, undefined]);
    expect(assetResponse(bundle, { version: bundle.version, file: 'icon.svg' }).headers['content-type']).toBe(
      'image/svg+xml',
    );
  });

  it.each([
    ['a path outside the bundle', { version: 'v', file: '../package.json' }, 400, 'invalid-parameter'],
    ['an unknown extension', { version: 'v', file: 'app.exe' }, 400, 'invalid-parameter'],
    ['a malformed version', { version: 'latest', file: 'app.js' }, 400, 'invalid-parameter'],
    ['an older version', { version: '0'.repeat(16), file: 'app.js' }, 404, 'asset-not-found'],
    ['a file not in the bundle', { version: 'current', file: 'nope.js' }, 404, 'asset-not-found'],
  ])('refuses %s', (_what, request, status, code) => {
    const version =
      request.version === 'v' || request.version === 'current' ? bundle.version : request.version;
    expect(() => assetResponse(bundle, { ...request, version })).toThrow(
      expect.objectContaining({ status, code }),
    );
  });

  it.each([
    [undefined, false],
    ['', false],
    ['"abc"', true],
    ['W/"abc"', true],
    ['"x", "abc"', true],
    ['*', true],
    ['"abcd"', false],
  ])('If-None-Match %s matches "abc": %s', (header, match) =>
    expect(etagMatches(header, '"abc"')).toBe(match),
  );
});
