import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SLACK_MAX_SKEW_MS, verifySlackSignature } from '../../../shared/app/slack-signature.js';
import { slackSignedHeaders } from '../../fakes/slack-signing.js';

const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const BODY = readFileSync('test/fixtures/slack/slash-command.form', 'utf8');
const NOW = 1767607260_000;
const TS = NOW / 1000;

function check(overrides: {
  timestamp?: string | null;
  signature?: string | null;
  body?: string;
  now?: number;
}) {
  const headers = slackSignedHeaders(SECRET, BODY, TS);
  return verifySlackSignature({
    secret: SECRET,
    timestamp:
      overrides.timestamp === undefined
        ? (headers['x-slack-request-timestamp'] ?? null)
        : overrides.timestamp,
    signature:
      overrides.signature === undefined ? (headers['x-slack-signature'] ?? null) : overrides.signature,
    rawBody: Buffer.from(overrides.body ?? BODY),
    nowMs: overrides.now ?? NOW,
  });
}

describe('verifySlackSignature over a slash command as Slack sends it', () => {
  it('accepts the signature Slack computes and returns it as the replay key', () => {
    const result = check({});
    const expected = slackSignedHeaders(SECRET, BODY, TS)['x-slack-signature']?.slice(3);
    expect(result).toEqual({ ok: true, signature: expected, timestampMs: NOW });
  });

  it.each([
    ['no signature header', { signature: null }, 'missing-signature'],
    ['no timestamp header', { timestamp: null }, 'missing-signature'],
    ['a v1 signature', { signature: `v1=${'a'.repeat(64)}` }, 'bad-signature'],
    ['a truncated signature', { signature: 'v0=abc' }, 'bad-signature'],
    ['a non-numeric timestamp', { timestamp: '17676O7260' }, 'bad-signature'],
    [
      'another secret',
      { signature: slackSignedHeaders('another-secret-0123456', BODY, TS)['x-slack-signature'] },
      'bad-signature',
    ],
    ['a body changed by one byte', { body: BODY.replace('production', 'pr0duction') }, 'bad-signature'],
    ['a timestamp changed (signed one, sent another)', { timestamp: String(TS - 1) }, 'bad-signature'],
    ['a request 5 min 1 s old', { now: NOW + SLACK_MAX_SKEW_MS + 1000 }, 'stale-request'],
    ['a request 5 min 1 s in the future', { now: NOW - SLACK_MAX_SKEW_MS - 1000 }, 'stale-request'],
  ] as const)('refuses %s', (_name, overrides, code) => {
    const result = check(overrides);
    expect(result.ok).toBe(false);
    expect(result.ok ? undefined : result.code).toBe(code);
  });

  it.each([
    ['exactly 5 minutes old', NOW + SLACK_MAX_SKEW_MS],
    ['exactly 5 minutes ahead', NOW - SLACK_MAX_SKEW_MS],
  ])('accepts a request %s', (_name, now) => {
    expect(check({ now }).ok).toBe(true);
  });

  it('accepts an upper-case hex signature (the comparison is over the lower-cased value)', () => {
    const signed = slackSignedHeaders(SECRET, BODY, TS);
    const upper = `v0=${signed['x-slack-signature']?.slice(3).toUpperCase()}`;
    expect(check({ signature: upper }).ok).toBe(true);
  });
});
