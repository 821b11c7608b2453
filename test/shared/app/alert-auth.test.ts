import { describe, expect, it } from 'vitest';
import { checkAlertmanagerAuth, checkAzureMonitorAuth } from '../../../shared/app/alert-auth.js';
import { AppError } from '../../../shared/app/errors.js';
import type { HostingSettings } from '../../../shared/config.js';

const TOKEN = 'alertmanager-token-0123456789';
const AZURE: HostingSettings = {
  azureMarkers: ['WEBSITE_SITE_NAME'],
  appServiceAuth: true,
  development: false,
};
const DEV: HostingSettings = { azureMarkers: [], appServiceAuth: false, development: true };
const ELSEWHERE: HostingSettings = { azureMarkers: [], appServiceAuth: false, development: false };
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

const outcome = (check: () => void): string => {
  try {
    check();
    return 'ok';
  } catch (error) {
    if (error instanceof AppError) return `${error.status} ${error.code}`;
    throw error;
  }
};

describe('checkAlertmanagerAuth', () => {
  const auth = { token: TOKEN, username: 'alertmanager' };
  it.each([
    ['bearer token', `Bearer ${TOKEN}`, 'ok'],
    ['bearer, any scheme casing', `bearer ${TOKEN}`, 'ok'],
    ['basic auth with the username', basic('alertmanager', TOKEN), 'ok'],
    ['wrong bearer token', `Bearer ${TOKEN}x`, '401 unauthorized'],
    ['basic auth, wrong password', basic('alertmanager', 'nope'), '401 unauthorized'],
    ['basic auth, wrong username', basic('someone', TOKEN), '401 unauthorized'],
    ['basic auth without a colon', `Basic ${Buffer.from(TOKEN).toString('base64')}`, '401 unauthorized'],
    ['another scheme', `Token ${TOKEN}`, '401 unauthorized'],
    ['no header', null, '401 unauthorized'],
  ])('%s: %s', (_, header, expected) => {
    expect(outcome(() => checkAlertmanagerAuth(header, auth, AZURE))).toBe(expected);
  });

  it('without a token: 503 in Azure and outside a development host, open on a development host', () => {
    const none = { username: 'alertmanager' };
    expect(outcome(() => checkAlertmanagerAuth(`Bearer ${TOKEN}`, none, AZURE))).toBe(
      '503 alert-webhook-not-configured',
    );
    expect(outcome(() => checkAlertmanagerAuth(null, none, ELSEWHERE))).toBe(
      '503 alert-webhook-not-configured',
    );
    // A development host in Azure is still Azure.
    expect(outcome(() => checkAlertmanagerAuth(null, none, { ...AZURE, development: true }))).toBe(
      '503 alert-webhook-not-configured',
    );
    expect(outcome(() => checkAlertmanagerAuth(null, none, DEV))).toBe('ok');
  });

  it('never echoes the token', () => {
    try {
      checkAlertmanagerAuth(`Bearer ${TOKEN}x`, auth, AZURE);
    } catch (error) {
      expect(JSON.stringify(error) + (error as Error).message).not.toContain(TOKEN);
    }
  });
});

describe('checkAzureMonitorAuth', () => {
  it.each([
    ['the secret', TOKEN, 'ok'],
    ['a wrong secret', 'x'.repeat(20), '401 unauthorized'],
    ['none', null, '401 unauthorized'],
  ])('%s', (_, given, expected) => {
    expect(outcome(() => checkAzureMonitorAuth(given, TOKEN, AZURE))).toBe(expected);
  });

  it('without a secret: 503 in Azure, open on a development host', () => {
    expect(outcome(() => checkAzureMonitorAuth(TOKEN, undefined, AZURE))).toBe(
      '503 alert-webhook-not-configured',
    );
    expect(outcome(() => checkAzureMonitorAuth(null, undefined, DEV))).toBe('ok');
  });
});
