import type { WebSocket } from 'ws';
import { topics } from '../core/pubsub/index.ts';
import type { SessionDeps } from './deps.ts';
import { toSessionState } from './session-state.ts';
import { applyTransition } from './session-transitions.ts';

/**
 * Where the customer's page is connected, so the agent sees when the customer has gone. `Session.customerGoneAt` is the shared truth: null
 * while some instance holds a customer socket for the session, the time the last one closed
 * otherwise. Each instance counts its own customer sockets per session (two tabs, a reload whose
 * new page connects before the old one closed) and writes the column only when its count
 * crosses zero; `heartbeat` re-asserts the sessions it holds, so a late "gone" written by
 * another instance is corrected well before the gone-timeout could end the session.
 */
export interface CustomerPresence {
  /** A customer socket of `sessionId` was accepted (ignored if the socket already closed). */
  connected(socket: WebSocket, sessionId: string): void;
  /** A socket closed; only customer sockets passed to `connected` count. */
  disconnected(socket: WebSocket): void;
  /** Whether this instance holds a live customer socket of the session. */
  holds(sessionId: string): boolean;
  /** Clears a "gone" mark on every session this instance holds a customer socket of. */
  heartbeat(): Promise<void>;
  /** Marks the customers of this instance gone (they reconnect elsewhere) and stops counting. */
  stop(): Promise<void>;
}

type PresenceEvent = 'customer-connected' | 'customer-disconnected';

export interface PresenceOptions {
  /**
   * This process is the only instance (no Redis): no customer can be connected when it starts,
   * so sessions left "connected" by a crash are marked gone and can time out.
   */
  soleInstance: boolean;
  log?: (error: unknown) => void;
}

export function trackCustomerPresence(deps: SessionDeps, { soleInstance, log = console.error }: PresenceOptions): CustomerPresence {
  const sessionOf = new Map<WebSocket, string>();
  const counts = new Map<string, number>();
  // Writes per session run in order, so a close followed by a reconnect never ends as "gone".
  const queues = new Map<string, Promise<void>>();
  let stopped = false;

  const ready = soleInstance
    ? applyTransition(deps.db, 'customerGone', null, { guard: { customerGoneAt: null }, data: { customerGoneAt: new Date() } }).then(
        () => undefined,
        log,
      )
    : Promise.resolve();

  const inOrder = (sessionId: string, task: () => Promise<void>) => {
    const next = (queues.get(sessionId) ?? ready).then(task).catch(log);
    queues.set(sessionId, next);
    void next.then(() => queues.get(sessionId) === next && queues.delete(sessionId));
  };

  const announce = async (sessionId: string, event: PresenceEvent) => {
    const session = await deps.db.session.findUnique({ where: { id: sessionId }, include: { agent: true } });
    if (!session || session.status === 'ENDED') return;
    await deps.pubsub.publish(topics.toAgent(sessionId), { type: 'session', event, session: toSessionState(session) });
  };

  const markConnected = (sessionIds: string[]) =>
    applyTransition(deps.db, 'customerBack', sessionIds, { guard: { customerGoneAt: { not: null } }, data: { customerGoneAt: null } });

  const markGone = (sessionIds: string[]) =>
    applyTransition(deps.db, 'customerGone', sessionIds, { guard: { customerGoneAt: null }, data: { customerGoneAt: new Date() } });

  return {
    connected(socket, sessionId) {
      if (stopped || socket.readyState !== socket.OPEN || sessionOf.has(socket)) return;
      sessionOf.set(socket, sessionId);
      const count = (counts.get(sessionId) ?? 0) + 1;
      counts.set(sessionId, count);
      if (count > 1) return;
      inOrder(sessionId, async () => {
        await markConnected([sessionId]);
        if (counts.has(sessionId)) await announce(sessionId, 'customer-connected');
      });
    },

    disconnected(socket) {
      const sessionId = sessionOf.get(socket);
      if (sessionId === undefined) return;
      sessionOf.delete(socket);
      const count = (counts.get(sessionId) ?? 1) - 1;
      if (count > 0) return void counts.set(sessionId, count);
      counts.delete(sessionId);
      if (stopped) return;
      inOrder(sessionId, async () => {
        if (counts.has(sessionId)) return; // the page is already back (a reload)
        if ((await markGone([sessionId])) > 0) await announce(sessionId, 'customer-disconnected');
      });
    },

    holds: (sessionId) => counts.has(sessionId),

    async heartbeat() {
      await ready;
      const held = [...counts.keys()];
      if (held.length === 0 || (await markConnected(held)) === 0) return;
      // Another instance marked one of them gone by mistake (a close it saw late): say it is back.
      await Promise.all(held.map((sessionId) => announce(sessionId, 'customer-connected')));
    },

    async stop() {
      if (stopped) return;
      stopped = true;
      const held = [...counts.keys()];
      counts.clear();
      sessionOf.clear();
      await Promise.allSettled(queues.values());
      if (held.length === 0) return;
      try {
        await markGone(held);
        await Promise.all(held.map((sessionId) => announce(sessionId, 'customer-disconnected')));
      } catch (error) {
        log(error);
      }
    },
  };
}
