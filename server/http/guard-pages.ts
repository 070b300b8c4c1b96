import type { RequestHandler } from 'express';
import type { AppDeps } from '../../graphql/context.ts';
import { findUserByAuthToken } from '../auth/auth-sessions.ts';
import { requestSource, signInToken } from '../auth/embed-cookie.ts';
import type { Role } from '../core/db/index.ts';

/** Pages that need a signed-in user with one of these roles; checked before Next renders. */
const GUARDED_PAGES: { prefix: string; roles: Role[] }[] = [
  { prefix: '/agent', roles: ['AGENT'] },
  { prefix: '/supervisor', roles: ['SUPERVISOR', 'ADMIN'] },
  { prefix: '/admin', roles: ['ADMIN'] },
];

/** The roles a path requires, or null for a public page. */
export function rolesForPath(pathname: string): Role[] | null {
  const guard = GUARDED_PAGES.find(({ prefix }) => pathname === prefix || pathname.startsWith(`${prefix}/`));
  return guard?.roles ?? null;
}

/** Sends visitors of signed-in pages to /login unless they hold a role the page needs. */
export function guardPages(deps: AppDeps): RequestHandler {
  return async (req, res, next) => {
    const roles = rolesForPath(req.path);
    if (!roles) return next();
    const token = signInToken(requestSource(req), deps.config.publicOrigin);
    const user = await findUserByAuthToken(deps.db, token);
    if (user && roles.includes(user.role)) return next();
    const reason = user ? 'role' : 'signin';
    res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}&reason=${reason}`);
  };
}
