import type { Role } from '../server/core/db/index.ts';
import type { GraphQLContext } from './context.ts';
import { forbidden, unauthenticated } from '../server/core/errors.ts';
import { requireApiKeyScope, type ApiKeyScope } from '../server/auth/api-keys.ts';

/** The signed-in user, who must hold one of `roles`. Checked in every resolver that needs it. */
export function requireUser(ctx: GraphQLContext, ...roles: Role[]) {
  const user = ctx.viewer.user;
  if (!user) throw unauthenticated();
  if (roles.length > 0 && !roles.includes(user.role)) throw forbidden(`This needs the ${roles.join(' or ').toLowerCase()} role.`);
  return user;
}

/** True when the caller holds the customer token of this session. */
export const isSessionCustomer = (ctx: GraphQLContext, sessionId: string): boolean => ctx.viewer.customerSessionId === sessionId;

/** True when the caller is an API key (which speaks for no user). */
export const isApiKey = (ctx: GraphQLContext): boolean => Boolean(ctx.viewer.apiKeyId && !ctx.viewer.user);

/**
 * Who may read every session and its audit history: supervisors and admins — and a read-only
 * key for a third-party system that holds `scope`. Returns the user, or null for a key.
 */
export function requireHistoryReader(ctx: GraphQLContext, scope: ApiKeyScope) {
  if (isApiKey(ctx)) {
    requireApiKeyScope(ctx.viewer, scope);
    return null;
  }
  return requireUser(ctx, 'SUPERVISOR', 'ADMIN');
}

/** An API key without `scope` is refused (FORBIDDEN, naming the scope); anyone else passes. */
export const requireScope = (ctx: GraphQLContext, scope: ApiKeyScope): void => requireApiKeyScope(ctx.viewer, scope);
