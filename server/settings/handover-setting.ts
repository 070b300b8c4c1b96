import type { PrismaClient } from '../core/db/index.ts';

const SITE = 'site';

/** Whether agents may hand sessions to each other and supervisors take them over: off until an admin turns it on. */
export async function isHandoverEnabled(db: Pick<PrismaClient, 'siteSettings'>): Promise<boolean> {
  const row = await db.siteSettings.findUnique({ where: { id: SITE }, select: { handoverEnabled: true } });
  return row?.handoverEnabled ?? false;
}

/** Turns hand-over on or off for every agent (admins only; checked by the caller). */
export async function setHandoverEnabled(db: Pick<PrismaClient, 'siteSettings'>, enabled: boolean): Promise<boolean> {
  await db.siteSettings.upsert({
    where: { id: SITE },
    create: { id: SITE, handoverEnabled: enabled },
    update: { handoverEnabled: enabled },
  });
  return enabled;
}
