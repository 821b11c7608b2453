/**
 * In-memory task hub: backs unit tests and the benchmarks, so every hot operation is O(1) amortised
 * (history arrays appended in place, inbox as an insertion-ordered Map). Nothing survives the process.
 *
 * Copies: events and messages are shallow-copied on the way in, because the engine later flips
 * `IsPlayed` on its own cached objects and the stored history must keep what was committed (the table
 * store serialises at commit time; both must answer alike). Reads return fresh arrays of shallow copies;
 * they only happen at recovery and status time, so the copy cost stays off the hot path.
 */
import { copyInstance, isUnfinished, matchesQuery, pageSize } from './store-common.js';
import type {
  EpisodeCommit,
  HistoryEvent,
  InboxMessage,
  InstancePage,
  InstanceQuery,
  InstanceState,
  TaskHubStore,
} from './types.js';

/** Enough of the last applied commit to recognise it when the engine retries it. */
interface AppliedCommit {
  executionId: string;
  newExecution: boolean;
  consumed: string;
  events: HistoryEvent[];
}

interface Entry {
  instance?: InstanceState;
  /** History per execution id; older executions stay readable until the instance is purged. */
  executions: Map<string, HistoryEvent[]>;
  inbox: Map<string, InboxMessage>;
  last?: AppliedCommit;
}

type SortKey = [createdMs: number, instanceId: string];

export class MemoryStore implements TaskHubStore {
  readonly kind = 'memory';
  private readonly entries = new Map<string, Entry>();

  async init(): Promise<void> {}

  async close(): Promise<void> {}

  async putInstance(instance: InstanceState): Promise<void> {
    this.entry(instance.instanceId).instance = copyInstance(instance);
  }

  async getInstance(instanceId: string): Promise<InstanceState | undefined> {
    const instance = this.entries.get(instanceId)?.instance;
    return instance && copyInstance(instance);
  }

  async listInstances(query: InstanceQuery): Promise<InstancePage> {
    const after = query.continuationToken ? decodeToken(query.continuationToken) : undefined;
    const matching: { key: SortKey; instance: InstanceState }[] = [];
    for (const { instance } of this.entries.values()) {
      if (!instance || !matchesQuery(instance, query)) continue;
      const key: SortKey = [Date.parse(instance.createdTime), instance.instanceId];
      if (!after || compareKeys(key, after) > 0) matching.push({ key, instance });
    }
    matching.sort((a, b) => compareKeys(a.key, b.key));
    const size = pageSize(query);
    const page = matching.slice(0, size);
    const items = page.map((m) => copyInstance(m.instance));
    const last = page[page.length - 1];
    return matching.length > size && last ? { items, continuationToken: encodeToken(last.key) } : { items };
  }

  async listUnfinishedInstances(): Promise<InstanceState[]> {
    const result: InstanceState[] = [];
    for (const { instance } of this.entries.values()) {
      if (instance && isUnfinished(instance)) result.push(copyInstance(instance));
    }
    return result;
  }

  async getHistory(instanceId: string, executionId: string): Promise<HistoryEvent[]> {
    const history = this.entries.get(instanceId)?.executions.get(executionId) ?? [];
    return history.map((event) => ({ ...event }));
  }

  async enqueue(message: InboxMessage): Promise<void> {
    // Map.set on an existing id keeps its original position: a re-delivery does not reorder the inbox.
    this.entry(message.instanceId).inbox.set(message.id, { ...message, event: { ...message.event } });
  }

  async getInbox(instanceId: string): Promise<InboxMessage[]> {
    const inbox = this.entries.get(instanceId)?.inbox;
    return inbox ? [...inbox.values()].map((m) => ({ ...m, event: { ...m.event } })) : [];
  }

  async commitEpisode(commit: EpisodeCommit): Promise<void> {
    const entry = this.entry(commit.instance.instanceId);
    const executionId = commit.instance.executionId;
    if (!isRetryOf(entry.last, commit)) {
      let history = entry.executions.get(executionId);
      if (!history || commit.newExecution) {
        history = [];
        entry.executions.set(executionId, history);
      }
      const start = history.length;
      for (const event of commit.appendEvents) history.push({ ...event });
      entry.last = {
        executionId,
        newExecution: commit.newExecution === true,
        consumed: commit.consumedMessageIds.join('\n'),
        events: history.slice(start),
      };
    }
    for (const id of commit.consumedMessageIds) entry.inbox.delete(id);
    entry.instance = copyInstance(commit.instance);
  }

  async purgeInstance(instanceId: string): Promise<boolean> {
    const existed = this.entries.get(instanceId)?.instance !== undefined;
    this.entries.delete(instanceId);
    return existed;
  }

  private entry(instanceId: string): Entry {
    let entry = this.entries.get(instanceId);
    if (!entry) {
      entry = { executions: new Map(), inbox: new Map() };
      this.entries.set(instanceId, entry);
    }
    return entry;
  }
}

/**
 * Every method must be safe to retry, and a commit carries no sequence number, so a commit identical to
 * the last one applied (same execution, same consumed messages, same events) is taken as a retry and not
 * appended again. Two genuine episodes cannot be identical: each consumes new messages or adds events
 * with new ids/timestamps. The cheap fields are compared first, so the event comparison runs only for
 * a real candidate.
 */
function isRetryOf(last: AppliedCommit | undefined, commit: EpisodeCommit): boolean {
  if (!last || last.executionId !== commit.instance.executionId) return false;
  if (last.newExecution !== (commit.newExecution === true)) return false;
  if (last.events.length !== commit.appendEvents.length) return false;
  if (last.consumed !== commit.consumedMessageIds.join('\n')) return false;
  return last.events.every((event, i) => JSON.stringify(event) === JSON.stringify(commit.appendEvents[i]));
}

function compareKeys(a: SortKey, b: SortKey): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  return a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
}

/** Opaque to callers; base64url keeps it safe in the `x-ms-continuation-token` header. */
function encodeToken(key: SortKey): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

function decodeToken(token: string): SortKey {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || typeof parsed[0] !== 'number' || typeof parsed[1] !== 'string') {
    throw new Error(`Invalid continuation token: ${token}`);
  }
  return [parsed[0], parsed[1]];
}
