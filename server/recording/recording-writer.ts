import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import type { RecordedEvent } from '../../protocol/index.ts';
import { recordAuditEvent } from '../audit/record-audit-event.ts';
import { isUniqueViolation, type PrismaClient } from '../core/db/index.ts';
import type { RecordingLimit, RecordingQuotas } from '../limits/storage-quotas.ts';

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
  /** The client address that sent the newest of these events, charged for storing them. */
  address: string;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * Keeps the masked event stream of sessions whose site has recording on, for supervisors to replay. Batches are gathered
 * per session in memory and stored gzip-compressed every few seconds; `close` writes what is left.
 */
export interface RecordingWriter {
  /** Events of a session, uploaded from the client `address` (charged against its hourly quota). */
  append(sessionId: string, events: RecordedEvent[], address: string): void;
  /** Writes a session's waiting events now (it ended, or a supervisor wants to replay it). */
  flush(sessionId: string): Promise<void>;
  close(): Promise<void>;
}

export interface RecordingOptions {
  /**
   * Bytes one session may keep (RECORDING_MAX_BYTES_PER_SESSION), counted before compression: a
   * highly compressible stream would otherwise store a thousand times the cap.
   */
  maxBytesPerSession: number;
  /** The hourly and site-wide quotas each chunk is charged against first. */
  quotas: RecordingQuotas;
}

export function createRecordingWriter(db: PrismaClient, options: RecordingOptions): RecordingWriter {
  const pending = new Map<string, Pending>();
  const writing = new Set<Promise<void>>();
  const capped = new Set<string>();

  /** Counts a chunk's uncompressed bytes against the session's cap (Session.recordedBytes), atomically across instances. */
  async function reserve(sessionId: string, bytes: number): Promise<boolean> {
    const room = options.maxBytesPerSession - bytes;
    if (room < 0) return false;
    const counted = await db.session.updateMany({
      where: { id: sessionId, recordedBytes: { lte: room } },
      data: { recordedBytes: { increment: bytes } },
    });
    return counted.count === 1;
  }

  /** Past a cap or quota the recording stops for good (the live stream is not touched), audited once. */
  async function stopRecording(sessionId: string, limit: RecordingLimit) {
    if (capped.has(sessionId)) return;
    capped.add(sessionId);
    if (capped.size > CAPPED_REMEMBERED) capped.delete(capped.values().next().value as string);
    const noted = await db.auditEvent.findFirst({ where: { sessionId, type: 'RECORDING_CAPPED' }, select: { id: true } });
    if (noted) return; // another instance got there first
    await recordAuditEvent(
      db,
      sessionId,
      { kind: 'SYSTEM', id: null },
      {
        type: 'RECORDING_CAPPED',
        data: { limit, maxBytes: limit === 'session' ? options.maxBytesPerSession : options.quotas.maxBytesOf(limit) },
      },
    );
  }

  async function store(sessionId: string, { events, address }: Pending) {
    const json = JSON.stringify(events);
    const bytes = Buffer.byteLength(json);
    const session = await db.session.findUnique({ where: { id: sessionId }, select: { origin: true } });
    if (!session) return;
    const source = { origin: session.origin, address };
    const overQuota = await options.quotas.charge(source, bytes);
    if (overQuota) return stopRecording(sessionId, overQuota);
    if (!(await reserve(sessionId, bytes))) {
      await options.quotas.refund(source, bytes);
      return stopRecording(sessionId, 'session');
    }
    const data = await gzipAsync(json);
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
    const write = store(sessionId, entry).catch((error: unknown) => console.error('Recording chunk lost:', error));
    writing.add(write);
    void write.finally(() => writing.delete(write));
    return write;
  };

  return {
    append(sessionId, events, address) {
      if (capped.has(sessionId)) return;
      const bytes = JSON.stringify(events).length;
      const entry = pending.get(sessionId) ?? {
        events: [],
        bytes: 0,
        address,
        timer: setTimeout(() => void flush(sessionId), FLUSH_INTERVAL_MS),
      };
      entry.events.push(...events);
      entry.bytes += bytes;
      entry.address = address;
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
