/**
 * Event ingestion through the compiled app in the dev host: distinct ACR pushes POSTed to the Event
 * Grid route (`/runtime/webhooks/eventgrid?functionName=acrEventGrid`) at a fixed concurrency, over
 * loopback, by a load generator in another process (load.ts), each answered 202 only once the app has
 * recorded the deployment, queued it and woken its lane. The run store is the in-memory one (Gantry's own code alone) or the Table store on Azurite;
 * outside systems are the in-process fakes, the task hub is the memory one on a virtual clock.
 */
import { randomBytes } from 'node:crypto';
import { PORTS_OVERRIDE } from '../../shared/composition.js';
import { deploymentIdFor } from '../../shared/domain/image-ref.js';
import type { RunStore } from '../../shared/ports/run-store.js';
import { startTestHost, type TestHost } from '../../devhost/testing.js';
import { exampleWithoutRingsFile } from '../../test/fixtures/example-config.js';
import { MemoryRunStore } from '../../test/fakes/memory-run-store.js';
import { FakeWorld, worldPorts } from '../../test/fakes/world.js';
import { TableRunStore } from '../../shared/adapters/table-store.js';
import { startStopwatch } from '../devhost/measure.js';
import { percentiles, type LoadGenerator, type RateSample } from './load.js';
import { ORCHESTRATOR, installProbes, type Probes } from '../devhost/probes.js';
import { MONDAY_10 } from '../pipeline/driver.js';
import {
  countDurableClient,
  countingPolicy,
  countingStore,
  inBackground,
  newCounter,
  resetCounter,
  snapshotCounter,
  type Counter,
} from './counting.js';

export const SERVICE = 'ApiGateway';
const REGISTRY = 'hearloveen.azurecr.io';
const REPOSITORY = 'api-gateway';
const ROUTE = '/runtime/webhooks/eventgrid?functionName=acrEventGrid';

export interface IngestSample extends RateSample {
  /**
   * Storage round trips (Table requests, or RunStore calls on the memory store) per event on the push
   * path (the Event Grid handler); `storage.background` counts those of the work it started.
   */
  storagePerEvent: number;
  storage: Counter;
  /** Durable client calls (status reads, starts, raised events) per event, all on the push path. */
  durablePerEvent: number;
  durable: Counter;
  /** Orchestrator episodes (lanes woken, pipelines started) per event. */
  episodesPerEvent: number;
}

export function digest(): string {
  return `sha256:${randomBytes(32).toString('hex')}`;
}

function pushEvent(imageDigest: string, tag: string): unknown {
  return {
    id: randomBytes(16).toString('hex'),
    topic:
      '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/hearloveen',
    subject: `${REPOSITORY}:${tag}`,
    eventType: 'Microsoft.ContainerRegistry.ImagePushed',
    eventTime: new Date(MONDAY_10).toISOString(),
    dataVersion: '1.0',
    metadataVersion: '1',
    data: {
      id: randomBytes(16).toString('hex'),
      timestamp: new Date(MONDAY_10).toISOString(),
      action: 'push',
      target: {
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        size: 856,
        digest: imageDigest,
        length: 856,
        repository: REPOSITORY,
        tag,
      },
      request: { id: randomBytes(8).toString('hex'), host: REGISTRY, method: 'PUT' },
      actor: { name: 'ci-bot' },
    },
  };
}

export interface StoreSpec {
  kind: 'memory' | 'table';
  /** Azurite's connection string, for `table`. */
  connectionString?: string;
  tablePrefix?: string;
}

export class IngestBench {
  private constructor(
    readonly host: TestHost,
    public store: RunStore,
    readonly counter: Counter,
    readonly durable: Counter,
    private readonly probes: Probes,
    private readonly ports: Record<string, unknown>,
    private readonly load: LoadGenerator,
  ) {}

  /** `load` sends the events (one child process for the whole run: see load.ts). */
  static async start(spec: StoreSpec, storageStub: string, load: LoadGenerator): Promise<IngestBench> {
    // ApiGateway with one production target (the example's train taken out): the figures stay
    // comparable with the ones recorded before the example became a two-ring train.
    process.env.GANTRY_CONFIG_PATH = exampleWithoutRingsFile();
    process.env.GANTRY_STORAGE = storageStub;
    const counter = newCounter();
    const store =
      spec.kind === 'memory'
        ? countingStore(new MemoryRunStore(), counter)
        : await TableRunStore.create({
            connectionString: spec.connectionString as string,
            tablePrefix: spec.tablePrefix ?? 'Ingest',
            clientOptions: { additionalPolicies: [{ policy: countingPolicy(counter), position: 'perCall' }] },
          });
    const world = new FakeWorld();
    const host = await startTestHost({ appDir: '.', store: 'memory', startTime: MONDAY_10, batching: true });
    const ports = {
      // Every outside system, the registry included: the real adapters would be built otherwise.
      ...worldPorts(world),
      store,
      clock: { now: () => host.clock.now() },
    };
    const durable = newCounter();
    countDurableClient(durable);
    const bench = new IngestBench(host, store, counter, durable, installProbes(host), ports, load);
    attributeBackground(host);
    (globalThis as Record<symbol, unknown>)[PORTS_OVERRIDE] = ports;
    return bench;
  }

  /**
   * A second Table store (another table prefix in the same Azurite, requests counted by the same
   * counter), for runs that alternate between two stores on one host.
   */
  async tableStore(connectionString: string, tablePrefix: string): Promise<RunStore> {
    return TableRunStore.create({
      connectionString,
      tablePrefix,
      clientOptions: { additionalPolicies: [{ policy: countingPolicy(this.counter), position: 'perCall' }] },
    });
  }

  /** Points the app (and this bench's integrity check) at `store`. */
  use(store: RunStore): void {
    this.store = store;
    this.ports.store = store;
  }

  async close(): Promise<void> {
    await this.host.close();
    const global = globalThis as Record<symbol, unknown>;
    if (global[PORTS_OVERRIDE] === this.ports) delete global[PORTS_OVERRIDE];
  }

  /**
   * `digests.length` pushes at `concurrency`; counts cover only these requests. Pass digests already
   * pushed to measure duplicates.
   */
  async run(digests: string[], concurrency: number): Promise<IngestSample> {
    const bodies = digests.map((d, i) => JSON.stringify([pushEvent(d, `1.0.${i}`)]));
    resetCounter(this.counter);
    resetCounter(this.durable);
    this.probes.reset();
    // The stopwatch drives the optional profiler (this process only); the rate uses the sender's clock.
    const watch = startStopwatch();
    const { latencies, wallMs } = await this.load.run({
      url: `${this.host.url}${ROUTE}`,
      bodies,
      concurrency,
    });
    watch.stop();
    const storage = snapshotCounter(this.counter);
    const durable = snapshotCounter(this.durable);
    const episodes = this.probes.snapshot()[ORCHESTRATOR]?.calls ?? 0;
    const accepted = await this.countRecorded(digests);
    return {
      events: digests.length,
      accepted,
      wallMs,
      perSecond: (accepted / wallMs) * 1000,
      ...percentiles(latencies),
      storagePerEvent: storage.count / digests.length,
      storage,
      durablePerEvent: durable.count / digests.length,
      durable,
      episodesPerEvent: episodes / digests.length,
    };
  }

  /** Integrity: each pushed digest has exactly its one deployment (not counted: after the snapshot). */
  private async countRecorded(digests: string[]): Promise<number> {
    let found = 0;
    for (const d of new Set(digests))
      if (await this.store.getDeployment(SERVICE, deploymentIdFor(SERVICE, d))) found++;
    return found;
  }
}

/**
 * Runs every orchestrator and activity invocation of `host` inside `inBackground`, so that the storage
 * calls they make are told apart from those of the Event Grid handler (an HTTP-side trigger).
 */
function attributeBackground(host: TestHost): void {
  const invoker = host.functionHost.invoker;
  const invoke = invoker.invoke.bind(invoker);
  invoker.invoke = (name, ...rest) => {
    const type = invoker.get(name)?.trigger.type;
    return type === 'orchestrationTrigger' || type === 'activityTrigger'
      ? inBackground.run(true, () => invoke(name, ...rest))
      : invoke(name, ...rest);
  };
}
