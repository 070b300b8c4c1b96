import { Prisma } from '../../generated/prisma/sqlite/client.ts';
import { badInput } from '../core/errors.ts';
import type { PrismaClient } from '../core/db/index.ts';
import { timeZoneSegments, type OffsetSegment } from './time-zone-offsets.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_STATS_RANGE_MS = 14 * DAY_MS;
export const MAX_STATS_RANGE_DAYS = 366;

const WRITE_MODE_EVENTS = ['WRITE_REQUESTED', 'WRITE_APPROVED', 'WRITE_DECLINED', 'WRITE_EXPIRED'] as const;

export interface SessionStatsQuery {
  from?: Date | null;
  to?: Date | null;
  /** IANA time zone the days are counted in. */
  timeZone?: string | null;
  agentId?: string | null;
}

export interface SessionStats {
  from: Date;
  to: Date;
  totalSessions: number;
  sessionsPerDay: { day: string; sessions: number }[];
  endedSessions: number;
  averageDurationSeconds: number | null;
  writeModeRequested: number;
  writeModeApproved: number;
  writeModeDeclined: number;
  writeModeExpired: number;
  writeModeApprovalRate: number | null;
}

/** Formats instants as YYYY-MM-DD in one time zone; refuses unknown zones with a clear error. */
function dayKeyFormatter(timeZone: string): (at: Date) => string {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  } catch {
    throw badInput(`timeZone "${timeZone}" is not an IANA time zone such as UTC or Europe/Paris.`);
  }
  return (at) => {
    const parts = Object.fromEntries(format.formatToParts(at).map((part) => [part.type, part.value]));
    return `${parts.year}-${parts.month}-${parts.day}`;
  };
}

/** Every calendar day from `first` to `last` (YYYY-MM-DD, inclusive). */
function daysBetween(first: string, last: string): string[] {
  const days: string[] = [];
  for (let at = Date.parse(`${first}T00:00:00Z`); at <= Date.parse(`${last}T00:00:00Z`); at += DAY_MS) {
    days.push(new Date(at).toISOString().slice(0, 10));
  }
  return days;
}

export type DatabaseProvider = 'sqlite' | 'postgresql';

/** SQL for a DateTime column as milliseconds since the epoch (UTC), on either database. */
const epochMs = (provider: DatabaseProvider, column: string): Prisma.Sql =>
  Prisma.raw(
    provider === 'sqlite'
      ? `CAST(ROUND((julianday("${column}") - 2440587.5) * 86400000) AS INTEGER)`
      : `(EXTRACT(EPOCH FROM "${column}") * 1000)::float8`,
  );

/** SQL for the local calendar day (YYYY-MM-DD) of an instant, from the time zone's UTC offsets over the range. */
function localDay(provider: DatabaseProvider, ms: Prisma.Sql, segments: OffsetSegment[]): Prisma.Sql {
  // The offsets are integers we computed, inlined so the CASE needs no parameters.
  const offset =
    segments.length === 1
      ? `${segments[0]!.offsetMs}`
      : `CASE ${segments
          .slice(0, -1)
          .map((segment) => `WHEN ${ms.sql} < ${segment.untilMs} THEN ${segment.offsetMs}`)
          .join(' ')} ELSE ${segments.at(-1)!.offsetMs} END`;
  const local = `(${ms.sql} + ${offset})`;
  return Prisma.raw(
    provider === 'sqlite'
      ? `strftime('%Y-%m-%d', ${local} / 1000, 'unixepoch')`
      : `to_char(to_timestamp(${local} / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD')`,
  );
}

const asNumber = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));

/**
 * Numbers for the supervisor's charts over sessions started in [from, to], counted and averaged by
 * the database (a year of sessions is never loaded into memory). Days are bucketed with the time
 * zone's UTC offsets over the range (worked out here, DST changes included), because SQLite has
 * no time zones; the same SQL shape runs on PostgreSQL.
 */
export async function computeSessionStats(
  db: PrismaClient,
  query: SessionStatsQuery,
  provider: DatabaseProvider = 'sqlite',
): Promise<SessionStats> {
  const to = query.to ?? new Date();
  const from = query.from ?? new Date(to.getTime() - DEFAULT_STATS_RANGE_MS);
  if (from > to) throw badInput('from must not be after to.');
  if (to.getTime() - from.getTime() > MAX_STATS_RANGE_DAYS * DAY_MS)
    throw badInput(`The range can be at most ${MAX_STATS_RANGE_DAYS} days.`);
  const timeZone = query.timeZone ?? 'UTC';
  const dayOf = dayKeyFormatter(timeZone);

  const createdMs = epochMs(provider, 'createdAt');
  const where = Prisma.sql`WHERE ${createdMs} >= ${from.getTime()} AND ${createdMs} <= ${to.getTime()}${
    query.agentId ? Prisma.sql` AND "agentId" = ${query.agentId}` : Prisma.empty
  }`;
  const sessionWhere = { createdAt: { gte: from, lte: to }, ...(query.agentId && { agentId: query.agentId }) };
  const [totals, days, writeModeCounts] = await Promise.all([
    db.$queryRaw<{ total: unknown; ended: unknown; average_ms: unknown }[]>`
      SELECT COUNT(*) AS total, COUNT("endedAt") AS ended, AVG(${epochMs(provider, 'endedAt')} - ${createdMs}) AS average_ms
      FROM "Session" ${where}`,
    db.$queryRaw<{ day: string; sessions: unknown }[]>`
      SELECT day, COUNT(*) AS sessions
      FROM (SELECT ${localDay(provider, createdMs, timeZoneSegments(timeZone, from.getTime(), to.getTime()))} AS day FROM "Session" ${where}) AS started
      GROUP BY day`,
    db.auditEvent.groupBy({
      by: ['type'],
      where: { type: { in: [...WRITE_MODE_EVENTS] }, session: sessionWhere },
      _count: { _all: true },
    }),
  ]);

  const perDay = new Map(daysBetween(dayOf(from), dayOf(to)).map((day) => [day, 0]));
  for (const row of days) perDay.set(row.day, asNumber(row.sessions));
  const endedSessions = asNumber(totals[0]?.ended);
  const averageMs = totals[0]?.average_ms;

  const count = (type: (typeof WRITE_MODE_EVENTS)[number]) => writeModeCounts.find((row) => row.type === type)?._count._all ?? 0;
  const requested = count('WRITE_REQUESTED');
  const approved = count('WRITE_APPROVED');
  return {
    from,
    to,
    totalSessions: asNumber(totals[0]?.total),
    sessionsPerDay: [...perDay].map(([day, count]) => ({ day, sessions: count })),
    endedSessions,
    averageDurationSeconds: endedSessions > 0 && averageMs !== null && averageMs !== undefined ? Number(averageMs) / 1000 : null,
    writeModeRequested: requested,
    writeModeApproved: approved,
    writeModeDeclined: count('WRITE_DECLINED'),
    writeModeExpired: count('WRITE_EXPIRED'),
    writeModeApprovalRate: requested > 0 ? approved / requested : null,
  };
}
