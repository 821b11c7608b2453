import type { Activities } from '../contracts/activities.js';
import type { InputOf, OutputOf } from '../contracts/contract.js';
import { judgeRound } from '../analysis/verification.js';
import type { Ports } from '../ports/index.js';
import { analyse } from './analysis.js';
import { record } from './record.js';

type Input = InputOf<typeof Activities.verifyRound>;

/**
 * One verification round: the primary's rules, its pods (when watched), and the round's `verify:*`
 * entries, judged at the round's time. One activity where there were three (`analyse`, `rollout`,
 * `record`): the orchestration judges the returned evidence with the same pure `judgeRound`. A retry
 * measures again but writes at the same seqs, so the timeline keeps the first write.
 */
export async function verifyRound(
  ports: Ports,
  input: Input,
): Promise<OutputOf<typeof Activities.verifyRound>> {
  const [checks, pods] = await Promise.all([
    analyse(ports, input.analyse),
    input.pods ? ports.cluster.rollout(input.pods.target, input.pods.deployment) : undefined,
  ]);
  const r = input.record;
  const { entries } = judgeRound(input.spec, checks, pods, input.since, Date.parse(r.at));
  // The orchestration reserved one seq per entry (`verifyEntryCount`); a mismatch is a bug.
  if (entries.length !== r.seqs.length)
    throw new Error(
      `verification wrote ${entries.length} entries for ${r.seqs.length} reserved sequence numbers`,
    );
  const [first, ...more] = entries.map((e, i) => ({ ...e, seq: r.seqs[i] as number, at: r.at }));
  if (first) await record(ports, { deploymentId: r.deploymentId, service: r.service, entry: first, more });
  return { checks, ...(pods && { pods }) };
}
