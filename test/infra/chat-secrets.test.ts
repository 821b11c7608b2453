import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TEAMS_WEBHOOK_PREFIX } from '../../shared/config.js';
import { objectKeys, objectLiterals, readInfra, ROOT, varExpression } from './bicep.js';

/**
 * ChatOps and the alert receivers are opt-in in Azure (docs/chatops.md, "Secrets in Azure"): a feature
 * switched on sets its settings as Key Vault references to the secrets the operator creates; a feature
 * left off sets nothing, so the app never points at a secret that does not exist.
 */
const FUNCTION_APP = readInfra('app/functionapp.bicep');
const MAIN = readInfra('main.bicep');
const APP_SETTINGS = varExpression(FUNCTION_APP, 'appSettings');
const SECRET_NAMES = varExpression(FUNCTION_APP, 'chatSecretNames');
const VAULT_SECRETS = varExpression(readInfra('app/keyvault.bicep'), 'secretNames');

/** The default of `param <name> <type> = <default>`, as written. */
const paramDefault = (text: string, name: string): string | undefined =>
  new RegExp(`^param ${name} \\w+ = (.+)$`, 'm').exec(text)?.[1];

const FEATURES = [
  { flag: 'slackEnabled', settings: ['GANTRY_SLACK_BOT_TOKEN', 'GANTRY_SLACK_SIGNING_SECRET'] },
  { flag: 'alertmanagerEnabled', settings: ['GANTRY_ALERTMANAGER_TOKEN'] },
  { flag: 'azureMonitorAlertsEnabled', settings: ['GANTRY_AZURE_MONITOR_SECRET'] },
];

/** The object literal of `appSettings` that sets `setting`, and the text just before it (its condition). */
function literalOf(setting: string): { literal: string; condition: string } {
  const literal = objectLiterals(APP_SETTINGS).find((l) => objectKeys(l).includes(setting)) ?? '';
  const at = APP_SETTINGS.indexOf(literal);
  const before = APP_SETTINGS.slice(0, Math.max(0, at));
  return { literal, condition: before.slice(before.lastIndexOf(',') + 1).trim() };
}

describe('opt-in chat and alert secrets', () => {
  it.each(FEATURES)(
    '$flag: off by default everywhere, each setting a Key Vault reference only when on',
    (f) => {
      expect(paramDefault(FUNCTION_APP, f.flag)).toBe('false');
      expect(paramDefault(MAIN, f.flag)).toBe('false');
      expect(MAIN).toMatch(new RegExp(`^\\s*${f.flag}: ${f.flag}$`, 'm'));
      for (const setting of f.settings) {
        const { literal, condition } = literalOf(setting);
        expect(condition, setting).toBe(`${f.flag} ?`);
        const ref = new RegExp(`${setting}: kvRef\\(keyVaultUri, chatSecretNames\\.(\\w+)\\)`).exec(literal);
        expect(ref, setting).not.toBeNull();
        expect(objectKeys(SECRET_NAMES)).toContain(ref?.[1]);
      }
    },
  );

  it('names secrets of its own, which the postprovision hook does not ask for', () => {
    const names = [...SECRET_NAMES.matchAll(/'([a-z0-9-]+)'/g)].map((m) => m[1]);
    expect(names).toEqual([
      'slack-bot-token',
      'slack-signing-secret',
      'alertmanager-token',
      'azure-monitor-alert-secret',
    ]);
    const hook = readFileSync(path.join(ROOT, 'infra/hooks/postprovision.mjs'), 'utf8');
    for (const name of names) {
      expect(VAULT_SECRETS).not.toContain(`'${name}'`);
      expect(hook).not.toContain(`'${name}'`);
    }
  });

  it('sets one GANTRY_TEAMS_WEBHOOK_<NAME> per listed webhook, from teams-webhook-<name>, none by default', () => {
    expect(paramDefault(FUNCTION_APP, 'teamsWebhooks')).toBe('[]');
    expect(paramDefault(MAIN, 'teamsWebhooks')).toBe("''");
    expect(APP_SETTINGS).toContain(`hook => '${TEAMS_WEBHOOK_PREFIX}\${toUpper(string(hook))}'`);
    expect(APP_SETTINGS).toContain("hook => kvRef(keyVaultUri, 'teams-webhook-${toLower(string(hook))}')");
    expect(MAIN).toMatch(
      /teamsWebhooks: filter\(map\(split\(teamsWebhooks, ','\), n => trim\(n\)\), n => !empty\(n\)\)/,
    );
  });

  it('takes each switch from an azd environment variable, off when unset', () => {
    const parameters = JSON.parse(readFileSync(path.join(ROOT, 'infra/main.parameters.json'), 'utf8')) as {
      parameters: Record<string, { value: string }>;
    };
    expect(parameters.parameters.slackEnabled?.value).toBe('${GANTRY_SLACK_ENABLED=false}');
    expect(parameters.parameters.teamsWebhooks?.value).toBe('${GANTRY_TEAMS_WEBHOOKS=}');
    expect(parameters.parameters.alertmanagerEnabled?.value).toBe('${GANTRY_ALERTMANAGER_ENABLED=false}');
    expect(parameters.parameters.azureMonitorAlertsEnabled?.value).toBe(
      '${GANTRY_AZURE_MONITOR_ALERTS_ENABLED=false}',
    );
  });
});
