import type { PrismaClient } from '../core/db/index.ts';

/** The admin's allowed sites as last read, per database; saving settings clears it. */
export const cache = new WeakMap<PrismaClient, { origins: Promise<string[]>; until: number }>();

/** The allowed and embedding sites the pages' security headers name, as last read, per database. */
export const pageOriginsCache = new WeakMap<PrismaClient, { origins: Promise<{ site: string[]; embed: string[] }>; until: number }>();

/** After an admin saves, the next check (and the next page's headers) read the new lists. */
export const forgetAllowedOrigins = (db: PrismaClient) => {
  cache.delete(db);
  pageOriginsCache.delete(db);
};
