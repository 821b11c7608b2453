import type { DurableClient } from 'durable-functions';
import { Events, laneInstanceId } from '../../shared/contracts/events.js';
import type { OrchestrationControl } from '../../shared/ports/orchestration-control.js';

const LIVE = new Set(['Running', 'Pending', 'Suspended', 'ContinuedAsNew']);

/** The lane's custom status while it runs a pipeline (orchestrations/lane.ts). */
function runningDeployment(customStatus: unknown): string | undefined {
  const running = (customStatus as { running?: unknown } | null | undefined)?.running;
  return typeof running === 'string' ? running : undefined;
}

const isNotFound = (error: unknown): boolean =>
  error instanceof Error && /404|No instance/i.test(error.message);

/** OrchestrationControl over the Durable client binding of the current invocation. */
export function controlFor(client: DurableClient): OrchestrationControl {
  const status = async (instanceId: string) => {
    try {
      const s = await client.getStatus(instanceId);
      return { runtimeStatus: String(s.runtimeStatus), customStatus: s.customStatus };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  };
  return {
    status,
    async ensureLane(service, digest) {
      const id = laneInstanceId(service);
      const current = await status(id);
      if (!current || !LIVE.has(current.runtimeStatus)) {
        try {
          await client.startNew('lane', { instanceId: id, input: { service } });
          return undefined;
        } catch {
          // Another trigger started it first: fall through and wake it instead.
        }
      }
      // A lane running a pipeline reads its queue again when that pipeline ends, after this image was
      // queued: a wake would only cost it a replay of its history (one per push). Its status may still
      // name a run whose pipeline has just ended, but never past the queue read that follows: each lane
      // generation stores `checking` at its first checkpoint, before the episode that schedules
      // `takeNext` (orchestrations/lane.ts), and an instance's episodes run one at a time, each after
      // the last one's checkpoint. So `running` here means the queue read is still to come.
      const running = current && runningDeployment(current.customStatus);
      if (running) return running;
      await client.raiseEvent(id, Events.wake.name, { digest });
      return undefined;
    },
    async start(name, instanceId, input, options) {
      if (!options?.fresh) {
        const current = await status(instanceId);
        if (current && LIVE.has(current.runtimeStatus)) return 'running';
      }
      try {
        await client.startNew(name, { instanceId, input });
      } catch (error) {
        // Two callers both saw no live instance; the host let one create it. The other is told it runs.
        const now = await status(instanceId);
        if (now && LIVE.has(now.runtimeStatus)) return 'running';
        throw error;
      }
      return 'started';
    },
    async raise(instanceId, event, payload) {
      const current = await status(instanceId);
      if (!current) return 'not-found';
      if (!LIVE.has(current.runtimeStatus)) return 'gone';
      await client.raiseEvent(instanceId, event, payload);
      return 'accepted';
    },
  };
}
