import type { PrismaClient } from '../core/db/index.ts';

const SITE = 'site';

/** Whether agents may ask verified customers on the site to co-browse: off until an admin turns it on. */
export async function areInvitationsEnabled(db: Pick<PrismaClient, 'siteSettings'>): Promise<boolean> {
  const row = await db.siteSettings.findUnique({ where: { id: SITE }, select: { invitationsEnabled: true } });
  return row?.invitationsEnabled ?? false;
}

/** Turns requests to co-browse on or off for the site (admins only; checked by the caller). */
export async function setInvitationsEnabled(db: Pick<PrismaClient, 'siteSettings'>, enabled: boolean): Promise<boolean> {
  await db.siteSettings.upsert({
    where: { id: SITE },
    create: { id: SITE, invitationsEnabled: enabled },
    update: { invitationsEnabled: enabled },
  });
  return enabled;
}
