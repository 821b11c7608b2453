import { z } from 'zod';
import { ROLES } from '../domain/roles.js';

/**
 * The `chat` section of the pipeline file: who a chat user is to Gantry. Slack vouches for a user's
 * e-mail address (users.info), not for Entra groups or app roles, so the file says which groups and roles
 * an address (or every address of a domain) carries when it acts from chat. Reviewed like the rest of the
 * pipeline file, so granting approval rights in chat is a change someone approves.
 */
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

const principalRule = z
  .strictObject({
    /** One person, by the e-mail address of their Slack profile (compared ignoring case). */
    email: z.email().max(254).optional(),
    /** Everyone whose Slack e-mail is at this domain (exactly; subdomains are other domains). */
    domain: z.string().regex(DOMAIN, 'a lower-case DNS domain such as hearloveen.io').optional(),
    /**
     * The name the person acts under (default: the e-mail): their UPN or the login their pushes record,
     * so that the no-self-approval rule recognises their own pushes when they press Approve in chat.
     */
    name: z.string().trim().min(1).max(256).optional(),
    groups: z.array(z.string().trim().min(1).max(256)).default([]),
    roles: z.array(z.enum(ROLES)).default([]),
  })
  .superRefine((rule, ctx) => {
    if ((rule.email === undefined) === (rule.domain === undefined))
      ctx.addIssue({ code: 'custom', path: [], message: 'set exactly one of email and domain' });
    if (rule.domain !== undefined && rule.name !== undefined)
      ctx.addIssue({ code: 'custom', path: ['name'], message: 'name is per person (email), not per domain' });
  });

export const chatSchema = z.strictObject({
  principals: z.array(principalRule).default([]),
});

export type ChatConfig = z.output<typeof chatSchema>;
export type ChatPrincipalRule = ChatConfig['principals'][number];

/**
 * The optional section of a parsed file: its problems join `issues` with their path and line (the
 * loader's source map answers `line`), so the file is refused with every problem listed at once.
 */
export function readChat(
  raw: unknown,
  line: (path: Array<string | number>) => number | undefined,
  issues: Array<{ path: string; line?: number; message: string }>,
  params?: Parameters<typeof chatSchema.safeParse>[1],
): ChatConfig | undefined {
  if (raw === undefined) return undefined;
  const result = chatSchema.safeParse(raw, params);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    const path = ['chat', ...issue.path.map((k) => (typeof k === 'number' ? k : String(k)))];
    const text = path.reduce<string>(
      (out, k) => (typeof k === 'number' ? `${out}[${k}]` : out ? `${out}.${k}` : k),
      '',
    );
    issues.push({ path: text, line: line(path), message: issue.message });
  }
  return undefined;
}
