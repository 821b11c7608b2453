import type { HttpRequest, InvocationContext } from '@azure/functions';
import { requireRole } from '../../shared/app/authorize.js';
import { callerFrom } from '../../shared/app/caller.js';
import { principalFrom, type Principal } from '../../shared/app/principal.js';
import { trustFor, type Trust } from '../../shared/app/trust.js';
import { readHostingSettings, readSettings } from '../../shared/config.js';
import type { Role } from '../../shared/domain/roles.js';

/** What the platform vouches for, logged when it vouches for nothing: the operator must see why. */
function currentTrust(context: InvocationContext): { trust: Trust; devPrincipal?: string } {
  const trust = trustFor(readHostingSettings());
  if (trust.kind === 'refused')
    context.error(`authentication: ${trust.missingSetting} missing or off: ${trust.reason}`);
  return { trust, devPrincipal: readSettings().GANTRY_DEV_PRINCIPAL };
}

/**
 * The guard of every endpoint that needs a caller: who it is (401/503, shared/app/principal.ts) and that
 * they hold `role` (403). `what` names the action in the refusal, e.g. "Cancelling a deployment".
 */
export function authorize(
  request: HttpRequest,
  context: InvocationContext,
  role: Role,
  what: string,
): Principal {
  const { trust, devPrincipal } = currentTrust(context);
  const principal = principalFrom(request.headers, devPrincipal, trust);
  if (!principal.roles.includes(role))
    // Access-control refusals go to the log (Application Insights), not to a deployment's rows.
    context.warn(`authorization: ${principal.name} refused: ${what} needs ${role} (${request.url})`);
  return requireRole(principal, role, what);
}

/** The caller, or null without any identity (`GET /api/me` answers anonymous callers too). */
export function optionalCaller(request: HttpRequest, context: InvocationContext): Principal | null {
  const { trust, devPrincipal } = currentTrust(context);
  return callerFrom(request.headers, devPrincipal, trust);
}
