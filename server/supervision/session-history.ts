import type { Prisma } from '../../generated/prisma/sqlite/client.ts';
import { badInput } from '../core/errors.ts';
import type { ActorKind, PrismaClient, SessionStatus } from '../core/db/index.ts';
import type { SessionWithAgent } from '../sessions/session-state.ts';
import { decodeSessionCursor, encodeSessionCursor, pageSize } from './cursors.ts';

export interface SessionHistoryFilter {
  agentId?: string | null;
  status?: SessionStatus[] | null;
  endedBy?: ActorKind | null;
  endReason?: string | null;
  /** Started at or after. */
  from?: Date | null;
  /** Started at or before. */
  to?: Date | null;
  /** The customer: their e-mail or account ID exactly, or any text of what the site said about them. */
  customer?: string | null;
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number;
}

/** The Prisma condition for a filter; an empty filter matches every session. */
export function sessionFilterWhere(filter: SessionHistoryFilter): Prisma.SessionWhereInput {
  if (filter.from && filter.to && filter.from > filter.to) throw badInput('from must not be after to.');
  const where: Prisma.SessionWhereInput = {};
  if (filter.agentId) where.agentId = filter.agentId;
  if (filter.status?.length) where.status = { in: filter.status };
  if (filter.endedBy) where.endedBy = filter.endedBy;
  if (filter.endReason) where.endReason = filter.endReason;
  const customer = filter.customer?.trim();
  if (customer && customer.length > 200) throw badInput('customer is at most 200 characters.');
  if (customer) {
    where.OR = [{ customerEmail: customer.toLowerCase() }, { customerAccountId: customer }, { metadata: { contains: customer } }];
  }
  if (filter.from || filter.to) where.createdAt = { ...(filter.from && { gte: filter.from }), ...(filter.to && { lte: filter.to }) };
  return where;
}

/**
 * One page of sessions, newest first. Keyset pagination on (createdAt, id): a page never skips or
 * repeats a session when new ones start meanwhile, unlike an offset.
 */
export async function findSessionHistory(
  db: PrismaClient,
  filter: SessionHistoryFilter,
  page: { first?: number | null; after?: string | null },
): Promise<Connection<SessionWithAgent>> {
  const take = pageSize(page.first, 25);
  const where = sessionFilterWhere(filter);
  const after = page.after ? decodeSessionCursor(page.after) : null;
  const pageWhere: Prisma.SessionWhereInput = after
    ? {
        AND: [where, { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] }],
      }
    : where;
  const [rows, totalCount] = await Promise.all([
    // One extra row tells whether another page follows.
    db.session.findMany({ where: pageWhere, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: take + 1, include: { agent: true } }),
    db.session.count({ where }),
  ]);
  const nodes = rows.slice(0, take);
  const edges = nodes.map((node) => ({ cursor: encodeSessionCursor(node.createdAt, node.id), node }));
  return { edges, nodes, pageInfo: { hasNextPage: rows.length > take, endCursor: edges.at(-1)?.cursor ?? null }, totalCount };
}
