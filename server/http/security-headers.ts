import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import helmet from 'helmet';
import type { AppDeps } from '../../graphql/context.ts';
import { pageOriginsCache } from '../settings/allowed-origins-cache.ts';
import { loadSiteSettings } from '../settings/site-settings.ts';
import { rolesForPath } from './guard-pages.ts';
import { EMBED_ORIGINS_HEADER } from '../../protocol/embed-bridge.ts';

/** The admin's allowed sites are read again at most this often (they change rarely). */
const ORIGINS_CACHE_MS = 5000;

/** Only plain origins go into a policy: anything else could smuggle in a directive. */
const PLAIN_ORIGIN = /^https?:\/\/([a-z0-9.-]+|\[[0-9a-f:.]+\])(:\d{1,5})?$/i;

/** The embeddable agent view: signed-in like the agent page, framed by the sites an admin names. */
export const isEmbedPage = (pathname: string) => pathname === '/embed' || pathname.startsWith('/embed/');

/** Pages of signed-in people (and the sign-in page): what the strict policy protects. */
export const isSignedInPage = (pathname: string) =>
  rolesForPath(pathname) !== null || pathname === '/login' || pathname.startsWith('/login/') || isEmbedPage(pathname);

type Locals = { siteOrigins?: string[]; nonce?: string; embedOrigins?: string[] };
const localsOf = (res: ServerResponse) => (res as ServerResponse & { locals: Locals }).locals;

/**
 * The Content-Security-Policy of the agent, supervisor, admin and sign-in pages. The agent's view
 * rebuilds a customer's page — hostile input — inside a sandboxed iframe (no scripts run there) that
 * inherits this policy, so the policy decides what that page can make the agent's browser fetch:
 * images, styles, fonts and media only from this server and the allowed sites (plus data:/blob:,
 * which rrweb uses for inlined images and canvas), never an arbitrary internal address.
 *
 * Scripts: only those carrying this response's nonce, and what they load ('strict-dynamic'). Next
 * reads the nonce from the request's Content-Security-Policy header and puts it on its own inline
 * and chunk scripts while rendering, so these pages render per request (their segment layouts say
 * `dynamic = 'force-dynamic'`). No `unsafe-inline`, no `unsafe-eval` (Next's dev server needs
 * eval, so `npm run dev` gets it). The replayed page cannot run scripts at all (sandbox).
 */
function signedInPagePolicy(dev: boolean, embed = false) {
  const site = (_req: IncomingMessage, res: ServerResponse) => (localsOf(res).siteOrigins ?? []).join(' ');
  const nonce = (_req: IncomingMessage, res: ServerResponse) => `'nonce-${localsOf(res).nonce}'`;
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: [nonce, "'strict-dynamic'", "'self'", ...(dev ? ["'unsafe-eval'"] : [])],
        styleSrc: ["'self'", "'unsafe-inline'", site],
        imgSrc: ["'self'", 'data:', 'blob:', site],
        fontSrc: ["'self'", 'data:', site],
        mediaSrc: ["'self'", 'data:', 'blob:', site],
        // The app's own GraphQL (HTTP and WebSocket) only; a replayed page gets no beacon out.
        connectSrc: ["'self'", ...(dev ? ['ws:', 'wss:'] : [])],
        // The masking preview frames pages of the allowed sites; the replay frame is about:blank.
        frameSrc: ["'self'", 'blob:', site],
        childSrc: ["'self'", 'blob:', site],
        workerSrc: ["'self'", 'blob:'],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        // Only the admin's embedding sites may frame the embed view; every other page only by itself.
        frameAncestors: [
          "'self'",
          ...(embed ? [(_req: IncomingMessage, res: ServerResponse) => (localsOf(res).embedOrigins ?? []).join(' ')] : []),
        ],
      },
    },
    // frame-ancestors decides; X-Frame-Options cannot name another origin and would contradict it.
    ...(embed && { xFrameOptions: false }),
    strictTransportSecurity: false, // the operator's TLS proxy decides on HSTS
    referrerPolicy: { policy: 'same-origin' },
    crossOriginEmbedderPolicy: false,
  });
}

/**
 * Security headers: everywhere `nosniff` and a referrer policy that sends no path off-site; on
 * signed-in pages also the strict CSP above, framing only by this origin, and no caching. Other
 * paths (the widget script, the demo site, the API) stay embeddable by the allowed sites.
 */
export function securityHeaders(deps: Pick<AppDeps, 'db' | 'config'>): RequestHandler {
  const strict = signedInPagePolicy(deps.config.dev);
  const embedded = signedInPagePolicy(deps.config.dev, true);
  const origins = async () => {
    let cached = pageOriginsCache.get(deps.db);
    if (!cached || cached.until < Date.now()) {
      const read = loadSiteSettings(deps.db).then((settings) => ({ site: settings.allowedOrigins, embed: settings.embedOrigins }));
      cached = { origins: read, until: Date.now() + ORIGINS_CACHE_MS };
      pageOriginsCache.set(deps.db, cached);
      read.catch(() => pageOriginsCache.delete(deps.db));
    }
    const { site, embed } = await cached.origins;
    const plain = (list: string[]) => [...new Set(list)].filter((origin) => PLAIN_ORIGIN.test(origin));
    return { site: plain([...deps.config.allowedOrigins, ...site]), embed: plain(embed) };
  };
  return (req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'strict-origin-when-cross-origin');
    if (!isSignedInPage(req.path)) return next();
    res.setHeader('Cache-Control', 'no-store');
    const embed = isEmbedPage(req.path);
    if (embed) delete req.headers[EMBED_ORIGINS_HEADER];
    origins().then(
      ({ site, embed: embedOrigins }) => {
        Object.assign(res.locals as Locals, { siteOrigins: site, embedOrigins, nonce: randomBytes(16).toString('base64') });
        if (embed) req.headers[EMBED_ORIGINS_HEADER] = embedOrigins.join(' ');
        (embed ? embedded : strict)(req, res, (error?: unknown) => {
          // Next takes the nonce for its scripts from the request's policy (as behind its own proxy.ts).
          req.headers['content-security-policy'] = String(res.getHeader('content-security-policy'));
          next(error);
        });
      },
      (error: unknown) => next(error),
    );
  };
}
