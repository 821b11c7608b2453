import { APPROVER, OPERATOR, READER } from '../domain/roles.js';
import type { Ports } from '../ports/index.js';
import type { ChatReply } from '../ports/chat.js';
import type { OrchestrationControl } from '../ports/orchestration-control.js';
import { decide } from './approvals.js';
import { requireRole } from './authorize.js';
import { chatPrincipal } from './chat-principals.js';
import { findDeployment, interrupt } from './deployments.js';
import { AppError } from './errors.js';
import type { Principal } from './principal.js';
import { describeService, knownService } from './queries.js';
import { rollbackService } from './rollback.js';
import { HELP_TEXT, type ChatCommand } from './slack-requests.js';

/**
 * Chat commands run through the same application services as the HTTP API: the role check first, then
 * approvals.ts (reviewer groups, M-of-N, no self-approval, wait timer, expiry, freezes, the refusal audit),
 * the interrupts, rollback.ts and the queries. Only the words differ: an answer is a chat message, and
 * every recorded comment says the action came from Slack.
 */

const ephemeral = (text: string): ChatReply => ({ response_type: 'ephemeral', text });
const inChannel = (text: string): ChatReply => ({ response_type: 'in_channel', text });
const viaSlack = (comment: string | undefined): string => (comment ? `${comment} (via Slack)` : 'via Slack');

export type ChatIdentity = { kind: 'mapped'; principal: Principal } | { kind: 'refused'; reply: ChatReply };

/** Slack user → e-mail (users.info) → the pipeline file's `chat.principals`; anyone else is refused. */
export async function chatIdentity(ports: Ports, userId: string): Promise<ChatIdentity> {
  if (!ports.chatInbound) throw new AppError(503, 'slack-not-configured', 'Slack is not configured.');
  const user = await ports.chatInbound.lookupUser(userId);
  if (user.kind !== 'found')
    return {
      kind: 'refused',
      reply: ephemeral(
        user.kind === 'not-found'
          ? `Slack does not know user ${userId}; Gantry cannot tell who you are.`
          : 'Your Slack profile shows Gantry no e-mail address, so Gantry cannot tell who you are ' +
              '(the Slack app needs the users:read.email scope).',
      ),
    };
  const match = chatPrincipal(ports.config.chatPrincipals?.() ?? [], user.email);
  if (match.kind === 'mapped') return { kind: 'mapped', principal: match.principal };
  return {
    kind: 'refused',
    reply: ephemeral(
      `${match.email} is not mapped to a Gantry principal, so Gantry refuses to act for you. ` +
        'Ask for an entry under chat.principals in the pipeline file (docs/chatops-inbound.md).',
    ),
  };
}

/** Names as the seed writes them (`api-gateway`) find the configured service (`ApiGateway`) too. */
function chatService(ports: Ports, name: string): string {
  const flat = (s: string) => s.toLowerCase().replace(/-/g, '');
  const matches = ports.config.services().filter((s) => flat(s) === flat(name));
  return matches.length === 1 ? (matches[0] as string) : knownService(ports, name);
}

async function status(ports: Ports, name: string): Promise<ChatReply> {
  const service = chatService(ports, name);
  const summary = await describeService(ports, service);
  const release = summary.production;
  const lines = [
    `*${service}*`,
    release
      ? `production: ${release.image.tag ?? release.image.digest.slice(0, 19)} (${release.deploymentId}, ` +
        `released ${release.releasedAt}${release.via === 'rollback' ? ', by rollback' : ''})`
      : 'production: never released',
  ];
  if (summary.activeDeploymentId) {
    const d = await findDeployment(ports, summary.activeDeploymentId);
    lines.push(`in flight: ${d.id} is ${d.state}`);
  } else lines.push('in flight: nothing');
  return ephemeral(lines.join('\n'));
}

async function act(
  ports: Ports,
  control: OrchestrationControl,
  principal: Principal,
  command: Exclude<ChatCommand, { kind: 'help' | 'status' }>,
  at: string,
): Promise<ChatReply> {
  const who = principal.name;
  switch (command.kind) {
    case 'approve':
    case 'reject': {
      const verb = command.kind === 'approve' ? 'Approving' : 'Rejecting';
      requireRole(principal, APPROVER, `${verb} a deployment`);
      const input = { id: command.id, principal, decision: command.kind, at };
      await decide(ports, control, { ...input, comment: viaSlack(command.comment) });
      return inChannel(`${who} ${command.kind === 'approve' ? 'approved' : 'rejected'} ${command.id}.`);
    }
    case 'abort': {
      requireRole(principal, OPERATOR, 'Aborting a deployment');
      await interrupt(ports, control, command.id, 'abort', who, viaSlack(command.comment ?? 'aborted'));
      return inChannel(`${who} aborted ${command.id}; the run is rolling back.`);
    }
    case 'rollback': {
      requireRole(principal, OPERATOR, 'Rolling a service back');
      if (command.environment !== 'production')
        throw new AppError(
          400,
          'unsupported-environment',
          `Only production releases roll back; '${command.environment}' is not production.`,
        );
      const service = chatService(ports, command.service);
      const rollback = await rollbackService(ports, control, {
        service,
        comment: viaSlack(command.comment),
        principal,
        at,
      });
      return inChannel(
        `${who} is rolling ${service} back from ${rollback.from.deploymentId} to ` +
          `${rollback.to.deploymentId}: ${command.comment}`,
      );
    }
  }
}

/**
 * One command for one mapped principal. A refusal (the role, the approval policy, a finished run, an
 * unknown service) is the answer, shown only to the caller; anything else is thrown for the caller's log.
 */
export async function runChatCommand(
  ports: Ports,
  control: OrchestrationControl,
  input: { principal: Principal; command: ChatCommand; at: string },
): Promise<ChatReply> {
  const { principal, command, at } = input;
  try {
    if (command.kind === 'help') return ephemeral(HELP_TEXT);
    if (command.kind === 'status') {
      requireRole(principal, READER, 'Reading a service');
      return await status(ports, command.service);
    }
    return await act(ports, control, principal, command, at);
  } catch (error) {
    if (error instanceof AppError) return ephemeral(`Refused (${error.code}): ${error.message}`);
    throw error;
  }
}
