import { setTimeout as sleep } from 'node:timers/promises';
import type { PrismaClient } from '../core/db/index.ts';
import { appendAuditEvent } from './append-audit-event.ts';
import type { Actor, AuditEventInput } from './audit-event-types.ts';
import { runAudited } from './run-audited.ts';

const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 5000;
/** On stop, how long to keep trying to write what is still queued (the database may be coming back). */
const CLOSE_TIMEOUT_MS = 30_000;

export interface AuditQueueOptions {
  /** The session's audit cap (MAX_AUDIT_EVENTS_PER_SESSION). */
  maxEventsPerSession: number;
  /** Events waiting across all sessions past which new ones are dropped and logged (AUDIT_QUEUE_MAX_EVENTS). */
  maxQueued: number;
  log?: (line: string) => void;
}

/**
 * The one durable path for audit events nobody waits for (page visits, supervisors watching):
 * `enqueue` returns at once; each session's events are written in order, one at a time, and a
 * write that fails (the database is briefly down) is retried with backoff until it lands.
 */
export interface AuditQueue {
  enqueue(sessionId: string, actor: Actor, event: AuditEventInput): void;
  /** Resolves once everything queued so far is written (tests, replay). */
  drain(): Promise<void>;
  /** Events waiting to be written. */
  readonly size: number;
  /** Events refused because the queue was full, since start. */
  readonly dropped: number;
  /** Stops taking events and writes what is left (for up to 30 s while the database is down). */
  close(): Promise<void>;
}

interface Entry {
  actor: Actor;
  event: AuditEventInput;
}

export function createAuditQueue(db: PrismaClient, options: AuditQueueOptions): AuditQueue {
  const log = options.log ?? ((line: string) => console.error(line));
  const queues = new Map<string, Entry[]>();
  const workers = new Map<string, Promise<void>>();
  let size = 0;
  let dropped = 0;
  let closing = false;
  let giveUpAt = Infinity;

  const sessionGone = (sessionId: string): Promise<boolean | undefined> =>
    db.session.count({ where: { id: sessionId } }).then(
      (count) => count === 0,
      () => undefined,
    );

  async function write(sessionId: string, entry: Entry): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await runAudited(db, (tx) => appendAuditEvent(tx, sessionId, entry.actor, entry.event, { maxEvents: options.maxEventsPerSession }));
        if (attempt > 0) log(`Audit queue: ${entry.event.type} for session ${sessionId} written after ${attempt} retries.`);
        return;
      } catch (error) {
        // The one failure retrying cannot fix: the session is gone. (While the database is down this
        // check fails too, and the write is retried.)
        if ((await sessionGone(sessionId)) === true) {
          log(`Audit queue: ${entry.event.type} for session ${sessionId} dropped: the session no longer exists.`);
          return;
        }
        if (Date.now() >= giveUpAt) throw error;
        if (attempt % 10 === 0) log(`Audit queue: writing ${entry.event.type} for session ${sessionId} failed, retrying: ${String(error)}`);
        await sleep(Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** attempt) * (0.5 + Math.random() / 2));
      }
    }
  }

  /** One worker per session with events waiting, so a session's events keep their order. */
  async function work(sessionId: string): Promise<void> {
    const queue = queues.get(sessionId)!;
    try {
      while (queue.length > 0) {
        await write(sessionId, queue[0]!);
        queue.shift();
        size -= 1;
      }
    } catch (error) {
      log(`Audit queue: ${queue.length} event(s) of session ${sessionId} could not be written before stop: ${String(error)}`);
      size -= queue.length;
      queue.length = 0;
    } finally {
      queues.delete(sessionId);
      workers.delete(sessionId);
    }
  }

  return {
    enqueue(sessionId, actor, event) {
      if (closing || size >= options.maxQueued) {
        dropped += 1;
        log(`Audit queue: ${event.type} for session ${sessionId} dropped (${closing ? 'stopping' : `${size} events waiting`}).`);
        return;
      }
      size += 1;
      const queue = queues.get(sessionId);
      if (queue) return void queue.push({ actor, event });
      queues.set(sessionId, [{ actor, event }]);
      workers.set(sessionId, work(sessionId));
    },
    async drain() {
      while (workers.size > 0) await Promise.all(workers.values());
    },
    get size() {
      return size;
    },
    get dropped() {
      return dropped;
    },
    async close() {
      closing = true;
      giveUpAt = Date.now() + CLOSE_TIMEOUT_MS;
      while (workers.size > 0) await Promise.all(workers.values());
    },
  };
}
