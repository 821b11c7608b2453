/**
 * The parent side of the ingestion benchmark's load generator: a child process (load-child.ts) that
 * POSTs the events, so that sending them costs the dev host's process nothing but the requests it
 * serves (as with Event Grid). One child serves every batch of a run: Gantry's and the floor's alike.
 */
import { fork } from 'node:child_process';
import path from 'node:path';
import type { LoadReply, LoadRequest } from './load-protocol.js';

/** Next to this file in dist/ (the child is plain compiled JS: `npm run build` first). */
export const LOAD_CHILD = path.join(__dirname, 'load-child.js');

export interface Batch {
  url: string;
  bodies: string[];
  concurrency: number;
  headers?: Record<string, string>;
  expectStatus?: number;
}

export interface BatchTimes {
  /** Per request, in completion order. */
  latencies: number[];
  wallMs: number;
}

export interface LoadGenerator {
  /** Sends the batch from the child; rejects unless every request got `expectStatus` (202). */
  run(batch: Batch): Promise<BatchTimes>;
  close(): Promise<void>;
}

/** What Event Grid sends with a notification (the route checks `aeg-event-type`). */
export const EVENT_GRID_HEADERS = { 'content-type': 'application/json', 'aeg-event-type': 'Notification' };

export async function startLoadGenerator(): Promise<LoadGenerator> {
  // No inherited execArgv: a profiler or inspector flag of the parent must not slow the sender down.
  const child = fork(LOAD_CHILD, [], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const pending = new Map<number, { resolve: (t: BatchTimes) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const failAll = (why: string): void => {
    for (const { reject } of pending.values()) reject(new Error(why));
    pending.clear();
  };
  child.once('exit', (code, signal) => failAll(`load generator exited (${signal ?? code})`));
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', () => reject(new Error(`load generator exited before it was ready`)));
    child.on('message', (message: LoadReply) => {
      if (message.type === 'ready') return resolve();
      const waiter = pending.get(message.id);
      pending.delete(message.id);
      if (message.type === 'result')
        waiter?.resolve({ latencies: message.latencies, wallMs: message.wallMs });
      else waiter?.reject(new Error(message.message));
    });
  });
  return {
    run: (batch) =>
      new Promise<BatchTimes>((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        const request: LoadRequest = {
          type: 'run',
          id,
          url: batch.url,
          bodies: batch.bodies,
          headers: batch.headers ?? EVENT_GRID_HEADERS,
          concurrency: batch.concurrency,
          expectStatus: batch.expectStatus ?? 202,
        };
        child.send(request, (error) => {
          if (!error) return;
          pending.delete(id);
          reject(error);
        });
      }),
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        if (child.connected) child.disconnect();
        await exited;
      }
    },
  };
}

/** What every batch reports, the floor's and Gantry's alike. */
export interface RateSample {
  events: number;
  /** Answered 202 (and checked after the batch: recorded by Gantry, held by the floor's host). */
  accepted: number;
  wallMs: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/** Median and 99th percentile of a batch's latencies (nearest rank, as the benchmark always did). */
export function percentiles(latencies: number[]): { p50Ms: number; p99Ms: number } {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { p50Ms: at(0.5), p99Ms: at(0.99) };
}
