import { createHmac } from 'node:crypto';

/** The headers Slack signs a request with, computed here independently of Gantry's own code. */
export function slackSignedHeaders(
  secret: string,
  body: string,
  timestampSeconds: number,
): Record<string, string> {
  const ts = String(timestampSeconds);
  const mac = createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex');
  return {
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': ts,
    'x-slack-signature': `v0=${mac}`,
    'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
  };
}
