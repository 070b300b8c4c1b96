import { badInput } from '../../graphql/errors.ts';
import type { PrismaClient } from '../db/index.ts';

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

/**
 * Numbers for the supervisor's charts over sessions started in [from, to]. Only the few columns
 * needed are read and aggregated here rather than in SQL: date bucketing differs between SQLite and
 * PostgreSQL, and a year of sessions is a small read.
 */
export async function computeSessionStats(db: PrismaClient, query: SessionStatsQuery): Promise<SessionStats> {
  const to = query.to ?? new Date();
  const from = query.from ?? new Date(to.getTime() - DEFAULT_STATS_RANGE_MS);
  if (from > to) throw badInput('from must not be after to.');
  if (to.getTime() - from.getTime() > MAX_STATS_RANGE_DAYS * DAY_MS)
    throw badInput(`The range can be at most ${MAX_STATS_RANGE_DAYS} days.`);
  const dayOf = dayKeyFormatter(query.timeZone ?? 'UTC');

  const sessionWhere = { createdAt: { gte: from, lte: to }, ...(query.agentId && { agentId: query.agentId }) };
  const [sessions, writeModeCounts] = await Promise.all([
    db.session.findMany({ where: sessionWhere, select: { createdAt: true, endedAt: true } }),
    db.auditEvent.groupBy({
      by: ['type'],
      where: { type: { in: [...WRITE_MODE_EVENTS] }, session: sessionWhere },
      _count: { _all: true },
    }),
  ]);

  const perDay = new Map(daysBetween(dayOf(from), dayOf(to)).map((day) => [day, 0]));
  let endedSessions = 0;
  let totalDurationMs = 0;
  for (const session of sessions) {
    const day = dayOf(session.createdAt);
    perDay.set(day, (perDay.get(day) ?? 0) + 1);
    if (session.endedAt) {
      endedSessions += 1;
      totalDurationMs += session.endedAt.getTime() - session.createdAt.getTime();
    }
  }

  const count = (type: (typeof WRITE_MODE_EVENTS)[number]) => writeModeCounts.find((row) => row.type === type)?._count._all ?? 0;
  const requested = count('WRITE_REQUESTED');
  const approved = count('WRITE_APPROVED');
  return {
    from,
    to,
    totalSessions: sessions.length,
    sessionsPerDay: [...perDay].map(([day, count]) => ({ day, sessions: count })),
    endedSessions,
    averageDurationSeconds: endedSessions > 0 ? totalDurationMs / endedSessions / 1000 : null,
    writeModeRequested: requested,
    writeModeApproved: approved,
    writeModeDeclined: count('WRITE_DECLINED'),
    writeModeExpired: count('WRITE_EXPIRED'),
    writeModeApprovalRate: requested > 0 ? approved / requested : null,
  };
}
