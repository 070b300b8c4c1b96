import { hashPassword } from '../server/auth/passwords.ts';
import { isUniqueViolation, type PrismaClient, type Role } from '../server/db/index.ts';

export const DEMO_PASSWORD = 'cobrowse-demo';

const DEMO_USERS: { email: string; name: string; role: Role }[] = [
  { email: 'agent@example.com', name: 'Alex Agent', role: 'AGENT' },
  { email: 'agent2@example.com', name: 'Blair Agent', role: 'AGENT' },
  { email: 'supervisor@example.com', name: 'Sam Supervisor', role: 'SUPERVISOR' },
  { email: 'admin@example.com', name: 'Ada Admin', role: 'ADMIN' },
];

/** Creates the demo users on an empty database (SPEC §8); returns whether it did. */
export async function seedDemoUsers(prisma: PrismaClient, log: (line: string) => void): Promise<boolean> {
  if ((await prisma.user.count()) > 0) return false;
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  for (const user of DEMO_USERS) {
    // Two instances starting at once both seed; the one that loses the race skips the user.
    await prisma.user.create({ data: { ...user, passwordHash } }).catch((error: unknown) => {
      if (!isUniqueViolation(error)) throw error;
    });
  }
  log(
    `Seeded demo users ${DEMO_USERS.map((user) => user.email).join(', ')} with password "${DEMO_PASSWORD}" (SEED_DEMO_USERS=false turns this off).`,
  );
  return true;
}
