import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../shared/config/load.js';
import { BASE } from './fixtures.js';

const CHAT = `chat:
  principals:
    - email: Ada@Hearloveen.io
      name: ada
      groups: [devops-team]
      roles: [Gantry.Operator, Gantry.Approver]
    - domain: hearloveen.io
      roles: [Gantry.Reader]
`;

function problems(text: string): Array<{ path: string; line?: number; message: string }> {
  try {
    loadConfig(text, 'gantry.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  return [];
}

describe('the chat section of the pipeline file', () => {
  it('is optional: without it nobody is mapped', () => {
    expect(loadConfig(BASE, 'gantry.yaml').chat).toBeUndefined();
  });

  it('reads e-mail and domain rules with their groups and roles', () => {
    const config = loadConfig(`${CHAT}${BASE}`, 'gantry.yaml');
    expect(config.chat?.principals).toEqual([
      {
        email: 'Ada@Hearloveen.io',
        name: 'ada',
        groups: ['devops-team'],
        roles: ['Gantry.Operator', 'Gantry.Approver'],
      },
      { domain: 'hearloveen.io', groups: [], roles: ['Gantry.Reader'] },
    ]);
  });

  it.each([
    [
      'a role that is not Gantry’s',
      CHAT.replace('Gantry.Reader]', 'Gantry.Admin]'),
      'chat.principals[1].roles[0]',
      8,
    ],
    [
      'both email and domain',
      CHAT.replace('- domain: hearloveen.io', '- domain: hearloveen.io\n      email: a@b.io'),
      'chat.principals[1]',
      7,
    ],
    [
      'neither email nor domain',
      CHAT.replace('- domain: hearloveen.io', '- groups: []'),
      'chat.principals[1]',
      7,
    ],
    [
      'a name on a domain rule',
      CHAT.replace('roles: [Gantry.Reader]', 'roles: [Gantry.Reader]\n      name: x'),
      'chat.principals[1].name',
      9,
    ],
    ['an unknown field', CHAT.replace('  principals:', '  users: []\n  principals:'), 'chat', 1],
    [
      'a domain with a wildcard',
      CHAT.replace('domain: hearloveen.io', "domain: '*.hearloveen.io'"),
      'chat.principals[1].domain',
      7,
    ],
  ])('names %s with its path and line', (_name, chat, path, line) => {
    const found = problems(`${chat}${BASE}`);
    expect(found).toContainEqual(expect.objectContaining({ path, line }));
  });
});
