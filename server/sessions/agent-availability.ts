import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '../core/db/index.ts';

/** How often an open agent desktop says, on any instance, that its agent is still there. */
export const PRESENCE_HEARTBEAT_MS = 15_000;
/** An agent not heard from for this long counts as offline (an instance stopped without saying so). */
export const PRESENCE_WINDOW_MS = 40_000;

/**
 * Marks `userId` online for as long as one of their desktops holds a live offer subscription,
 * shared through the database so every instance sees it. Each subscription writes its own token:
 * when the last writer closes, the row goes at once; an older subscription of the same agent (a
 * second tab) writes its token back at its next heartbeat. Returns the function that stops it.
 */
export async function holdAgentPresence(
  db: Pick<PrismaClient, 'agentPresence'>,
  userId: string,
  log: (error: unknown) => void = console.error,
): Promise<() => void> {
  const token = randomUUID();
  const assert = () =>
    db.agentPresence.upsert({
      where: { userId },
      create: { userId, instanceId: token, seenAt: new Date() },
      update: { instanceId: token, seenAt: new Date() },
    });
  // Two desktops of one agent opening at once may race to create the row: the loser updates it.
  await assert().catch(assert);
  const timer = setInterval(() => void assert().catch(log), PRESENCE_HEARTBEAT_MS);
  timer.unref();
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    void db.agentPresence.deleteMany({ where: { userId, instanceId: token } }).catch(log);
  };
}

/** The users among `userIds` with an agent desktop open now. */
export async function onlineUserIds(db: Pick<PrismaClient, 'agentPresence'>, userIds?: string[]): Promise<Set<string>> {
  const rows = await db.agentPresence.findMany({
    where: { seenAt: { gt: new Date(Date.now() - PRESENCE_WINDOW_MS) }, ...(userIds && { userId: { in: userIds } }) },
    select: { userId: true },
  });
  return new Set(rows.map((row) => row.userId));
}
