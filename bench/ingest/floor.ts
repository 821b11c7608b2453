/**
 * The floor of the ingestion benchmark: a minimal Durable app (bench/apps/ingest-floor) in a dev host
 * with the memory task hub, whose Event Grid functions make the Durable client calls of Gantry's push
 * path and nothing else. Measured in the same run, with the same load generator, concurrency and event
 * count as Gantry, it says what rate and latency the dev host and the Durable SDK leave to any app.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { startTestHost, type TestHost } from '../../devhost/testing.js';
import { startStopwatch } from '../devhost/measure.js';
import { ORCHESTRATOR, installProbes, type Probes } from '../devhost/probes.js';
import { MONDAY_10 } from '../pipeline/driver.js';
import { countDurableClient, newCounter, resetCounter, snapshotCounter, type Counter } from './counting.js';
import { percentiles, type LoadGenerator, type RateSample } from './load.js';

/** dist/bench/ingest -> repository root -> the app's sources (plain JS, not compiled). */
export const FLOOR_APP_DIR = path.resolve(__dirname, '..', '..', '..', 'bench', 'apps', 'ingest-floor');

/** The floor's functions, each mirroring one of Gantry's push paths (see the app). */
export const FLOOR_MODES = {
  none: { fn: 'floorNone', label: 'no Durable client call' },
  newDigest: { fn: 'floorNewDigest', label: 'same Durable client calls as a new digest' },
  duplicate: { fn: 'floorDuplicate', label: 'same Durable client calls as a duplicate' },
} as const;

export type FloorMode = keyof typeof FLOOR_MODES;

/** `accepted`: answered 202 (and, for `newDigest`, whose orchestration the host holds). */
export interface FloorSample extends RateSample {
  mode: FloorMode;
  /** Durable client calls per event: checks the floor makes the calls it claims to. */
  durablePerEvent: number;
  durable: Counter;
  episodesPerEvent: number;
}

const PARKED = 'floor-parked';

/** An Event Grid event of the shape ACR sends (the floor reads only its id and subject). */
function floorEvent(): { id: string; body: string } {
  const id = randomBytes(16).toString('hex');
  const event = {
    id,
    topic: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg',
    subject: 'api-gateway:floor',
    eventType: 'Microsoft.ContainerRegistry.ImagePushed',
    eventTime: new Date(MONDAY_10).toISOString(),
    dataVersion: '1.0',
    metadataVersion: '1',
    data: { id, action: 'push', target: { digest: `sha256:${randomBytes(32).toString('hex')}` } },
  };
  return { id, body: JSON.stringify([event]) };
}

export class FloorBench {
  private constructor(
    readonly host: TestHost,
    private readonly durable: Counter,
    private readonly probes: Probes,
    private readonly load: LoadGenerator,
  ) {}

  static async start(load: LoadGenerator): Promise<FloorBench> {
    const host = await startTestHost({
      appDir: FLOOR_APP_DIR,
      store: 'memory',
      startTime: MONDAY_10,
      batching: true,
    });
    const durable = newCounter();
    countDurableClient(durable);
    await host.startOrchestration('parked', null, PARKED);
    await host.waitFor(PARKED, 'Running', { advanceTime: false });
    return new FloorBench(host, durable, installProbes(host), load);
  }

  async close(): Promise<void> {
    await this.host.close();
  }

  /** `events` events to the function of `mode`, `concurrency` at a time. */
  async run(mode: FloorMode, events: number, concurrency: number): Promise<FloorSample> {
    const batch = Array.from({ length: events }, floorEvent);
    const url = `${this.host.url}/runtime/webhooks/eventgrid?functionName=${FLOOR_MODES[mode].fn}`;
    // Re-pointed each time: Gantry's bench points the same (process-wide) SDK patch at its own counter.
    countDurableClient(this.durable);
    resetCounter(this.durable);
    this.probes.reset();
    const watch = startStopwatch();
    const { latencies, wallMs } = await this.load.run({ url, bodies: batch.map((e) => e.body), concurrency });
    watch.stop();
    const durable = snapshotCounter(this.durable);
    const episodes = this.probes.snapshot()[ORCHESTRATOR]?.calls ?? 0;
    const accepted = mode === 'newDigest' ? await this.started(batch.map((e) => e.id)) : latencies.length;
    return {
      mode,
      events,
      accepted,
      wallMs,
      perSecond: (accepted / wallMs) * 1000,
      ...percentiles(latencies),
      durablePerEvent: durable.count / events,
      durable,
      episodesPerEvent: episodes / events,
    };
  }

  /** How many of the events' orchestrations the host holds (not timed: after the answers). */
  private async started(ids: string[]): Promise<number> {
    let found = 0;
    for (const id of ids) if (await this.host.engine.getInstance(`greet-${id}`)) found++;
    return found;
  }
}
