import type { ChatPrincipalRule } from '../config/chat-schema.js';
import { effectiveRoles } from '../domain/roles.js';
import type { Principal } from './principal.js';

export type ChatPrincipalMatch =
  { kind: 'mapped'; principal: Principal; rule: 'email' | 'domain' } | { kind: 'unmapped'; email: string };

/**
 * The Gantry principal of a chat user, from the e-mail address the chat platform vouches for: a rule for
 * that exact address wins over a rule for its domain (so a domain can grant Reader and one person more);
 * among rules of one kind the first in the file wins. No rule: the user is not mapped and acts on nothing.
 */
export function chatPrincipal(rules: readonly ChatPrincipalRule[], email: string): ChatPrincipalMatch {
  const address = email.trim().toLowerCase();
  const at = address.lastIndexOf('@');
  const domain = at > 0 ? address.slice(at + 1) : undefined;
  const byEmail = rules.find((r) => r.email !== undefined && r.email.toLowerCase() === address);
  const byDomain = domain ? rules.find((r) => r.domain !== undefined && r.domain === domain) : undefined;
  const rule = byEmail ?? byDomain;
  if (!rule) return { kind: 'unmapped', email: address };
  return {
    kind: 'mapped',
    rule: byEmail ? 'email' : 'domain',
    principal: {
      name: rule.name ?? address,
      id: address,
      groups: [...new Set(rule.groups)],
      roles: effectiveRoles(rule.roles),
      source: 'slack',
    },
  };
}
