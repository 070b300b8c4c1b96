import { badInput, notFound } from '../core/errors.ts';
import { hashPassword, MAX_PASSWORD_LENGTH } from '../auth/passwords.ts';
import { MAX_EMAIL_LENGTH } from '../auth/sign-in.ts';
import { hashToken } from '../auth/tokens.ts';
import { isUniqueViolation, type PrismaClient, type Role, type UserRow } from '../core/db/index.ts';

export const MIN_PASSWORD_LENGTH = 10;
const MAX_NAME_LENGTH = 100;
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) throw badInput(`The password needs at least ${MIN_PASSWORD_LENGTH} characters.`);
  // Sign-in refuses longer passwords, so a longer one could never be used.
  if (password.length > MAX_PASSWORD_LENGTH) throw badInput(`The password can have at most ${MAX_PASSWORD_LENGTH} characters.`);
}

/** One page of users by name (`take`, and `cursor`/`skip` after a user); ids break ties so pages never overlap. */
export const listUsers = (db: PrismaClient, page: { take: number; cursor?: { id: string }; skip?: number }): Promise<UserRow[]> =>
  db.user.findMany({ orderBy: [{ name: 'asc' }, { email: 'asc' }, { id: 'asc' }], ...page });

export interface NewUser {
  name: string;
  email: string;
  role: Role;
  password: string;
}

/** Adds a user who can sign in at once with the given password. */
export async function createUser(db: PrismaClient, input: NewUser): Promise<UserRow> {
  const name = input.name.trim();
  // Sign-in looks emails up trimmed and lower-cased, so they are stored that way.
  const email = input.email.trim().toLowerCase();
  if (!name || name.length > MAX_NAME_LENGTH) throw badInput(`The name needs 1 to ${MAX_NAME_LENGTH} characters.`);
  if (email.length > MAX_EMAIL_LENGTH || !EMAIL_PATTERN.test(email)) throw badInput('Enter an email address such as name@company.com.');
  checkPassword(input.password);
  const passwordHash = await hashPassword(input.password);
  try {
    return await db.user.create({ data: { name, email, role: input.role, passwordHash } });
  } catch (error) {
    if (isUniqueViolation(error)) throw badInput(`A user with the email ${email} already exists.`);
    throw error;
  }
}

/**
 * Sets a new password and signs the user out everywhere — except the browser of `keepAuthToken`
 * (an admin resetting their own password stays signed in). A demo user stops being one: the
 * published password no longer opens the account.
 */
export async function resetPassword(db: PrismaClient, userId: string, password: string, keepAuthToken?: string): Promise<UserRow> {
  checkPassword(password);
  const passwordHash = await hashPassword(password);
  return db.$transaction(async (tx) => {
    const found = await tx.user.findUnique({ where: { id: userId }, select: { id: true } });
    if (!found) throw notFound('No such user.');
    await tx.authSession.deleteMany({ where: { userId, ...(keepAuthToken && { NOT: { tokenHash: hashToken(keepAuthToken) } }) } });
    return tx.user.update({ where: { id: userId }, data: { passwordHash, isDemo: false } });
  });
}

/**
 * Changes a user's role, refusing to leave the site without an admin. Serializable, so two admins
 * demoting each other at once cannot both succeed on PostgreSQL (one is rolled back).
 */
export function setUserRole(db: PrismaClient, userId: string, role: Role): Promise<UserRow> {
  return db.$transaction(
    async (tx) => {
      const user = await tx.user.findUnique({ where: { id: userId } });
      if (!user) throw notFound('No such user.');
      if (user.role === role) return user;
      const updated = await tx.user.update({ where: { id: userId }, data: { role } });
      if (user.role === 'ADMIN' && (await tx.user.count({ where: { role: 'ADMIN' } })) === 0) {
        throw badInput(`${user.name} is the last admin; make someone else an admin first.`);
      }
      return updated;
    },
    { isolationLevel: 'Serializable' },
  );
}
