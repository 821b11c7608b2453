import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The real distro (`useAzureMonitor`) in its own process, exporting to a local HTTPS ingestion
 * endpoint (the exporter only speaks HTTPS; a throw-away certificate is trusted through
 * NODE_EXTRA_CA_CERTS). Runs the compiled app code (`npm run build` first), never the test process:
 * the distro registers process-wide providers.
 */
const ROOT = path.resolve(__dirname, '../../..');
const SECRET = 'configured-github-token-value-0123';
const IKEY = '00000000-0000-0000-0000-0000000000aa';

interface Envelope {
  name: string;
  data: { baseType: string; baseData: Record<string, unknown> & { properties?: Record<string, string> } };
}

let dir: string;
let server: Server;
let port: number;
const envelopes: Envelope[] = [];
const bodies: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'gantry-appinsights-'));
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'), '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
  ], { stdio: 'ignore' }); // prettier-ignore
  server = createServer(
    { key: readFileSync(path.join(dir, 'key.pem')), cert: readFileSync(path.join(dir, 'cert.pem')) },
    (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const text = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
        bodies.push(text);
        if (req.url?.startsWith('/v2.1/track')) envelopes.push(...(JSON.parse(text) as Envelope[]));
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ itemsReceived: 1, itemsAccepted: 1, errors: [] }));
      });
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

/** What the composition root does, then one failing and one passing activity span and a metric. */
const CHILD = `
const path = require('node:path');
const app = (file) => require(path.join(process.cwd(), 'dist', file));
const { readTelemetrySettings } = app('shared/config.js');
const { startAzureMonitor } = app('shared/adapters/azure-monitor.js');
const { Redactor } = app('shared/telemetry/redact.js');
const { shutdownAzureMonitor } = require(require.resolve('@azure/monitor-opentelemetry', { paths: [process.cwd()] }));
(async () => {
  const settings = readTelemetrySettings();
  const redactor = new Redactor();
  const telemetry = await startAzureMonitor(settings, redactor);
  const again = await startAzureMonitor(settings, redactor);
  if (again !== telemetry) throw new Error('started twice');
  const attributes = { 'gantry.deployment.id': 'web-0123456789ab', 'gantry.service': 'web', 'gantry.activity': 'setWeight' };
  const error = Object.assign(new Error('refused ' + process.env.GANTRY_GITHUB_TOKEN + '; Authorization: Bearer x1.y2-z3'), { code: 'router-refused' });
  await telemetry.span('activity setWeight', { attributes }, async () => { throw error; }).catch(() => {});
  await telemetry.span('activity rollout', { attributes: { ...attributes, 'gantry.activity': 'rollout' } }, async () => 'ok');
  telemetry.measure({ instrument: 'gantry.canary.verdicts', value: 1, attributes: { 'gantry.service': 'web', 'gantry.metric': 'success-rate', 'gantry.verdict': 'fail' } });
  await shutdownAzureMonitor();
})().catch((e) => { console.error(e); process.exit(1); });
`;

function runChild(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const script = path.join(dir, 'child.cjs');
  writeFileSync(script, CHILD);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_EXTRA_CA_CERTS: path.join(dir, 'cert.pem'),
        // Statsbeat reports to Microsoft's endpoints; there is no network here.
        APPLICATIONINSIGHTS_STATSBEAT_DISABLED_ALL: 'true',
        ...env,
      },
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

describe('Azure Monitor export (real distro, local ingestion endpoint)', () => {
  it('exports activity spans, the redacted exception and Gantry metrics, and never a configured secret', async () => {
    const { code, stderr } = await runChild({
      APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=${IKEY};IngestionEndpoint=https://127.0.0.1:${port}/`,
      GANTRY_GITHUB_TOKEN: SECRET,
    });
    expect(stderr).not.toContain('Error');
    expect(code).toBe(0);

    const spans = envelopes.filter((e) => e.data.baseType === 'RemoteDependencyData');
    const failed = spans.find((e) => e.data.baseData.name === 'activity setWeight');
    expect(failed?.data.baseData.success).toBe(false);
    expect(failed?.data.baseData.properties).toMatchObject({
      'gantry.deployment.id': 'web-0123456789ab',
      'gantry.service': 'web',
      'gantry.activity': 'setWeight',
      'gantry.outcome': 'error',
      'gantry.error.code': 'router-refused',
    });
    const passed = spans.find((e) => e.data.baseData.name === 'activity rollout');
    expect(passed?.data.baseData.properties).toMatchObject({ 'gantry.outcome': 'success' });

    const exception = envelopes.find((e) => e.data.baseType === 'ExceptionData');
    const [first] = exception?.data.baseData.exceptions as Array<{ message: string }>;
    // The configured secret (from settings) and a bearer token (by its shape) are both gone.
    expect(first?.message).toBe('refused [redacted]; Authorization: [redacted]');

    const metric = envelopes.find(
      (e) =>
        (e.data.baseData.metrics as Array<{ name: string }> | undefined)?.[0]?.name ===
        'gantry.canary.verdicts',
    );
    expect(metric?.data.baseData.properties).toEqual({
      'gantry.service': 'web',
      'gantry.metric': 'success-rate',
      'gantry.verdict': 'fail',
    });

    expect(bodies.join('\n')).not.toContain(SECRET);
    expect(new Set(envelopes.map((e) => (e as unknown as { iKey: string }).iKey))).toEqual(new Set([IKEY]));
  });
});
