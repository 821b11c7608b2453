import { describe, expect, it } from 'vitest';
import { chatPrincipal } from '../../../shared/app/chat-principals.js';
import type { ChatPrincipalRule } from '../../../shared/config/chat-schema.js';

const RULES: ChatPrincipalRule[] = [
  { domain: 'hearloveen.io', groups: [], roles: ['Gantry.Reader'] },
  { email: 'Ada@hearloveen.io', name: 'ada', groups: ['devops-team'], roles: ['Gantry.Approver'] },
  { email: 'linus@partner.example', groups: ['tech-lead', 'tech-lead'], roles: ['Gantry.Operator'] },
  { domain: 'hearloveen.io', groups: ['ignored'], roles: ['Gantry.Operator'] },
];

describe('chatPrincipal', () => {
  it.each([
    // An address rule wins over its domain's rule, wherever it stands; case does not matter.
    [
      'ada@HEARLOVEEN.io',
      { name: 'ada', groups: ['devops-team'], roles: ['Gantry.Reader', 'Gantry.Approver'] },
      'email',
    ],
    // Without a name the address is the name; groups are deduplicated; implied roles are added.
    [
      'linus@partner.example',
      { name: 'linus@partner.example', groups: ['tech-lead'], roles: ['Gantry.Reader', 'Gantry.Operator'] },
      'email',
    ],
    // The first domain rule wins.
    ['grace@hearloveen.io', { name: 'grace@hearloveen.io', groups: [], roles: ['Gantry.Reader'] }, 'domain'],
  ])('maps %s', (email, principal, rule) => {
    expect(chatPrincipal(RULES, email)).toEqual({
      kind: 'mapped',
      rule,
      principal: { ...principal, id: email.toLowerCase(), source: 'slack' },
    });
  });

  it.each([
    ['someone@elsewhere.example'],
    ['eve@sub.hearloveen.io'], // a subdomain is another domain
    ['eve@hearloveen.io.evil.example'],
    ['not-an-address'],
  ])('leaves %s unmapped', (email) => {
    expect(chatPrincipal(RULES, email)).toEqual({ kind: 'unmapped', email: email.toLowerCase() });
  });

  it('maps nobody without rules', () => {
    expect(chatPrincipal([], 'ada@hearloveen.io').kind).toBe('unmapped');
  });
});
