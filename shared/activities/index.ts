import { Activities } from '../contracts/activities.js';
import type { ActivityContract, InputOf } from '../contracts/contract.js';
import type { Ports } from '../ports/index.js';
import { analyse } from './analysis.js';
import { notifyChat } from './chat.js';
import { checkApproval, decideApproval } from './approval.js';
import { deployImage, followPull } from './gitops.js';
import { claimFinish, storedInterrupts } from './interrupts.js';
import { resolveProvenance } from './provenance.js';
import { finishRun, takeNext } from './queue.js';
import { record, setWeight } from './record.js';
import { recording } from './own-entry.js';
import {
  approvalDecisionEntry,
  approvalEntry,
  gateEntry,
  isSyncedAt,
  provenanceEntry,
  releaseEntry,
  smokeEntry,
  syncedEntry,
} from '../domain/timeline-entries.js';
import { lastKnownGood, recordRelease, rollbackInProgress } from './releases.js';
import { verifyRound } from './verification.js';

type Contracts = typeof Activities;
type Handler<C> =
  C extends ActivityContract<infer I, infer O> ? (ports: Ports, input: I) => Promise<O> : never;

/**
 * Activities wrapped in `recording` also append the timeline entry of their result when the orchestration
 * passes `record` (see `shared/domain/timeline-entries.ts`).
 *
 * Every activity, keyed like the contracts so the compiler checks that each contract has exactly one
 * implementation with the right input and output types. Activities fetch and act; expected outcomes are
 * returned as data, and a throw means "retry this".
 */
export const activityHandlers: { [K in keyof Contracts]: Handler<Contracts[K]> } = {
  takeNext,
  finishRun,
  record,
  resolveProvenance: recording(resolveProvenance, (_, found) => provenanceEntry(found)),
  startGate: recording(
    (p, i) => p.scans.start(i.gate, i.image, i.commitSha, i.imageSource),
    (i, progress) => (progress.done ? gateEntry(i.gate.name, progress.result) : undefined),
  ),
  checkGate: recording(
    (p, i) => p.scans.check(i.gate, i.image, i.handle, i.commitSha, i.imageSource),
    (i, progress) => (progress.done ? gateEntry(i.gate.name, progress.result) : undefined),
  ),
  deployImage,
  followPull,
  syncStatus: recording(
    (p, i) => p.gitops.status(i.app),
    (i, state) => (i.record && isSyncedAt(state, i.record.revision) ? syncedEntry(i.app, state) : undefined),
  ),
  rollbackApp: (p, i) => p.gitops.rollback(i.app, i.historyId),
  runSmoke: recording(
    (p, i) => p.smoke.run(i.check),
    (i, result) => smokeEntry(i.check.name, result),
  ),
  dispatchTest: (p, i) => p.tests.dispatch(i.workflow, i.deploymentId, i.image),
  decideApproval: recording(
    (p, i: InputOf<Contracts['decideApproval']>) => decideApproval(p, i),
    (i, decision) => (i.record ? approvalDecisionEntry(i.record.prefix, decision) : undefined),
  ),
  checkApproval: recording(
    (p, i: InputOf<Contracts['checkApproval']>) => checkApproval(p, i),
    (i, check) => approvalEntry(i.approval, check),
  ),
  setImage: (p, i) => p.cluster.setImage(i.target, i.deployment, i.image),
  scale: (p, i) => p.cluster.scale(i.target, i.deployment, i.replicas),
  rollout: (p, i) => p.cluster.rollout(i.target, i.deployment),
  setWeight,
  observeCanary: async (p, i) => ({
    weight: await p.router.readWeight(i.target, i.router),
    rollout: await p.cluster.rollout(i.target, i.deployment),
  }),
  analyse,
  verifyRound,
  lastKnownGood,
  recordRelease: recording(
    (p, { record: _, ...release }) => recordRelease(p, release),
    () => releaseEntry(),
  ),
  rollbackInProgress,
  notifyChat,
  storedInterrupts,
  claimFinish,
};
