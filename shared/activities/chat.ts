import type { ChatDelivery, NotifyChatInput } from '../contracts/activities.js';
import { chatMessage, decidingCheck, type ChatMessage } from '../domain/chat-message.js';
import type { ChatDestination } from '../domain/chat-routing.js';
import type { DeploymentRecord } from '../domain/deployment.js';
import type { ChatOutcome } from '../ports/chat.js';
import type { Ports } from '../ports/index.js';

const FAILURE_EVENTS = new Set(['failed', 'rolled-back', 'incident']);

/** A route to a provider with no credentials is a failure to record, never a silent skip. */
const NOT_CONFIGURED: Record<ChatDestination['kind'], ChatOutcome> = {
  slack: { status: 'failed', error: 'Slack is not configured (set GANTRY_SLACK_BOT_TOKEN)' },
  teams: { status: 'failed', error: 'Teams is not configured (set GANTRY_TEAMS_WEBHOOK_<NAME>)' },
};

async function sendSlack(
  ports: Ports,
  deployment: DeploymentRecord,
  channel: string,
  message: ChatMessage,
): Promise<ChatOutcome> {
  const slack = ports.chat?.slack;
  if (!slack) return NOT_CONFIGURED.slack;
  const known = deployment.chat?.find((t) => t.route === channel);
  let outcome = await slack.send(channel, message, known && { channel: known.channel, ts: known.ts });
  // The message was deleted (or the sandbox restarted): start a new one rather than fail every event.
  if (known && outcome.status === 'failed' && outcome.error === 'slack: message_not_found')
    outcome = await slack.send(channel, message);
  if (outcome.status === 'sent' && outcome.thread && outcome.thread.ts !== known?.ts) {
    const ref = { route: channel, ...outcome.thread };
    // Kept on the record so every later event updates this message instead of posting another.
    await ports.store.updateDeployment(deployment.service, deployment.id, (current) => ({
      ...current,
      chat: [...(current.chat ?? []).filter((t) => t.route !== channel), ref],
    }));
  }
  return outcome;
}

/**
 * Delivers one chat event to each destination. Delivery problems are outcomes (the orchestration retries
 * the `retry` ones on Durable timers and records the rest); a throw means the store failed.
 */
export async function notifyChat(ports: Ports, input: NotifyChatInput): Promise<ChatDelivery[]> {
  const deployment = await ports.store.getDeployment(input.service, input.deploymentId);
  if (!deployment)
    return input.destinations.map((destination) => ({
      destination,
      outcome: { status: 'failed', error: `deployment ${input.deploymentId} not found` },
    }));
  // A push's `queued behind` announcement that arrives after the lane took the run: the run's own
  // message is newer, so this one is dropped rather than overwrite it.
  if (input.event.behind && deployment.state !== 'Queued')
    return input.destinations.map((destination) => ({ destination, outcome: { status: 'sent' } }));
  const check = FAILURE_EVENTS.has(input.event.kind)
    ? decidingCheck(await ports.store.listEvents(deployment.id))
    : undefined;
  const message = chatMessage(deployment, input.event, {
    publicUrl: ports.chat?.publicUrl ?? '',
    ...(check && { check }),
  });
  const results: ChatDelivery[] = [];
  for (const destination of input.destinations) {
    const outcome =
      destination.kind === 'slack'
        ? await sendSlack(ports, deployment, destination.channel, message)
        : ports.chat?.teams
          ? await ports.chat.teams.send(destination.webhook, message)
          : NOT_CONFIGURED.teams;
    results.push({ destination, outcome });
  }
  return results;
}
