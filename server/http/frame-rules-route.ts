import express, { type Router } from 'express';
import { FRAME_RULES_PATH, type FrameRules } from '../../protocol/index.ts';
import type { AppDeps } from '../../graphql/context.ts';
import { loadSiteSettings, sessionRules } from '../settings/site-settings.ts';

/**
 * GET `FRAME_RULES_PATH`: what the widget in a frame of another site needs before it records
 * anything — the parent origins it may post its page to (the site's allowed origins) and the
 * masking rules it records under — answered only to an origin the admin trusts as a frame
 * (`frameOrigins`); any other page learns nothing but an empty answer. Public and cookie-less:
 * the browser's Origin header names the asking page, and what the answer holds is no secret.
 */
export function frameRulesRoute(deps: Pick<AppDeps, 'db' | 'config'>): Router {
  const router = express.Router();
  router.get(FRAME_RULES_PATH, (req, res, next) => {
    const origin = req.get('origin');
    res.vary('Origin').set('Cache-Control', 'no-store');
    loadSiteSettings(deps.db).then((settings) => {
      const trusted = !!origin && settings.frameOrigins.includes(origin);
      if (trusted) res.set('Access-Control-Allow-Origin', origin);
      const answer: FrameRules = trusted
        ? {
            parentOrigins: [...new Set([...deps.config.allowedOrigins, ...settings.allowedOrigins])],
            // A child frame mirrors no frames of its own.
            rules: { ...sessionRules(settings), frameOrigins: [] },
          }
        : { parentOrigins: [], rules: null };
      res.json(answer);
    }, next);
  });
  return router;
}
