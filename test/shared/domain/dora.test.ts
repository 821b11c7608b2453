import { describe, expect, it } from 'vitest';
import {
  computeDora,
  DoraPeriodError,
  median,
  nearestRank,
  type DoraMetrics,
} from '../../../shared/domain/dora.js';
import { byLabel, syntheticWeek, WEEK, type SeededRun } from './dora-week.js';

const week = syntheticWeek();
const runs = byLabel(week);
const events = week.flatMap((r) => r.events);
const records = (filter: (r: SeededRun) => boolean = () => true) => week.filter(filter).map((r) => r.record);
const id = (label: string): string => runs[label]?.record.id ?? '';

/**
 * The whole week, worked out by hand from dora-week.ts:
 * - Releases (100% of traffic inside the week): A1 Mon 11:30, A2 Tue 11:00, A4 Thu 09:45, B3 Fri 12:00,
 *   B5 Sun 22:00, B6 Sun 23:10 = 6 (B0 was released the Sunday before, A5 and A6 the Monday after).
 *   6 / 7 days = 0.8571 a day, 6 a week.
 * - Lead times: A1 9000 s (commit 09:00), A2 3600 s (push), A4 6300 s (commit 08:00), B3 7200 s (commit
 *   10:00), B5 10800 s (push), B6 3600 s (push). Sorted 3600 3600 6300 7200 9000 10800: median
 *   (6300 + 7200) / 2 = 6750; p90 is rank ⌈0.9 × 6⌉ = 6: 10800. Three measured from a commit.
 * - Changes that reached production in the week: A1 A2 A3 A4 A5 B1 B3 B5 B6. B1 was cancelled and B6
 *   is still verifying: out. Failed: A2 (rolled back from by hand), A3 (canary), A4 (verification) = 3
 *   of 7: 0.4286.
 * - Restores: A3 10:22 → 10:26 = 240 s; A4 09:47 → 09:49:30 = 150 s (its canary failure at 09:22 is
 *   not the signal: verification rolled it back). A2 has no failing signal to measure from. Median 195.
 */
const WHOLE_WEEK: DoraMetrics = {
  since: WEEK.since,
  until: WEEK.until,
  deployments: { count: 6, perDay: 0.8571, perWeek: 6 },
  leadTime: { medianSeconds: 6750, p90Seconds: 10800, samples: 6, fromCommit: 3 },
  changeFailureRate: { failed: 3, total: 7, rate: 0.4286 },
  timeToRestore: {
    medianSeconds: 195,
    incidents: [
      {
        deploymentId: id('A3'),
        service: 'ApiGateway',
        failedAt: '2026-01-07T10:22:00.000Z',
        restoredAt: '2026-01-07T10:26:00.000Z',
        seconds: 240,
      },
      {
        deploymentId: id('A4'),
        service: 'ApiGateway',
        failedAt: '2026-01-08T09:47:00.000Z',
        restoredAt: '2026-01-08T09:49:30.000Z',
        seconds: 150,
      },
    ],
  },
};

describe('computeDora over the synthetic week', () => {
  it.each<[string, () => DoraMetrics, object]>([
    ['every service', () => computeDora(records(), events, WEEK), WHOLE_WEEK],
    [
      // A1 9000, A2 3600, A4 6300 → 3600 6300 9000: median 6300, p90 rank ⌈2.7⌉ = 3; failed A2 A3 A4 of
      // A1..A5 = 3/5.
      'ApiGateway',
      () =>
        computeDora(
          records((r) => r.record.service === 'ApiGateway'),
          events,
          WEEK,
        ),
      {
        deployments: { count: 3, perDay: 0.4286, perWeek: 3 },
        leadTime: { medianSeconds: 6300, p90Seconds: 9000, samples: 3, fromCommit: 2 },
        changeFailureRate: { failed: 3, total: 5, rate: 0.6 },
        timeToRestore: WHOLE_WEEK.timeToRestore,
      },
    ],
    [
      // B3 7200, B5 10800, B6 3600 → median 7200, p90 10800; judged B3 B5, none failed; no incident.
      'AudioService',
      () =>
        computeDora(
          records((r) => r.record.service === 'AudioService'),
          events,
          WEEK,
        ),
      {
        deployments: { count: 3, perDay: 0.4286, perWeek: 3 },
        leadTime: { medianSeconds: 7200, p90Seconds: 10800, samples: 3, fromCommit: 1 },
        changeFailureRate: { failed: 0, total: 2, rate: 0 },
        timeToRestore: { medianSeconds: null, incidents: [] },
      },
    ],
    [
      // Wednesday alone: no release; A3 reached production and failed: 1/1, restored in 240 s.
      'Wednesday',
      () => computeDora(records(), events, { since: '2026-01-07T00:00:00Z', until: '2026-01-08T00:00:00Z' }),
      {
        since: '2026-01-07T00:00:00.000Z',
        until: '2026-01-08T00:00:00.000Z',
        deployments: { count: 0, perDay: 0, perWeek: 0 },
        leadTime: { medianSeconds: null, p90Seconds: null, samples: 0, fromCommit: 0 },
        changeFailureRate: { failed: 1, total: 1, rate: 1 },
        timeToRestore: { medianSeconds: 240, incidents: [WHOLE_WEEK.timeToRestore.incidents[0]!] },
      },
    ],
    [
      // `until` is excluded: A1's release at exactly Mon 11:30 falls outside [00:00, 11:30), inside
      // [00:00, 11:30:00.001); A1 entered the canary at 11:00, so its change counts in both.
      'a boundary at a release',
      () => computeDora(records(), events, { since: WEEK.since, until: '2026-01-05T11:30:00Z' }),
      {
        deployments: { count: 0, perDay: 0, perWeek: 0 },
        changeFailureRate: { failed: 0, total: 1, rate: 0 },
      },
    ],
    [
      'just past it',
      () => computeDora(records(), events, { since: WEEK.since, until: '2026-01-05T11:30:00.001Z' }),
      { deployments: { count: 1 }, leadTime: { samples: 1, medianSeconds: 9000 } },
    ],
    [
      'a quiet week (no runs at all)',
      () => computeDora([], [], { since: '2025-06-02T00:00:00Z', until: '2025-06-09T00:00:00Z' }),
      {
        deployments: { count: 0, perDay: 0, perWeek: 0 },
        leadTime: { medianSeconds: null, p90Seconds: null, samples: 0, fromCommit: 0 },
        changeFailureRate: { failed: 0, total: 0, rate: null },
        timeToRestore: { medianSeconds: null, incidents: [] },
      },
    ],
  ])('%s', (_name, compute, expected) => {
    expect(compute()).toMatchObject(expected);
  });

  it('does not depend on the order of the events or of the records', () => {
    const shuffled = [...events].reverse();
    expect(computeDora([...records()].reverse(), shuffled, WEEK)).toEqual(WHOLE_WEEK);
  });

  it('treats a deployment without timeline entries as never having reached production', () => {
    const a1 = runs.A1!.record;
    expect(computeDora([a1], [], WEEK)).toMatchObject({
      deployments: { count: 0 },
      changeFailureRate: { total: 0, rate: null },
    });
  });

  it.each([
    ['reversed', { since: WEEK.until, until: WEEK.since }],
    ['empty', { since: WEEK.since, until: WEEK.since }],
    ['not a time', { since: 'monday', until: WEEK.until }],
  ])('refuses a %s period with a coded error', (_name, period) => {
    expect(() => computeDora([], [], period)).toThrow(DoraPeriodError);
    expect(() => computeDora([], [], period)).toThrow(expect.objectContaining({ code: 'invalid-period' }));
  });
});

describe('median and nearest-rank percentile', () => {
  it.each<[number[], number | null, number | null, number | null]>([
    // values, median, p90, p50 by nearest rank
    [[], null, null, null],
    [[5], 5, 5, 5],
    [[9, 1], 5, 9, 1],
    [[3, 1, 2], 2, 3, 2],
    // n = 10: p90 is rank 9, not the maximum; p50 rank 5 is the lower middle, the median averages.
    [[10, 9, 8, 7, 6, 5, 4, 3, 2, 1], 5.5, 9, 5],
    // n = 11: rank ⌈9.9⌉ = 10.
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 100], 6, 10, 6],
    [[7, 7, 7, 7], 7, 7, 7],
  ])('%j → median %s, p90 %s, p50 %s', (values, med, p90, p50) => {
    expect(median(values)).toBe(med);
    expect(nearestRank(values, 90)).toBe(p90);
    expect(nearestRank(values, 50)).toBe(p50);
  });

  it('does not reorder its input', () => {
    const values = [3, 1, 2];
    median(values);
    nearestRank(values, 90);
    expect(values).toEqual([3, 1, 2]);
  });
});
