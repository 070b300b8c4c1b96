import cors from 'cors';
import type { RequestHandler } from 'express';
import type { AppDeps } from '../../graphql/context.ts';
import { isAllowedOrigin } from '../settings/allowed-origins.ts';

/**
 * CORS for the widget on the allowed sites: their pages may read the answers (and send these
 * headers); no cookies travel, as the widget authenticates with its customer token.
 */
export const allowedSitesCors = (deps: Pick<AppDeps, 'db' | 'config'>, allowedHeaders: string[]): RequestHandler =>
  cors({
    origin: (origin, callback) => {
      if (!origin) return callback(null, false);
      isAllowedOrigin(deps, origin).then(
        (allowed) => callback(null, allowed ? origin : false),
        (error: Error) => callback(error),
      );
    },
    credentials: false,
    allowedHeaders,
  });
