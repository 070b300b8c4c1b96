import type { Config } from '../core/config.ts';
import type { PrismaClient } from '../core/db/index.ts';
import { cache } from './allowed-origins-cache.ts';
import { loadSiteSettings } from './site-settings.ts';

/** CORS asks on every cross-site request; the admin's list is read again at most this often. */
const CACHE_MS = 5000;

/**
 * Whether a site may embed the widget and be navigated to by agents: ALLOWED_ORIGINS from the
 * environment, plus the sites an admin added on /admin (cached for a few seconds).
 */
export async function isAllowedOrigin(deps: { db: PrismaClient; config: Config }, origin: string): Promise<boolean> {
  if (deps.config.allowedOrigins.includes(origin)) return true;
  let entry = cache.get(deps.db);
  if (!entry || entry.until < Date.now()) {
    entry = { origins: loadSiteSettings(deps.db).then((settings) => settings.allowedOrigins), until: Date.now() + CACHE_MS };
    cache.set(deps.db, entry);
  }
  return (await entry.origins).includes(origin);
}
