import { notFound } from '../core/errors.ts';
import type { AuditEventRow, PrismaClient } from '../core/db/index.ts';
import { decodeAuditCursor, encodeAuditCursor, pageSize } from './cursors.ts';
import type { Connection } from './session-history.ts';

/** One page of a session's audit events, oldest first (the order their hash chain runs in). */
export async function findAuditEvents(
  db: PrismaClient,
  sessionId: string,
  page: { first?: number | null; after?: string | null },
): Promise<Connection<AuditEventRow>> {
  const take = pageSize(page.first, 100);
  const after = page.after ? decodeAuditCursor(page.after) : null;
  const session = await db.session.findUnique({ where: { id: sessionId }, select: { id: true } });
  if (!session) throw notFound('No such session.');
  const [rows, totalCount] = await Promise.all([
    db.auditEvent.findMany({
      where: { sessionId, ...(after !== null && { sequence: { gt: after } }) },
      orderBy: { sequence: 'asc' },
      take: take + 1,
    }),
    db.auditEvent.count({ where: { sessionId } }),
  ]);
  const nodes = rows.slice(0, take);
  const edges = nodes.map((node) => ({ cursor: encodeAuditCursor(node.sequence), node }));
  return { edges, nodes, pageInfo: { hasNextPage: rows.length > take, endCursor: edges.at(-1)?.cursor ?? null }, totalCount };
}
