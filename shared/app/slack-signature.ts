import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Slack's request signing (api.slack.com/authentication/verifying-requests-from-slack): `X-Slack-Signature`
 * is `v0=<hex HMAC-SHA256(signing secret, "v0:<X-Slack-Request-Timestamp>:<raw body>")>`. A timestamp more
 * than five minutes from the app clock, in either direction, is refused: an old request is a replay and
 * one from the future is a clock that cannot be trusted to bound the replay window.
 */
export const SLACK_MAX_SKEW_MS = 5 * 60 * 1000;

const SIGNATURE = /^v0=[0-9a-f]{64}$/;
const TIMESTAMP = /^[0-9]{1,12}$/;

export type SlackSignatureCheck =
  | { ok: true; signature: string; timestampMs: number }
  | { ok: false; code: 'missing-signature' | 'bad-signature' | 'stale-request'; message: string };

export function slackSignature(secret: string, timestamp: string, rawBody: Buffer): string {
  const mac = createHmac('sha256', secret);
  mac.update(`v0:${timestamp}:`);
  mac.update(rawBody);
  return `v0=${mac.digest('hex')}`;
}

/** Checks the headers against the raw body and the clock; the secret must be non-empty (callers refuse before). */
export function verifySlackSignature(input: {
  secret: string;
  timestamp: string | null;
  signature: string | null;
  rawBody: Buffer;
  nowMs: number;
}): SlackSignatureCheck {
  const { timestamp, signature } = input;
  if (!timestamp || !signature)
    return {
      ok: false,
      code: 'missing-signature',
      message: 'X-Slack-Signature and X-Slack-Request-Timestamp are required.',
    };
  if (!TIMESTAMP.test(timestamp) || !SIGNATURE.test(signature.toLowerCase()))
    return { ok: false, code: 'bad-signature', message: 'Malformed X-Slack-Signature or timestamp.' };
  const timestampMs = Number(timestamp) * 1000;
  if (Math.abs(input.nowMs - timestampMs) > SLACK_MAX_SKEW_MS)
    return {
      ok: false,
      code: 'stale-request',
      message: 'X-Slack-Request-Timestamp is more than 5 minutes from the server clock.',
    };
  const expected = Buffer.from(slackSignature(input.secret, timestamp, input.rawBody));
  const given = Buffer.from(signature.toLowerCase());
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    return { ok: false, code: 'bad-signature', message: 'X-Slack-Signature does not match the body.' };
  return { ok: true, signature: given.toString().slice(3), timestampMs };
}
