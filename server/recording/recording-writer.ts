import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import type { RecordedEvent } from '../../protocol/index.ts';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { isUniqueViolation, type PrismaClient } from '../core/db/index.ts';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** A session's events are written at most this often, as one compressed chunk (not one row per batch). */
const FLUSH_INTERVAL_MS = 2000;
/** …or as soon as this much JSON is waiting. */
const FLUSH_BYTES = 512 * 1024;
const ATTEMPTS = 5;
/** Capped sessions remembered by this instance (oldest forgotten first); the database stays the judge. */
const CAPPED_REMEMBERED = 10_000;

interface Pending {
  events: RecordedEvent[];
  bytes: number;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * Keeps the masked event stream of sessions whose site has recording on, for supervisors to replay. Batches are gathered
 * per session in memory and stored gzip-compressed every few seconds; `close` writes what is left.
 */
export interface RecordingWriter {
  append(sessionId: string, events: RecordedEvent[]): void;
  /** Writes a session's waiting events now (it ended, or a supervisor wants to replay it). */
  flush(sessionId: string): Promise<void>;
  close(): Promise<void>;
}

export interface RecordingOptions {
  /** Compressed bytes one session may keep (RECORDING_MAX_BYTES_PER_SESSION). */
  maxBytesPerSession: number;
}

export function createRecordingWriter(db: PrismaClient, options: RecordingOptions): RecordingWriter {
  const pending = new Map<string, Pending>();
  const writing = new Set<Promise<void>>();
  const capped = new Set<string>();

  /** Counts a chunk against the session's cap (Session.recordedBytes), atomically across instances. */
  async function reserve(sessionId: string, bytes: number): Promise<boolean> {
    const room = options.maxBytesPerSession - bytes;
    if (room < 0) return false;
    const counted = await db.session.updateMany({
      where: { id: sessionId, recordedBytes: { lte: room } },
      data: { recordedBytes: { increment: bytes } },
    });
    return counted.count === 1;
  }

  /** Past the cap the recording stops for good (the live stream is not touched), audited once. */
  async function stopRecording(sessionId: string) {
    if (capped.has(sessionId)) return;
    capped.add(sessionId);
    if (capped.size > CAPPED_REMEMBERED) capped.delete(capped.values().next().value as string);
    const noted = await db.auditEvent.findFirst({ where: { sessionId, type: 'RECORDING_CAPPED' }, select: { id: true } });
    if (noted) return; // another instance got there first
    await recordAuditEvent(
      db,
      sessionId,
      { kind: 'SYSTEM', id: null },
      { type: 'RECORDING_CAPPED', data: { maxBytes: options.maxBytesPerSession } },
    );
  }

  async function store(sessionId: string, events: RecordedEvent[]) {
    const data = await gzipAsync(JSON.stringify(events));
    if (!(await reserve(sessionId, data.length))) return stopRecording(sessionId);
    // The next sequence number; two instances writing at once retry on the unique (sessionId, sequence).
    for (let attempt = 1; ; attempt++) {
      const last = await db.recordingChunk.findFirst({ where: { sessionId }, orderBy: { sequence: 'desc' }, select: { sequence: true } });
      try {
        await db.recordingChunk.create({ data: { sessionId, sequence: (last?.sequence ?? 0) + 1, data } });
        return;
      } catch (error) {
        if (!isUniqueViolation(error) || attempt >= ATTEMPTS) throw error;
      }
    }
  }

  const flush = (sessionId: string): Promise<void> => {
    const entry = pending.get(sessionId);
    if (!entry) return Promise.all(writing).then(() => {});
    pending.delete(sessionId);
    clearTimeout(entry.timer);
    const write = store(sessionId, entry.events).catch((error: unknown) => console.error('Recording chunk lost:', error));
    writing.add(write);
    void write.finally(() => writing.delete(write));
    return write;
  };

  return {
    append(sessionId, events) {
      if (capped.has(sessionId)) return;
      const bytes = JSON.stringify(events).length;
      const entry = pending.get(sessionId) ?? {
        events: [],
        bytes: 0,
        timer: setTimeout(() => void flush(sessionId), FLUSH_INTERVAL_MS),
      };
      entry.events.push(...events);
      entry.bytes += bytes;
      pending.set(sessionId, entry);
      if (entry.bytes >= FLUSH_BYTES) void flush(sessionId);
    },
    flush,
    async close() {
      await Promise.all([...pending.keys()].map(flush));
      await Promise.all(writing);
    },
  };
}

/** A session's recorded events in order, decompressed. */
export async function readRecording(db: PrismaClient, sessionId: string): Promise<RecordedEvent[]> {
  const chunks = await db.recordingChunk.findMany({ where: { sessionId }, orderBy: { sequence: 'asc' }, select: { data: true } });
  const parts = await Promise.all(
    chunks.map(async ({ data }) => JSON.parse((await gunzipAsync(data)).toString('utf8')) as RecordedEvent[]),
  );
  return parts.flat();
}
