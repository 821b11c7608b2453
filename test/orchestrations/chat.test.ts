import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatChannels, ChatOutcome } from '../../shared/ports/chat.js';
import { Orchestrations } from './harness.js';

/**
 * Chat notifications through the real orchestrations (example routes: every event to the sandbox Slack
 * channel, production outcomes to the `sandbox` Teams webhook): one Slack message per deployment that
 * is updated as it moves, and a chat outage that never stops a release.
 */

const image = (): string =>
  `hearloveen.azurecr.io/api-gateway:2.0.0@sha256:${randomBytes(32).toString('hex')}`;
/** Tuesday 03:00 UTC: production approval is automatic, so a run needs no human. */
const TUESDAY_03 = Date.UTC(2026, 0, 6, 3, 0);

let o: Orchestrations;
afterEach(async () => {
  await o?.close();
});

describe('chat notifications during a release', () => {
  it('announces the run, updates the same Slack message through the canary and closes it as released', async () => {
    o = await Orchestrations.start({ startTime: TUESDAY_03 });
    const d = await o.submit(image());
    await o.completeTests(d.id);
    expect((await o.finish(d.id)).state).toBe('Succeeded');
    const slack = o.world.chatSent.filter((s) => s.to === 'slack:C0DEPLOYS01');
    expect(slack[0]).toMatchObject({ message: { event: 'queued', actor: 'ci-bot', environment: 'staging' } });
    expect(slack[0]?.thread).toBeUndefined();
    // Every later event updates that message (the thread the first post returned).
    expect(slack.slice(1).every((s) => s.thread?.ts === '1.1')).toBe(true);
    expect(slack.map((s) => s.message.event)).toEqual([
      'queued',
      'awaiting-approval',
      'canary-step', // AwaitingApproval->Canary
      'canary-step', // 10%
      'canary-step', // 25%
      'canary-step', // 50%
      'canary-step', // Canary->Promoting
      'canary-step', // promoted: weight 0
      'succeeded',
    ]);
    expect(slack.map((s) => s.message.weight).slice(3, 6)).toEqual([10, 25, 50]);
    expect(slack.at(-1)?.message).toMatchObject({ stage: 'Succeeded', actions: [], reason: 'released' });
    const teams = o.world.chatSent.filter((s) => s.to === 'teams:sandbox').map((s) => s.message.event);
    expect(teams).toEqual(['awaiting-approval', 'succeeded']);
    const titles = (await o.ports.store.listEvents(d.id)).map((e) => e.title);
    expect(titles).not.toContain('notification:failed');
  });

  it('releases through a chat outage and records each undelivered event on the timeline', async () => {
    o = await Orchestrations.start({ startTime: TUESDAY_03 });
    o.world.chatAnswer = { status: 'retry', error: 'slack: HTTP 503' };
    const d = await o.submit(image());
    await o.completeTests(d.id);
    const done = await o.finish(d.id);
    expect(done.state).toBe('Succeeded');
    expect((await o.ports.store.listReleases('ApiGateway', 'production'))[0]?.deploymentId).toBe(d.id);
    const failures = (await o.ports.store.listEvents(d.id)).filter((e) => e.title === 'notification:failed');
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.every((f) => f.verdict === 'warn')).toBe(true);
    // The first failure of an orchestration is retried; later ones get one attempt, not to hold the run up.
    // The first event (queued, staging) is routed to Slack only.
    expect(failures[0]?.comment).toBe('slack:C0DEPLOYS01: slack: HTTP 503 (gave up after 3 attempts)');
    expect(failures.some((f) => f.comment?.includes('(gave up after 1 attempt)'))).toBe(true);
    expect(failures.at(-1)?.evidence).toMatchObject({ event: 'succeeded' });
  });

  it('waits out a rate limit Retry-After on the virtual clock, then delivers', async () => {
    const attempts: number[] = [];
    let clock = (): number => 0;
    const limited: ChatChannels = {
      publicUrl: 'https://gantry.example',
      slack: {
        send: async (): Promise<ChatOutcome> => {
          attempts.push(clock());
          return attempts.length === 1
            ? { status: 'retry', error: 'slack: rate limited', retryAfterMs: 30_000 }
            : { status: 'sent', thread: { channel: 'C0DEPLOYS01', ts: '9.1' } };
        },
      },
    };
    o = await Orchestrations.start({ startTime: TUESDAY_03, ports: { chat: limited } });
    clock = () => o.ports.clock.now();
    const d = await o.submit(image());
    await o.completeTests(d.id);
    expect((await o.finish(d.id)).state).toBe('Succeeded');
    expect((attempts[1] ?? 0) - (attempts[0] ?? 0)).toBeGreaterThanOrEqual(30_000);
    // Teams is routed but not configured here: recorded, never skipped.
    const failures = (await o.ports.store.listEvents(d.id)).filter((e) => e.title === 'notification:failed');
    expect(failures[0]?.comment).toBe(
      'teams:sandbox: Teams is not configured (set GANTRY_TEAMS_WEBHOOK_<NAME>)',
    );
  });
});
