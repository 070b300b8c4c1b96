import type { AuditEvent, Prisma, Session, User } from '../../../generated/prisma/sqlite/client.ts';
import type { PrismaClient } from './open-database.ts';

export { openDatabase, type Database, type PrismaClient } from './open-database.ts';
export type { ActorKind, Role, SessionMode, SessionStatus } from '../../../generated/prisma/sqlite/enums.ts';

export type { Prisma };
export type UserRow = User;
export type SessionRow = Session;
export type AuditEventRow = AuditEvent;

/** The client handed to `$transaction(async (tx) => …)` callbacks. */
export type TransactionClient = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

/** True for a unique-constraint violation (Prisma's P2002), whatever the database. */
export const isUniqueViolation = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && (error as Prisma.PrismaClientKnownRequestError).code === 'P2002';
