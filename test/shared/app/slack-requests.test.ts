import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  isAllowedResponseUrl,
  parseCommand,
  readBlockActions,
  readSlashCommand,
} from '../../../shared/app/slack-requests.js';

const SLASH = readFileSync('test/fixtures/slack/slash-command.form', 'utf8');
const ACTIONS = JSON.parse(readFileSync('test/fixtures/slack/block-actions.json', 'utf8')) as Record<
  string,
  unknown
>;
const form = (payload: unknown) => new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
const ID = 'apigateway-9f2c1d0e8b7a';

describe('readSlashCommand', () => {
  it('reads the user, the text and the response_url of the form Slack posts', () => {
    expect(readSlashCommand(SLASH)).toEqual({
      ok: true,
      value: {
        userId: 'U2147483697',
        text: 'rollback production api-gateway p95 doubled after 1.5.0',
        responseUrl: 'https://hooks.slack.com/commands/T0001/8421567329810/Bq3xW5nE0qYgLxkAtVQ1',
      },
    });
  });

  it('refuses a form without user_id or with a user id that is not Slack’s', () => {
    const without = new URLSearchParams(SLASH);
    without.delete('user_id');
    expect(readSlashCommand(without.toString()).ok).toBe(false);
    const bad = new URLSearchParams(SLASH);
    bad.set('user_id', "U1' or 1=1");
    expect(readSlashCommand(bad.toString())).toMatchObject({ ok: false, message: /user_id/ });
  });
});

describe('readBlockActions', () => {
  it('turns Gantry’s Approve button in Slack’s block_actions payload into an approval', () => {
    expect(readBlockActions(form(ACTIONS))).toEqual({
      ok: true,
      value: {
        userId: 'U2147483697',
        responseUrl: 'https://hooks.slack.com/actions/T0001/8421567329813/Bq3xW5nE0qYgLxkAtVQ1',
        command: { kind: 'approve', id: ID },
      },
    });
  });

  it.each([
    ['gantry_reject', { kind: 'reject', id: ID, comment: 'Rejected in Slack' }],
    ['gantry_abort', { kind: 'abort', id: ID }],
  ])('maps %s', (actionId, command) => {
    const actions = [{ ...(ACTIONS.actions as object[])[0], action_id: actionId }];
    expect(readBlockActions(form({ ...ACTIONS, actions }))).toMatchObject({ ok: true, value: { command } });
  });

  it.each([
    ['no payload field', 'type=block_actions', /payload/],
    ['payload that is not JSON', 'payload=%7Bnot', /JSON/],
    ['a view_submission', form({ ...ACTIONS, type: 'view_submission' }), /type/],
    [
      'an unknown action',
      form({ ...ACTIONS, actions: [{ action_id: 'other', value: ID }] }),
      /unknown action/,
    ],
    [
      'a value that is no deployment id',
      form({ ...ACTIONS, actions: [{ action_id: 'gantry_approve', value: "x'" }] }),
      /deployment id/,
    ],
    ['no actions', form({ ...ACTIONS, actions: [] }), /actions/],
  ])('refuses %s', (_name, body, message) => {
    expect(readBlockActions(body)).toMatchObject({ ok: false, message });
  });
});

describe('parseCommand', () => {
  it.each([
    ['', { kind: 'help' }],
    ['help', { kind: 'help' }],
    ['status api-gateway', { kind: 'status', service: 'api-gateway' }],
    [`approve ${ID}`, { kind: 'approve', id: ID }],
    [`approve ${ID}  looks good `, { kind: 'approve', id: ID, comment: 'looks good' }],
    [`REJECT ${ID} p95 too high`, { kind: 'reject', id: ID, comment: 'p95 too high' }],
    [`abort ${ID}`, { kind: 'abort', id: ID }],
    [`abort ${ID} errors spiking`, { kind: 'abort', id: ID, comment: 'errors spiking' }],
    [
      'rollback Production api-gateway  p95 doubled',
      { kind: 'rollback', environment: 'production', service: 'api-gateway', comment: 'p95 doubled' },
    ],
  ])('reads %j', (text, command) => {
    expect(parseCommand(text)).toEqual({ ok: true, value: command });
  });

  it.each([
    ['status', /status needs one service/],
    ['status a b', /status needs one service/],
    ['status $(rm)', /status needs one service/],
    ['approve 42', /deployment id/],
    [`reject ${ID}`, /needs a reason/],
    ['rollback production api-gateway', /needs a reason/],
    ['rollback production', /environment and a service/],
    [`reject ${ID} ${'x'.repeat(2001)}`, /longer than 2000/],
    ['deploy api-gateway', /Unknown command 'deploy'/],
  ])('refuses %j with the usage', (text, message) => {
    const result = parseCommand(text);
    expect(result).toMatchObject({ ok: false, message });
    expect(result.ok ? '' : result.message).toContain('Usage: /gantry');
  });
});

describe('isAllowedResponseUrl', () => {
  it.each([
    ['https://hooks.slack.com/commands/T0001/1/abc', false, true],
    ['https://hooks.slack.com/actions/T0001/1/abc', false, true],
    ['http://hooks.slack.com/commands/T0001/1/abc', false, false],
    ['https://hooks.slack.com:8443/commands/T0001/1/abc', false, false],
    ['https://hooks.slack.com.evil.example/commands/1', false, false],
    ['https://user:pw@hooks.slack.com/commands/1', false, false],
    ['https://evil.example/?x=hooks.slack.com', false, false],
    ['http://127.0.0.1:7090/commands/T0001/1/abc', false, false],
    ['http://127.0.0.1:7090/commands/T0001/1/abc', true, true],
    ['http://localhost:7090/commands/1', true, true],
    ['http://10.0.0.4/commands/1', true, false],
    ['file:///etc/passwd', true, false],
    ['not a url', true, false],
  ])('%s (loopback allowed: %s) → %s', (url, loopback, allowed) => {
    expect(isAllowedResponseUrl(url, loopback)).toBe(allowed);
  });
});
