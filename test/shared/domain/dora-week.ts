/**
 * A synthetic week of runs (Monday 2026-01-05 00:00Z to Monday 2026-01-12 00:00Z) for the DORA tests,
 * with the timeline titles the orchestrations write. Used by the pure tests, the query tests (memory
 * store) and the end-to-end test (Azurite), which all expect the numbers worked out in dora.test.ts.
 */
import type {
  DeploymentRecord,
  DeploymentState,
  TimelineEntry,
  TimelineKind,
} from '../../../shared/domain/deployment.js';
import { deploymentIdFor } from '../../../shared/domain/image-ref.js';

export const WEEK = { since: '2026-01-05T00:00:00.000Z', until: '2026-01-12T00:00:00.000Z' };

const MONDAY = Date.UTC(2026, 0, 5);
const MINUTE = 60_000;

/** Epoch ms of `hh:mm[:ss]` on day `day` of the week (0 = Monday 5 January, -1 the Sunday before). */
export function at(day: number, clock: string): number {
  const [h = 0, m = 0, s = 0] = clock.split(':').map(Number);
  return MONDAY + day * 24 * 60 * MINUTE + ((h * 60 + m) * 60 + s) * 1000;
}

type Verdict = TimelineEntry['verdict'];
type Step = [ms: number, title: string, verdict?: Verdict];

function kindOf(title: string): TimelineKind {
  if (title.includes('->')) return 'transition';
  if (/^(check|verify|fail-fast):|^fast-check$/.test(title)) return 'check';
  if (title.startsWith('gate:')) return 'gate';
  if (title.startsWith('release:')) return 'decision';
  return 'action';
}

/** Queued to AwaitingApproval, including the staging `synced:` (which must not count as the release). */
export const preProduction = (created: number, app: string): Step[] => [
  [created, '->Queued'],
  [created + MINUTE, 'Queued->Gating'],
  [created + 2 * MINUTE, 'gate:vulnerability', 'pass'],
  [created + 2 * MINUTE, 'Gating->Staging'],
  [created + 4 * MINUTE, `synced:${app}-staging`, 'pass'],
  [created + 4 * MINUTE, 'Staging->Testing'],
  [created + 6 * MINUTE, 'Testing->AwaitingApproval'],
];

/** Into the canary at `start`, 10% weight, one success-rate check a minute with these verdicts. */
export const canary = (start: number, verdicts: Verdict[]): Step[] => [
  [start, 'AwaitingApproval->Canary'],
  [start, 'weight:10'],
  ...verdicts.map((v, i): Step => [start + (i + 1) * MINUTE, 'check:request-success-rate', v]),
];

/** Promotion whose production sync is healthy at `synced`: the release serves 100% from then. */
export const promotion = (synced: number, app: string): Step[] => [
  [synced - 2 * MINUTE, 'Canary->Promoting'],
  [synced, `synced:${app}-prod`, 'pass'],
  [synced, 'weight:0'],
  [synced, 'Promoting->Verifying'],
];

export const verification = (start: number, verdicts: Verdict[]): Step[] =>
  verdicts.map((v, i): Step => [start + (i + 1) * MINUTE, 'verify:error-rate', v]);

export interface SeededRun {
  label: string;
  record: DeploymentRecord;
  events: TimelineEntry[];
}

let counter = 0;

/** One run; `updatedAt` is the last transition or weight change, as the record activity writes it. */
export function run(
  label: string,
  service: string,
  state: DeploymentState,
  steps: Step[],
  committedAt?: number,
): SeededRun {
  counter += 1;
  const hex = Buffer.from(label).toString('hex').padStart(8, '0').slice(-8);
  const digest = `sha256:${hex}${String(counter).padStart(4, '0')}${'0'.repeat(52)}`;
  const id = deploymentIdFor(service, digest);
  const seqs = new Map<number, number>();
  const events = steps.map(([ms, title, verdict]): TimelineEntry => {
    const kind = kindOf(title);
    // As the recorder numbers them: the pipeline (slot 0) writes transitions, a phase (slot 5) the rest,
    // so a closing transition written in the same millisecond sorts before the phase's last entries.
    const base = ms * 1000 + (kind === 'transition' ? 0 : 500);
    const n = seqs.get(base) ?? 0;
    seqs.set(base, n + 1);
    const entry: TimelineEntry = { deploymentId: id, seq: base + n, at: iso(ms), kind, title };
    if (verdict) entry.verdict = verdict;
    return entry;
  });
  const moved = events.filter((e) => e.kind === 'transition' || e.title.startsWith('weight:'));
  const record: DeploymentRecord = {
    id,
    service,
    image: { registry: 'hearloveen.azurecr.io', repository: service.toLowerCase(), tag: label, digest },
    state,
    source: 'github',
    createdAt: iso(steps[0]?.[0] ?? MONDAY),
    updatedAt: moved.at(-1)?.at ?? iso(MONDAY),
    weight: 0,
  };
  if (committedAt !== undefined) record.committedAt = iso(committedAt);
  return { label, record, events };
}

export const iso = (ms: number): string => new Date(ms).toISOString();

const api = 'api-gateway';
const audio = 'audio-service';
const pass = (n: number): Verdict[] => Array<Verdict>(n).fill('pass');

/** The week; comments give what each run contributes (worked out in dora.test.ts). */
export function syntheticWeek(): SeededRun[] {
  return [...apiGatewayRuns(), ...audioServiceRuns()];
}

function apiGatewayRuns(): SeededRun[] {
  return [
    // A1: released Mon 11:30, committed Mon 09:00: lead 2h30 = 9000 s (from the commit). Later the
    // target of A2's manual rollback, which must not change its own success.
    run(
      'A1',
      'ApiGateway',
      'Succeeded',
      [
        ...preProduction(at(0, '10:00'), api),
        ...canary(at(0, '11:00'), pass(3)),
        ...promotion(at(0, '11:30'), api),
        ...verification(at(0, '11:30'), pass(2)),
        [at(0, '11:36'), 'release:last-known-good', 'pass'],
        [at(0, '11:36'), 'Verifying->Succeeded'],
        [at(1, '15:00'), 'rollback:to'],
        [at(1, '15:02'), `rollback:synced:${api}-prod`, 'pass'],
      ],
      at(0, '09:00'),
    ),
    // A2: pushed Tue 10:00, released Tue 11:00: lead 3600 s (no commit time). Rolled back from by hand
    // at 15:00: a failed change, without a measurable restore.
    run('A2', 'ApiGateway', 'Succeeded', [
      ...preProduction(at(1, '10:00'), api),
      ...canary(at(1, '10:30'), pass(2)),
      ...promotion(at(1, '11:00'), api),
      ...verification(at(1, '11:00'), pass(2)),
      [at(1, '11:06'), 'Verifying->Succeeded'],
      [at(1, '15:00'), 'rollback:from'],
    ]),
    // A3: canary from Wed 10:20; first failing check 10:22, fifth at 10:26 rolls back (weight 0 at
    // 10:26): a failed change, restored in 240 s. Never released.
    run('A3', 'ApiGateway', 'RolledBack', [
      ...preProduction(at(2, '10:00'), api),
      ...canary(at(2, '10:20'), ['pass', 'fail', 'fail', 'fail', 'fail', 'fail']),
      [at(2, '10:26'), 'weight:0'],
      [at(2, '10:26'), 'Canary->RolledBack'],
    ]),
    // A4: one canary check fails below the threshold (Thu 09:22), released Thu 09:45 (committed 08:00:
    // lead 6300 s), verification fails from 09:47 and production is pointed back at 09:49:30: a failed
    // change restored in 150 s, measured from the verification failure, not the canary one.
    run(
      'A4',
      'ApiGateway',
      'RolledBack',
      [
        ...preProduction(at(3, '09:00'), api),
        ...canary(at(3, '09:20'), ['pass', 'fail', 'pass']),
        ...promotion(at(3, '09:45'), api),
        ...verification(at(3, '09:45'), ['pass', 'fail', 'fail', 'fail']),
        [at(3, '09:49:30'), 'rollback:production'],
        [at(3, '09:49:30'), 'Verifying->RolledBack'],
      ],
      at(3, '08:00'),
    ),
    // A5: enters the canary Sun 23:30 (in the week: a successful change), released Mon 00:10 (not in it).
    run(
      'A5',
      'ApiGateway',
      'Succeeded',
      [
        ...preProduction(at(6, '23:00'), api),
        ...canary(at(6, '23:30'), pass(5)),
        ...promotion(at(7, '00:10'), api),
        [at(7, '00:16'), 'Verifying->Succeeded'],
      ],
      at(6, '22:00'),
    ),
    // A6: pushed after the week: nothing.
    run('A6', 'ApiGateway', 'Succeeded', [
      ...preProduction(at(7, '01:00'), api),
      ...canary(at(7, '01:30'), pass(2)),
      ...promotion(at(7, '02:00'), api),
      [at(7, '02:06'), 'Verifying->Succeeded'],
    ]),
  ];
}

function audioServiceRuns(): SeededRun[] {
  return [
    // B0: released Sun 4 January 23:00, before the week: nothing.
    run('B0', 'AudioService', 'Succeeded', [
      ...preProduction(at(-1, '20:00'), audio),
      ...canary(at(-1, '22:00'), pass(2)),
      ...promotion(at(-1, '23:00'), audio),
      [at(-1, '23:06'), 'Verifying->Succeeded'],
    ]),
    // B1: cancelled in the canary (after failing checks): excluded from the failure rate.
    run('B1', 'AudioService', 'Cancelled', [
      ...preProduction(at(3, '12:00'), audio),
      ...canary(at(3, '12:30'), ['fail', 'fail']),
      [at(3, '12:40'), 'weight:0'],
      [at(3, '12:40'), 'Canary->Cancelled'],
    ]),
    // B2: superseded while queued: nothing.
    run('B2', 'AudioService', 'Superseded', [
      [at(4, '08:00'), '->Queued'],
      [at(4, '08:05'), 'Queued->Superseded'],
    ]),
    // B3: released Fri 12:00, committed Fri 10:00: lead 7200 s; a successful change.
    run(
      'B3',
      'AudioService',
      'Succeeded',
      [
        ...preProduction(at(4, '10:30'), audio),
        ...canary(at(4, '11:00'), pass(3)),
        ...promotion(at(4, '12:00'), audio),
        [at(4, '12:06'), 'Verifying->Succeeded'],
      ],
      at(4, '10:00'),
    ),
    // B4: failed at the vulnerability gate, before production: nothing.
    run('B4', 'AudioService', 'Failed', [
      [at(5, '09:00'), '->Queued'],
      [at(5, '09:01'), 'Queued->Gating'],
      [at(5, '09:05'), 'gate:vulnerability', 'fail'],
      [at(5, '09:05'), 'Gating->Failed'],
    ]),
    // B5: pushed Sun 19:00, released Sun 22:00: lead 10800 s (no commit time); a successful change.
    run('B5', 'AudioService', 'Succeeded', [
      ...preProduction(at(6, '19:00'), audio),
      ...canary(at(6, '21:00'), pass(3)),
      ...promotion(at(6, '22:00'), audio),
      [at(6, '22:06'), 'Verifying->Succeeded'],
    ]),
    // B6: still verifying: released Sun 23:10 (lead 3600 s from the push), outcome not known yet.
    run('B6', 'AudioService', 'Verifying', [
      ...preProduction(at(6, '22:10'), audio),
      ...canary(at(6, '22:40'), pass(3)),
      ...promotion(at(6, '23:10'), audio),
      ...verification(at(6, '23:10'), pass(1)),
    ]),
  ];
}

/** The week's runs by label. */
export function byLabel(runs: SeededRun[]): Record<string, SeededRun> {
  return Object.fromEntries(runs.map((r) => [r.label, r]));
}
