import { context, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import {
  COUNTERS,
  HISTOGRAMS,
  OpenTelemetryTelemetry,
  parseTraceparent,
} from '../../../shared/adapters/telemetry.js';
import { NoopTelemetry } from '../../../shared/telemetry/noop.js';
import { Redactor, REDACTED } from '../../../shared/telemetry/redact.js';
import { MemoryOtel } from '../telemetry/memory-otel.js';

const SECRET = 'configured-argocd-token-value';
const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const PARENT_ID = 'b7ad6b7169203331';

let otel: MemoryOtel;
let telemetry: OpenTelemetryTelemetry;

beforeEach(() => {
  otel = new MemoryOtel();
  telemetry = otel.telemetry(new Redactor([SECRET]));
});
afterEach(async () => {
  await otel.shutdown();
});

class ArgoError extends Error {
  readonly code = 'argocd-unauthorized';
}

describe('OpenTelemetryTelemetry spans', () => {
  it('records a span with its attributes and a success outcome, and returns the result', async () => {
    const result = await telemetry.span(
      'activity deployImage',
      {
        attributes: {
          'gantry.deployment.id': 'web-0123456789ab',
          'gantry.service': 'web',
          absent: undefined,
        },
      },
      async (span) => {
        span.setAttributes({ 'gantry.weight': 10 });
        return 42;
      },
    );
    expect(result).toBe(42);
    const [span] = otel.spans('activity deployImage');
    expect(span?.kind).toBe(SpanKind.INTERNAL);
    expect(span?.instrumentationScope.name).toBe('gantry');
    expect(span?.attributes).toEqual({
      'gantry.deployment.id': 'web-0123456789ab',
      'gantry.service': 'web',
      'gantry.weight': 10,
      'gantry.outcome': 'success',
    });
    expect(span?.status.code).toBe(SpanStatusCode.UNSET);
    expect(span?.ended).toBe(true);
  });

  it('records a failure with the error code and a redacted message, and rethrows the same error', async () => {
    const error = new ArgoError(`401 from Argo CD: Authorization: Bearer ${SECRET}; retry with ${SECRET}`);
    const thrown = await telemetry
      .span('activity syncStatus', { attributes: { 'gantry.service': 'web' } }, () => Promise.reject(error))
      .catch((e: unknown) => e);
    expect(thrown).toBe(error);
    const [span] = otel.spans('activity syncStatus');
    expect(span?.attributes).toMatchObject({
      'gantry.outcome': 'error',
      'gantry.error.code': 'argocd-unauthorized',
      'error.type': 'argocd-unauthorized',
    });
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    const exception = span?.events.find((e) => e.name === 'exception');
    expect(exception?.attributes).toEqual({
      'exception.type': 'Error',
      'exception.message': `401 from Argo CD: Authorization: ${REDACTED}; retry with ${REDACTED}`,
    });
    expect(JSON.stringify({ a: span?.attributes, e: span?.events, s: span?.status })).not.toContain(SECRET);
  });

  it('redacts attributes set at start and later', async () => {
    await telemetry.span(
      'x',
      { attributes: { authorization: 'Basic abc123', note: `t=${SECRET}` } },
      async (s) => {
        s.setAttributes({ 'url.full': 'https://h/p?sig=abc%2B1' });
      },
    );
    expect(otel.spans('x')[0]?.attributes).toMatchObject({
      authorization: REDACTED,
      note: `t=${REDACTED}`,
      'url.full': `https://h/p?sig=${REDACTED}`,
    });
  });

  it("joins the caller's trace when given a traceparent, and nests spans", async () => {
    // Azure Monitor's SDK registers an async-hooks context manager; without one nothing nests.
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    onTestFinished(() => context.disable());
    await telemetry.span('outer', { attributes: {}, parent: `00-${TRACE_ID}-${PARENT_ID}-01` }, () =>
      telemetry.span('inner', { attributes: {} }, async () => undefined),
    );
    const outer = otel.spans('outer')[0];
    const inner = otel.spans('inner')[0];
    expect(outer?.spanContext().traceId).toBe(TRACE_ID);
    expect(outer?.parentSpanContext?.spanId).toBe(PARENT_ID);
    expect(outer?.parentSpanContext?.isRemote).toBe(true);
    expect(inner?.spanContext().traceId).toBe(TRACE_ID);
    expect(inner?.parentSpanContext?.spanId).toBe(outer?.spanContext().spanId);
  });

  it('starts a new trace when the traceparent is invalid', async () => {
    await telemetry.span('root', { attributes: {}, parent: 'garbage' }, async () => undefined);
    expect(otel.spans('root')[0]?.parentSpanContext).toBeUndefined();
  });
});

describe('parseTraceparent', () => {
  it.each([
    [`00-${TRACE_ID}-${PARENT_ID}-01`, { traceId: TRACE_ID, spanId: PARENT_ID, sampled: true }],
    [
      `00-${TRACE_ID.toUpperCase()}-${PARENT_ID}-00`,
      { traceId: TRACE_ID, spanId: PARENT_ID, sampled: false },
    ],
    [` 00-${TRACE_ID}-${PARENT_ID}-03 `, { traceId: TRACE_ID, spanId: PARENT_ID, sampled: true }],
    [`ff-${TRACE_ID}-${PARENT_ID}-01`, undefined],
    [`00-${'0'.repeat(32)}-${PARENT_ID}-01`, undefined],
    [`00-${TRACE_ID}-${'0'.repeat(16)}-01`, undefined],
    [`00-${TRACE_ID}-${PARENT_ID}`, undefined],
    ['', undefined],
    [null, undefined],
    [undefined, undefined],
  ])('%j', (value, expected) => {
    expect(parseTraceparent(value)).toEqual(expected);
  });
});

describe('OpenTelemetryTelemetry metrics', () => {
  it('adds to counters by attributes, with the declared unit', async () => {
    const verdict = (metric: string, v: string) => ({
      instrument: 'gantry.canary.verdicts' as const,
      value: 1,
      attributes: { 'gantry.service': 'web', 'gantry.metric': metric, 'gantry.verdict': v },
    });
    telemetry.measure(verdict('success-rate', 'pass'));
    telemetry.measure(verdict('success-rate', 'pass'));
    telemetry.measure(verdict('success-rate', 'fail'));
    telemetry.measure(verdict('latency', 'inconclusive'));
    const points = await otel.points('gantry.canary.verdicts');
    const by = (m: string, v: string) =>
      points.find((p) => p.attributes['gantry.metric'] === m && p.attributes['gantry.verdict'] === v)?.value;
    expect(points).toHaveLength(3);
    expect([by('success-rate', 'pass'), by('success-rate', 'fail'), by('latency', 'inconclusive')]).toEqual([
      2, 1, 1,
    ]);
    expect(points[0]?.unit).toBe(COUNTERS['gantry.canary.verdicts'].unit);
  });

  it('records stage durations in a seconds histogram with buckets up to two days', async () => {
    const attributes = { 'gantry.service': 'web', 'gantry.stage': 'AwaitingApproval' };
    telemetry.measure({ instrument: 'gantry.stage.duration', value: 3_600, attributes });
    telemetry.measure({ instrument: 'gantry.stage.duration', value: 120, attributes });
    const [point] = await otel.points('gantry.stage.duration');
    expect(point).toMatchObject({ value: 3_720, count: 2, unit: 's', attributes });
    expect(point?.boundaries).toEqual(HISTOGRAMS['gantry.stage.duration'].boundaries);
  });

  it('redacts metric attributes and ignores values that are not finite numbers', async () => {
    telemetry.measure({
      instrument: 'gantry.rollbacks',
      value: 1,
      attributes: { 'gantry.service': 'web', 'gantry.reason': `token ${SECRET}` },
    });
    telemetry.measure({
      instrument: 'gantry.rollbacks',
      value: Number.NaN,
      attributes: { 'gantry.service': 'x' },
    });
    const points = await otel.points('gantry.rollbacks');
    expect(points).toEqual([
      expect.objectContaining({
        value: 1,
        attributes: { 'gantry.service': 'web', 'gantry.reason': `token ${REDACTED}` },
      }),
    ]);
  });

  it('uses the global providers by default (no-op until something registers them)', async () => {
    const global = new OpenTelemetryTelemetry();
    await expect(global.span('x', { attributes: {} }, async () => 'ok')).resolves.toBe('ok');
    expect(() => global.measure({ instrument: 'gantry.rollbacks', value: 1, attributes: {} })).not.toThrow();
    expect(otel.spans()).toEqual([]);
  });
});

describe('NoopTelemetry', () => {
  it('runs the work and passes errors through', async () => {
    const noop = new NoopTelemetry();
    await expect(
      noop.span('x', { attributes: {} }, async (s) => {
        s.setAttributes({ a: 1 });
        return 'done';
      }),
    ).resolves.toBe('done');
    const error = new Error('boom');
    await expect(noop.span('x', { attributes: {} }, () => Promise.reject(error))).rejects.toBe(error);
    expect(() => noop.measure()).not.toThrow();
  });
});
