import { badInput, unauthenticated } from '../core/errors.ts';
import type { PrismaClient, UserRow } from '../core/db/index.ts';
import type { LimitRule, RateLimits } from '../limits/rate-limiter.ts';
import { dummyPasswordHash, hashPassword, MAX_PASSWORD_LENGTH, verifyPassword } from './passwords.ts';

export const MAX_EMAIL_LENGTH = 256;

/** Wrong passwords for one account before it is locked for a while (whoever tries). */
export const ACCOUNT_SIGN_IN_RULE: LimitRule = { points: 5, durationSeconds: 15 * 60, blockSeconds: 15 * 60 };
/** Wrong passwords from one address, across every account, before that address is locked. */
export const ADDRESS_SIGN_IN_RULE: LimitRule = { points: 20, durationSeconds: 15 * 60, blockSeconds: 15 * 60 };

export interface SignInAttempt {
  email: string;
  password: string;
  clientAddress: string;
}

/**
 * Checks an email and password, throttled per account and per address. Every attempt spends a
 * point before the password is checked — so a burst of parallel guesses cannot all slip in while
 * the first is still hashing — and a good one gives its points back: only failures count.
 */
export async function signInWithPassword(deps: { db: PrismaClient; limits: RateLimits }, attempt: SignInAttempt): Promise<UserRow> {
  if (attempt.email.length > MAX_EMAIL_LENGTH) throw badInput(`An email address has at most ${MAX_EMAIL_LENGTH} characters.`);
  if (attempt.password.length > MAX_PASSWORD_LENGTH) throw badInput(`A password has at most ${MAX_PASSWORD_LENGTH} characters.`);
  const email = attempt.email.trim().toLowerCase();
  const perAddress = deps.limits.limiter('sign-in-address', ADDRESS_SIGN_IN_RULE);
  const perAccount = deps.limits.limiter('sign-in-account', ACCOUNT_SIGN_IN_RULE);
  await perAddress.consume(attempt.clientAddress);
  await perAccount.consume(email);

  const user = await deps.db.user.findUnique({ where: { email } });
  // An unknown email is checked against a dummy hash, so it takes as long as a wrong password.
  const check = await verifyPassword(attempt.password, user?.passwordHash ?? (await dummyPasswordHash()));
  if (!user || !check.valid) throw unauthenticated('Wrong email or password.');

  await Promise.all([perAccount.reset(email), perAddress.refund(attempt.clientAddress)]);
  if (check.needsRehash) {
    // A bcrypt hash from before scrypt (or older parameters): upgrade it now that the password is known.
    const passwordHash = await hashPassword(attempt.password);
    await deps.db.user.updateMany({ where: { id: user.id, passwordHash: user.passwordHash }, data: { passwordHash } });
  }
  return user;
}
