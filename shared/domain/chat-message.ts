import type { ChatAction, ChatEventKind } from './chat-actions.js';
import type { ChatEvent } from './chat-routing.js';
import type { DeploymentRecord, TimelineEntry } from './deployment.js';

/** The check that decided a failure: its name, the value it measured and the bound it broke. */
export interface DecidingCheck {
  name: string;
  value: number | null;
  min?: number;
  max?: number;
}

/** What every chat message says about a deployment, before a provider renders it. */
export interface ChatMessage {
  deploymentId: string;
  event: ChatEventKind;
  headline: string;
  service: string;
  version: string;
  digest: string;
  commit?: string;
  stage: string;
  environment: string;
  weight: number;
  actor?: string;
  reason?: string;
  check?: DecidingCheck;
  /** The dashboard's page of the deployment. */
  link: string;
  /** Buttons the message offers (Slack only; Teams cards only open the dashboard). */
  actions: ChatAction[];
  /** One line for the thread: what this event was. */
  detail: string;
}

const HEADLINES: Record<ChatEventKind, string> = {
  queued: 'deployment started',
  'awaiting-approval': 'awaiting approval',
  paused: 'canary analysis paused',
  'canary-step': 'canary',
  'rolled-back': 'rolled back',
  failed: 'failed',
  succeeded: 'released',
  incident: 'needs attention',
};

const ACTIONS: Partial<Record<ChatEventKind, ChatAction[]>> = {
  'awaiting-approval': ['approve', 'reject'],
  'canary-step': ['abort'],
  paused: ['abort'],
};

/** The dashboard's deployment page: `<public URL>/api/dashboard#/deployments/<id>`. */
export function dashboardLink(publicUrl: string, deploymentId: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/api/dashboard#/deployments/${encodeURIComponent(deploymentId)}`;
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function checkOf(evidence: Record<string, unknown>, fallbackName: string): DecidingCheck | undefined {
  if (!('value' in evidence) || (!isNumber(evidence.min) && !isNumber(evidence.max))) return undefined;
  const value = isNumber(evidence.value) ? evidence.value : null;
  return {
    name: typeof evidence.name === 'string' ? evidence.name : fallbackName,
    value,
    ...(isNumber(evidence.min) && { min: evidence.min }),
    ...(isNumber(evidence.max) && { max: evidence.max }),
  };
}

/**
 * Pure: the latest failed check of the timeline that has a value and a bound (an interval check, a
 * fail-fast check, or one check of a fast round), i.e. the check that decided a rollback.
 */
export function decidingCheck(timeline: readonly TimelineEntry[]): DecidingCheck | undefined {
  for (const entry of [...timeline].sort((a, b) => b.seq - a.seq)) {
    if (entry.kind !== 'check' || entry.verdict !== 'fail' || !entry.evidence) continue;
    const checks = entry.evidence.checks;
    if (Array.isArray(checks)) {
      const failed = (checks as Array<Record<string, unknown>>).find(
        (c) => c.verdict === 'fail' || c.verdict === 'abort',
      );
      const found = failed && checkOf(failed, entry.title);
      if (found) return found;
      continue;
    }
    const found = checkOf(entry.evidence, entry.title.replace(/^(check|fail-fast):/, ''));
    if (found) return found;
  }
  return undefined;
}

const fmt = (n: number): string => (Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(4))));

/** `success-rate = 0.91 (min 0.99)`: the value and the bound in one phrase. */
export function describeCheck(check: DecidingCheck): string {
  const bounds = [
    check.min !== undefined ? `min ${fmt(check.min)}` : undefined,
    check.max !== undefined ? `max ${fmt(check.max)}` : undefined,
  ].filter(Boolean);
  const value = check.value === null ? 'no data' : fmt(check.value);
  return `${check.name} = ${value} (${bounds.join(', ')})`;
}

/**
 * A push that waits behind another run is announced at the push (`event.behind`, see
 * `queuedAnnouncement`); the message the lane's start then updates says when it was queued and for how long.
 */
function queuedFor(createdAt: string, startedAt: string): string | undefined {
  const ms = Date.parse(startedAt) - Date.parse(createdAt);
  if (!(ms >= 60_000)) return undefined;
  return `queued at ${createdAt}, waited ${Math.round(ms / 60_000)} min for the lane`;
}

/** Pure: the message for `event` of `deployment`, with the check that decided a failure if any. */
export function chatMessage(
  deployment: DeploymentRecord,
  event: ChatEvent,
  options: { publicUrl: string; check?: DecidingCheck },
): ChatMessage {
  const version =
    deployment.provenance?.version ?? deployment.image.tag ?? deployment.image.digest.slice(7, 19);
  const weight = event.weight ?? deployment.weight;
  const stage = event.state ?? deployment.state;
  const failure = event.kind === 'failed' || event.kind === 'rolled-back' || event.kind === 'incident';
  const behind = event.kind === 'queued' ? event.behind : undefined;
  const actor = event.actor ?? (event.kind === 'queued' ? deployment.pushedBy : undefined);
  const waited = event.kind === 'queued' ? queuedFor(deployment.createdAt, event.at) : undefined;
  const reason =
    event.reason ??
    (behind && `queued behind ${behind}`) ??
    waited ??
    (failure || stage === deployment.state ? deployment.reason : undefined);
  const check = failure ? options.check : undefined;
  const detail =
    [event.title, event.kind === 'canary-step' ? `weight ${weight}%` : undefined, actor && `by ${actor}`]
      .filter(Boolean)
      .join(' ') +
    (reason ? `: ${reason}` : '') +
    (check ? ` (${describeCheck(check)})` : '');
  return {
    deploymentId: deployment.id,
    event: event.kind,
    headline: `${deployment.service} ${version}: ${behind ? 'queued' : HEADLINES[event.kind]}`,
    service: deployment.service,
    version,
    digest: deployment.image.digest,
    ...(deployment.commitSha && { commit: deployment.commitSha }),
    stage,
    environment: event.environment,
    weight,
    ...(actor && { actor }),
    ...(reason && { reason }),
    ...(check && { check }),
    link: dashboardLink(options.publicUrl, deployment.id),
    actions: ACTIONS[event.kind] ?? [],
    detail,
  };
}
