/**
 * The action buttons of a deployment page as data, and which of them to offer: pure (no DOM), so the
 * rules are unit-tested; actions.ts draws them.
 */
import type { ActionName, CallerView } from './types.js';

export const BUTTONS: ReadonlyArray<{
  action: ActionName;
  label: string;
  done: string;
  cls: string;
  needsComment: boolean;
}> = [
  { action: 'approve', label: 'Approve', done: 'Approval sent', cls: 'primary', needsComment: false },
  { action: 'resume', label: 'Resume analysis', done: 'Resume sent', cls: 'primary', needsComment: false },
  { action: 'retry', label: 'Retry', done: 'Retry queued', cls: 'primary', needsComment: false },
  { action: 'reject', label: 'Reject', done: 'Rejection sent', cls: 'danger', needsComment: true },
  { action: 'abort', label: 'Abort', done: 'Abort sent', cls: 'danger', needsComment: true },
];

/** The buttons to show: the actions `GET /api/me` says would be accepted now, in button order. */
export function offeredActions(caller: CallerView): ActionName[] {
  const actions = caller.deployment?.actions ?? {};
  return BUTTONS.map((b) => b.action).filter((a) => actions[a]?.allowed === true);
}

/** Where a retry's answer points: the new run's page, when the body names one. */
export function retryRoute(body: unknown): string | undefined {
  const id = (body as { deployment?: { id?: unknown } } | undefined)?.deployment?.id;
  return typeof id === 'string' && id !== '' ? `#/deployments/${encodeURIComponent(id)}` : undefined;
}
