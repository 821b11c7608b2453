import type { EntryBody, OwnEntry } from '../domain/timeline-entries.js';
import type { Ports } from '../ports/index.js';
import { record } from './record.js';

/**
 * An acting activity that also appends the timeline entry its result stands for, when the orchestration
 * passes `record` (a reserved seq): acting and recording in one activity, one Durable round trip instead
 * of two. `entryOf` is pure, so a retry writes the same entry at the same seq (stored once).
 */
export function recording<I extends { record?: OwnEntry }, O>(
  act: (ports: Ports, input: I) => Promise<O>,
  entryOf: (input: I, output: O) => EntryBody | undefined,
): (ports: Ports, input: I) => Promise<O> {
  return async (ports, input) => {
    const output = await act(ports, input);
    const own = input.record;
    const body = own && entryOf(input, output);
    if (own && body)
      await record(ports, {
        deploymentId: own.deploymentId,
        service: own.service,
        entry: { seq: own.seq, at: own.at, ...body },
      });
    return output;
  };
}
