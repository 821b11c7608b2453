import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { startAzurite, type AzuriteHandle } from '../../devhost/durable/azurite.js';
import { PORTS_OVERRIDE } from '../../shared/composition.js';
import { phaseInstanceId } from '../../shared/contracts/events.js';
import { startSlackStandIn, type SlackStandIn, type SlackUser } from '../../sandbox/slack.js';
import { slackSignedHeaders } from '../fakes/slack-signing.js';
import { PipelineHarness } from './pipeline-harness.js';

/**
 * The compiled app on the dev host with the sandbox's Slack stand-in as its Slack Web API, for the chat
 * e2e tests: signed requests in Slack's shape go in, answers come back at the stand-in's response_url.
 */

/** Monday 10:00 UTC: outside the auto-approve window, so a human must approve. */
export const MONDAY_10 = Date.UTC(2026, 0, 5, 10, 0, 0);
const WORKFLOWS = ['integration', 'e2e', 'performance', 'security'];
const SETTINGS = ['GANTRY_SLACK_SIGNING_SECRET', 'GANTRY_SLACK_BOT_TOKEN', 'GANTRY_SLACK_API_URL'];

export interface SlackRigOptions {
  /** Names the temporary folder, the signing secret and the bot token. */
  name: string;
  /** The pipeline file the app loads. */
  config: string;
  users?: SlackUser[];
  /** The app's own Slack adapter posts to the stand-in (default: the fake world records chat). */
  outbound?: boolean;
}

export interface SlackRig {
  h: PipelineHarness;
  slack: SlackStandIn;
  /** Posts a signed Slack request; answers what Gantry then sent to its response_url. */
  ask(route: 'commands' | 'interactions', body: string): Promise<unknown>;
  /** Sends a signed request and answers the HTTP response (for tests reading the status). */
  post(route: 'commands' | 'interactions', body: string): Promise<Response>;
  /** Every test workflow of the run passes; the run then waits for approval. */
  passTests(id: string): Promise<void>;
  close(): Promise<void>;
}

export async function startSlackRig(o: SlackRigOptions): Promise<SlackRig> {
  const secret = `slack-signing-secret-${o.name}-0123`;
  const token = `xoxb-${o.name}-e2e-token`;
  const config = join(mkdtempSync(join(tmpdir(), `gantry-${o.name}-`)), 'gantry.yaml');
  writeFileSync(config, o.config);
  const azurite: AzuriteHandle = await startAzurite({ location: undefined });
  const slack = await startSlackStandIn({ token, ...(o.users && { users: o.users }) });
  Object.assign(process.env, {
    GANTRY_SLACK_SIGNING_SECRET: secret,
    GANTRY_SLACK_BOT_TOKEN: token,
    GANTRY_SLACK_API_URL: slack.apiUrl,
  });
  const h = await PipelineHarness.start({
    storage: azurite.connectionString,
    startTime: MONDAY_10,
    configPath: config,
  });
  if (o.outbound)
    delete ((globalThis as Record<symbol, unknown>)[PORTS_OVERRIDE] as Record<string, unknown>).chat;

  const post = (route: 'commands' | 'interactions', body: string) =>
    h.host.request(`/api/chat/slack/${route}`, {
      method: 'POST',
      headers: slackSignedHeaders(secret, body, Math.floor(h.host.clock.now() / 1000)),
      body,
    });
  return {
    h,
    slack,
    post,
    async ask(route, body) {
      const before = slack.responses.length;
      const res = await post(route, body);
      expect(res.status).toBe(200);
      await res.body?.cancel();
      return (await slack.replyAfter(before)).body;
    },
    async passTests(id) {
      await h.waitForPhase(id, 'tests', 'test workflows');
      const instance = encodeURIComponent(phaseInstanceId(id, 'tests'));
      for (const workflow of WORKFLOWS)
        await h.host.request(`/runtime/webhooks/durabletask/instances/${instance}/raiseEvent/testResult`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ workflow, conclusion: 'success' }),
        });
    },
    async close() {
      await h.close();
      await slack.close();
      await azurite.stop();
      for (const name of SETTINGS) delete process.env[name];
    },
  };
}
