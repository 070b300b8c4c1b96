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
/** User rows the caller may read in full although the request came without a cookie: their own sign-in's answer. */
const ownUsers = new WeakSet<object>();

/** Marks the user a caller has just signed in as (signIn answers before the cookie exists). */
export function asOwnUser<T extends object>(user: T): T {
  ownUsers.add(user);
  return user;
}

/**
 * Fields about staff (a user's sign-in e-mail, id and role) are for signed-in users and API keys:
 * a customer — session or chat token, or nobody — reaches a User only as its session's or chat's
 * agent, and sees the agent's display name and nothing else.
 */
export function requireStaff(ctx: GraphQLContext, user: object, field: string): void {
  if (ctx.viewer.user || ctx.viewer.apiKeyId || ownUsers.has(user)) return;
  throw forbidden(`${field} is for staff only: customers see an agent's name.`);
}
