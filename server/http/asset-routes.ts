import express, { type ErrorRequestHandler, type Router } from 'express';
import { ASSETS_PATH } from '../../protocol/index.ts';
import type { AppDeps } from '../../graphql/context.ts';
import { assetSiteOf, missingAssets, readAsset, storeAsset } from '../assets/site-assets.ts';
import { findUserByAuthToken } from '../auth/auth-sessions.ts';
import { requestSource, signInToken } from '../auth/embed-cookie.ts';
import { AppError, ErrorCode } from '../core/errors.ts';
import { allowedSitesCors } from './allowed-sites-cors.ts';

const CUSTOMER_TOKEN_HEADER = 'x-cobrowse-customer-token';

const STATUS: Partial<Record<string, number>> = {
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.LIMIT_REACHED]: 413,
};

/**
 * Font and image files for agents' views: the customer's widget asks which of its page's files this server
 * lacks (POST /api/assets/missing) and sends those (PUT /api/assets/:sha256), both with its
 * session's customer token; the agent's view loads them (GET /api/assets/:sha256) with the staff
 * sign-in cookie, from this origin, so the agent pages' CSP needs no other font source.
 */
export function assetRoutes(deps: AppDeps): Router {
  const router = express.Router();
  const fromAllowedSites = allowedSitesCors(deps, ['content-type', CUSTOMER_TOKEN_HEADER]);
  const siteOf = (req: express.Request) => assetSiteOf(deps.db, req.get(CUSTOMER_TOKEN_HEADER));

  // Answers the widget's preflights, and tells browsers which sites may read the answers.
  router.use(ASSETS_PATH, fromAllowedSites);
  router.post(`${ASSETS_PATH}/missing`, express.json({ limit: 8 * 1024 }), async (req, res) => {
    const hashes: unknown = (req.body as { hashes?: unknown } | undefined)?.hashes;
    if (!Array.isArray(hashes) || !hashes.every((hash) => typeof hash === 'string'))
      return void res.status(400).json({ error: 'Send {"hashes": [hex SHA-256, …]}.' });
    res.json({ missing: await missingAssets(deps.db, await siteOf(req), hashes) });
  });
  router.put(
    `${ASSETS_PATH}/:hash`,
    // The body is read only after the token checks out, and never past the size limit.
    async (req, res, next) => {
      res.locals.siteOrigin = await siteOf(req);
      next();
    },
    express.raw({ type: () => true, limit: deps.config.assetMaxBytes }),
    async (req, res) => {
      await storeAsset(deps.db, deps.config, {
        siteOrigin: String(res.locals.siteOrigin),
        hash: req.params.hash!,
        contentType: req.get('content-type') ?? '',
        bytes: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
      });
      res.status(204).end();
    },
  );
  router.get(`${ASSETS_PATH}/:hash`, async (req, res) => {
    const token = signInToken(requestSource(req), deps.config.publicOrigin);
    if (!(await findUserByAuthToken(deps.db, token))) return void res.status(401).json({ error: 'Sign in first.' });
    const asset = await readAsset(deps.db, req.params.hash);
    if (!asset) return void res.status(404).json({ error: 'No such file.' });
    // Named by their content: a file never changes, and only this browser's signed-in staff may keep it.
    res.set({ 'Content-Type': asset.contentType, 'Cache-Control': 'private, max-age=31536000, immutable' });
    res.set('Cross-Origin-Resource-Policy', 'same-origin');
    // A customer's SVG opened as a page in a staff browser must run nothing and load nothing.
    res.set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; sandbox");
    res.send(Buffer.from(asset.bytes));
  });

  const answerErrors: ErrorRequestHandler = (error: unknown, _req, res, next) => {
    if (res.headersSent) return next(error);
    if (error instanceof AppError) return void res.status(STATUS[error.code] ?? 400).json({ error: error.message, code: error.code });
    const status = (error as { status?: number }).status;
    if (status === 413) return void res.status(413).json({ error: `A file may have at most ${deps.config.assetMaxBytes} bytes.` });
    next(error);
  };
  router.use(ASSETS_PATH, answerErrors);
  return router;
}
