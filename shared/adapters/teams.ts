import { describeCheck, type ChatMessage } from '../domain/chat-message.js';
import type { ChatOutcome, TeamsChat } from '../ports/chat.js';
import { retryAfterMs } from './http.js';

export interface TeamsChatOptions {
  /** Workflows webhook URLs by setting name (`GANTRY_TEAMS_WEBHOOK_<NAME>`, Key Vault references). */
  webhooks: Record<string, string>;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

const fact = (title: string, value: string) => ({ title, value });

/**
 * Pure: the Workflows webhook body, a message with one Adaptive Card attachment. Its only action opens
 * the dashboard's deployment page (decisions are taken there, signed in; there is no Teams bot).
 */
export function teamsCard(m: ChatMessage): Record<string, unknown> {
  const facts = [
    fact('Service', m.service),
    fact('Version', m.version),
    fact('Stage', `${m.stage} (${m.environment})`),
    fact('Weight', `${m.weight}%`),
    fact('Digest', m.digest),
    fact('Commit', m.commit ?? 'unknown'),
    ...(m.actor ? [fact('By', m.actor)] : []),
    ...(m.reason ? [fact('Reason', m.reason)] : []),
    ...(m.check ? [fact('Deciding check', describeCheck(m.check))] : []),
  ];
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            { type: 'TextBlock', text: m.headline, weight: 'Bolder', size: 'Medium', wrap: true },
            { type: 'TextBlock', text: m.detail, wrap: true, isSubtle: true },
            { type: 'FactSet', facts },
          ],
          actions: [
            {
              type: 'Action.OpenUrl',
              title: m.actions.length > 0 ? 'Decide in Gantry' : 'Open in Gantry',
              url: m.link,
            },
          ],
        },
      },
    ],
  };
}

/**
 * Teams through a Workflows webhook. No retries here: a 429 or 5xx is a `retry` outcome (with the
 * `Retry-After` it carried) and the orchestration decides when to try again. The webhook URL carries
 * its signature in the query, so errors name the setting, never the URL.
 */
export class TeamsWorkflowChat implements TeamsChat {
  constructor(private readonly options: TeamsChatOptions) {}

  async send(webhook: string, message: ChatMessage): Promise<ChatOutcome> {
    const url = this.options.webhooks[webhook.toLowerCase()];
    if (!url)
      return {
        status: 'failed',
        error: `teams: no webhook setting GANTRY_TEAMS_WEBHOOK_${webhook.toUpperCase()}`,
      };
    const doFetch = this.options.fetch ?? fetch;
    let res: Response;
    try {
      res = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(teamsCard(message)),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
    } catch {
      return { status: 'retry', error: `teams: webhook ${webhook} could not be reached` };
    }
    await res.body?.cancel();
    if (res.status >= 200 && res.status < 300) return { status: 'sent' };
    const error = `teams: webhook ${webhook} answered HTTP ${res.status}`;
    if (res.status === 429) {
      const after = retryAfterMs(res.headers.get('retry-after'), 3_600_000);
      return { status: 'retry', error, ...(after !== undefined && { retryAfterMs: after }) };
    }
    return res.status >= 500 || res.status === 408 ? { status: 'retry', error } : { status: 'failed', error };
  }
}
