import type { PrismaClient } from '../core/db/index.ts';

/** What becomes of a session's next page visit: audited, replaced by the one "limit reached" row, or not written. */
export type PageVisitOutcome = 'audit' | 'cap' | 'drop';

/**
 * A session's page visits as counted on one connection: read from its audit trail once (so a
 * reconnecting client does not start again from zero), then counted here. A client that sends
 * a new address with every batch gets `max` rows and one PAGE_VISITS_CAPPED row, not thousands.
 */
export function createPageVisitCap(db: PrismaClient, max: number) {
  const counted = new Map<string, Promise<number>>();
  return {
    async next(sessionId: string): Promise<PageVisitOutcome> {
      const before =
        counted.get(sessionId) ?? db.auditEvent.count({ where: { sessionId, type: { in: ['PAGE_VISITED', 'PAGE_VISITS_CAPPED'] } } });
      const seen = await before;
      counted.set(sessionId, Promise.resolve(seen + 1));
      return seen < max ? 'audit' : seen === max ? 'cap' : 'drop';
    },
  };
}
