import { randomBytes } from 'node:crypto';
import { hashPassword } from '../server/auth/passwords.ts';
import { isUniqueViolation, type PrismaClient, type Role } from '../server/core/db/index.ts';

export const DEMO_PASSWORD = 'cobrowse-demo';

const DEMO_USERS: { email: string; name: string; role: Role }[] = [
  { email: 'agent@example.com', name: 'Alex Agent', role: 'AGENT' },
  { email: 'agent2@example.com', name: 'Blair Agent', role: 'AGENT' },
  { email: 'supervisor@example.com', name: 'Sam Supervisor', role: 'SUPERVISOR' },
  { email: 'admin@example.com', name: 'Ada Admin', role: 'ADMIN' },
];

/**
 * What an empty database gets on start: the demo users with the published password when
 * configured to (SEED_DEMO_USERS, or the quick start's embedded default), otherwise one admin with
 * a random password shown once. A database with any user is left alone.
 */
export async function seedEmptyDatabase(
  prisma: PrismaClient,
  options: { demoUsers: boolean; adminEmail: string },
  log: (line: string) => void,
): Promise<boolean> {
  return options.demoUsers ? seedDemoUsers(prisma, log) : seedFirstAdmin(prisma, options.adminEmail, log);
}

/** Creates the demo users (password `cobrowse-demo`) on an empty database; returns whether it did. */
export async function seedDemoUsers(prisma: PrismaClient, log: (line: string) => void): Promise<boolean> {
  if ((await prisma.user.count()) > 0) return false;
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  for (const user of DEMO_USERS) {
    // Two instances starting at once both seed; the one that loses the race skips the user.
    await prisma.user.create({ data: { ...user, passwordHash, isDemo: true } }).catch((error: unknown) => {
      if (!isUniqueViolation(error)) throw error;
    });
  }
  log(
    `Seeded demo users ${DEMO_USERS.map((user) => user.email).join(', ')} with password "${DEMO_PASSWORD}" (SEED_DEMO_USERS=false turns this off).`,
  );
  return true;
}

/**
 * Creates the one admin of a fresh deployment with a random password, printed once in the log (as
 * Grafana and Jenkins do) and stored only as a hash. Returns whether it did.
 */
export async function seedFirstAdmin(prisma: PrismaClient, email: string, log: (line: string) => void): Promise<boolean> {
  if ((await prisma.user.count()) > 0) return false;
  const password = randomBytes(18).toString('base64url');
  try {
    await prisma.user.create({ data: { email, name: 'Admin', role: 'ADMIN', passwordHash: await hashPassword(password) } });
  } catch (error) {
    // Another instance starting at once created it first; only that one knows (and prints) the password.
    if (isUniqueViolation(error)) return false;
    throw error;
  }
  log(
    [
      '',
      '*************************************************************',
      `First start: created the admin ${email} with the one-time password`,
      '',
      `    ${password}`,
      '',
      'Sign in at /login and set your own password under Admin → Users.',
      'This password is not stored and will not be shown again.',
      '*************************************************************',
      '',
    ].join('\n'),
  );
  return true;
}
