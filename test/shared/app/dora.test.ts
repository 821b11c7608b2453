import { describe, expect, it } from 'vitest';
import { FileConfigSource } from '../../../shared/adapters/config-file.js';
import { doraMetrics, doraPeriod, type DoraParams } from '../../../shared/app/dora.js';
import { AppError } from '../../../shared/app/errors.js';
import type { TimelineEntry } from '../../../shared/domain/deployment.js';
import { computeDora } from '../../../shared/domain/dora.js';
import type { Ports } from '../../../shared/ports/index.js';
import type { DeploymentQuery } from '../../../shared/ports/run-store.js';
import { MemoryRunStore } from '../../fakes/memory-run-store.js';
import { byLabel, syntheticWeek, WEEK, type SeededRun } from '../domain/dora-week.js';

const config = FileConfigSource.load('config/gantry.example.yaml');
const NOW = Date.parse('2026-01-12T09:00:00Z');
const DAY = 86_400_000;

/** Records which timelines and listings were read, so the test can check what was not. */
class CountingStore extends MemoryRunStore {
  readonly timelinesRead: string[] = [];
  readonly listings: DeploymentQuery[] = [];

  override async listEvents(deploymentId: string): Promise<TimelineEntry[]> {
    this.timelinesRead.push(deploymentId);
    return super.listEvents(deploymentId);
  }

  override async listDeployments(query: DeploymentQuery) {
    this.listings.push(query);
    return super.listDeployments(query);
  }
}

async function seeded(week: SeededRun[]): Promise<{ store: CountingStore; ports: Ports }> {
  const store = new CountingStore();
  for (const r of week) {
    await store.createDeployment(r.record);
    for (const e of r.events) await store.appendEvent(e);
  }
  const ports = { config, store, clock: { now: () => NOW } } as unknown as Ports;
  return { store, ports };
}

describe('doraMetrics (query over a RunStore)', () => {
  it('gives the same numbers as computeDora over every record, reading only timelines that can count', async () => {
    const week = syntheticWeek();
    const runs = byLabel(week);
    const { store, ports } = await seeded(week);
    const report = await doraMetrics(ports, WEEK);
    expect(report).toEqual({
      service: null,
      ...computeDora(
        week.map((r) => r.record),
        week.flatMap((r) => r.events),
        WEEK,
      ),
    });
    expect(report.deployments.count).toBe(6);
    // Not read: B0 (last updated before the week), B2 (superseded), A6 (pushed after it).
    const read = ['A1', 'A2', 'A3', 'A4', 'A5', 'B1', 'B3', 'B4', 'B5', 'B6'].map((l) => runs[l]!.record.id);
    expect([...store.timelinesRead].sort()).toEqual(read.sort());
    expect(store.listings[0]).toMatchObject({ since: '2025-12-06T00:00:00.000Z', pageSize: 200 });
  });

  it('filters by service (any casing) in the store query', async () => {
    const { store, ports } = await seeded(syntheticWeek());
    const report = await doraMetrics(ports, { ...WEEK, service: 'audioservice' });
    expect(report.service).toBe('AudioService');
    expect(report.deployments.count).toBe(3);
    expect(store.listings.every((q) => q.service === 'AudioService')).toBe(true);
    expect(store.timelinesRead.every((id) => id.startsWith('audioservice-'))).toBe(true);
  });

  it('pages through more deployments than one listing returns', async () => {
    const week = syntheticWeek();
    const extra = Array.from({ length: 230 }, (_, i) => {
      const r = syntheticWeek()[0]!;
      const digest = `sha256:${(i + 1).toString(16).padStart(8, 'f')}${'e'.repeat(56)}`;
      return { ...r.record, id: `apigateway-${digest.slice(7, 19)}`, image: { ...r.record.image, digest } };
    });
    const { store, ports } = await seeded(week);
    for (const r of extra) await store.createDeployment({ ...r, state: 'Superseded' });
    const report = await doraMetrics(ports, WEEK);
    expect(store.listings.length).toBeGreaterThan(1);
    expect(report.deployments.count).toBe(6);
  });

  it('defaults to the 30 days before now', async () => {
    const { ports } = await seeded([]);
    const report = await doraMetrics(ports, {});
    expect(report).toMatchObject({
      service: null,
      since: '2025-12-13T09:00:00.000Z',
      until: '2026-01-12T09:00:00.000Z',
      deployments: { count: 0 },
    });
  });

  it.each<[string, DoraParams, string, RegExp]>([
    ['an unknown service', { service: 'NoSuchService' }, 'service', /no configured service/],
    ['a malformed service', { service: "x' or 1 eq 1" }, 'service', /not a service name/],
    ['an empty service', { service: '' }, 'service', /not a service name/],
    ['a bad since', { since: 'last week' }, 'since', /ISO 8601/],
    ['an impossible date', { since: '2026-02-30T00:00:00Z' }, 'since', /ISO 8601/],
    ['a zone-less until', { until: '2026-01-12T00:00:00' }, 'until', /ISO 8601/],
    ['since after until', { since: WEEK.until, until: WEEK.since }, 'since', /before 'until'/],
    ['since equal to until', { since: WEEK.since, until: WEEK.since }, 'since', /before 'until'/],
    [
      'a period over 90 days',
      { since: '2025-10-01T00:00:00Z', until: WEEK.until },
      'since',
      /longer than 90 days/,
    ],
  ])(
    'rejects %s with a 400 naming the parameter, reading nothing',
    async (_name, params, parameter, text) => {
      const { store, ports } = await seeded([]);
      const error = await doraMetrics(ports, params).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ status: 400, code: 'invalid-parameter', details: { parameter } });
      expect((error as Error).message).toMatch(text);
      expect(store.listings).toEqual([]);
    },
  );
});

describe('doraPeriod', () => {
  it.each<[DoraParams, number, number]>([
    [{}, NOW - 30 * DAY, NOW],
    [
      { until: '2026-01-01T00:00:00Z' },
      Date.parse('2025-12-02T00:00:00Z'),
      Date.parse('2026-01-01T00:00:00Z'),
    ],
    [{ since: '2026-01-05T00:00:00+01:00' }, Date.parse('2026-01-04T23:00:00Z'), NOW],
    // Exactly 90 days is allowed.
    [{ since: '2025-10-14T09:00:00Z' }, NOW - 90 * DAY, NOW],
  ])('%j → [%d, %d)', (params, since, until) => {
    expect(doraPeriod(params, NOW)).toEqual({ since, until });
  });
});
