import bcrypt from 'bcryptjs';

const COST = 10;

/** A bcrypt hash of a password (pure JS: no native build to install). */
export const hashPassword = (plain: string): Promise<string> => bcrypt.hash(plain, COST);

export const verifyPassword = (plain: string, hash: string): Promise<boolean> => bcrypt.compare(plain, hash);
