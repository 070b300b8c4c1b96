import type { PrismaClient } from '../core/db/index.ts';

/** The admin's allowed sites as last read, per database; saving settings clears it. */
export const cache = new WeakMap<PrismaClient, { origins: Promise<string[]>; until: number }>();

/** After an admin saves, the next check reads the new list. */
export const forgetAllowedOrigins = (db: PrismaClient) => void cache.delete(db);
