/**
 * The ingestion benchmark's load generator, run as a child process (`fork`ed by bench/ingest/load.ts):
 * Event Grid is not in the app's process, and on a 2-core machine the sender in the host's process took
 * event-loop time and CPU from the app it measured. Answers each `run` request (load-protocol.ts) with
 * the latencies and wall time of its batch; exits when the parent disconnects.
 */
import { isLoadRequest, type LoadReply, type LoadRequest } from './load-protocol.js';

const send = (reply: LoadReply): void => void process.send?.(reply);

async function post(request: LoadRequest, body: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(request.url, { method: 'POST', headers: request.headers, body });
  const text = await response.text();
  if (response.status !== request.expectStatus)
    throw new Error(`event answered ${response.status}: ${text.slice(0, 300)}`);
  return performance.now() - started;
}

/** Sends every body, `concurrency` at a time; stops sending at the first failure. */
export async function runBatch(request: LoadRequest): Promise<{ latencies: number[]; wallMs: number }> {
  const latencies: number[] = [];
  let next = 0;
  let failure: unknown;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: request.concurrency }, async () => {
      while (next < request.bodies.length && failure === undefined) {
        const body = request.bodies[next++] as string;
        try {
          latencies.push(await post(request, body));
        } catch (error) {
          failure ??= error;
        }
      }
    }),
  );
  if (failure !== undefined) throw failure;
  return { latencies, wallMs: performance.now() - started };
}

if (require.main === module) {
  if (!process.send) throw new Error('load-child.js runs as a forked child (bench/ingest/load.ts)');
  process.on('message', (message: unknown) => {
    if (!isLoadRequest(message)) return;
    runBatch(message).then(
      ({ latencies, wallMs }) => send({ type: 'result', id: message.id, latencies, wallMs }),
      (error: unknown) =>
        send({
          type: 'failed',
          id: message.id,
          message: error instanceof Error ? error.message : String(error),
        }),
    );
  });
  // The parent closed the channel (or died): nothing more will come.
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready' });
}
