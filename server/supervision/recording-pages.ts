import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { badInput } from '../core/errors.ts';
import type { RecordedEvent } from '../../protocol/index.ts';
import type { PrismaClient } from '../core/db/index.ts';
import { decodeRecordingCursor, encodeRecordingCursor } from './cursors.ts';

const gunzipAsync = promisify(gunzip);

/** A chunk holds a few seconds of events (at most ~512 KB of JSON), so a page stays a few MB at most. */
export const MAX_RECORDING_CHUNKS_PER_PAGE = 20;
const DEFAULT_RECORDING_CHUNKS_PER_PAGE = 10;

export interface RecordingPage {
  /** False when the site had recording off while the session ran. */
  available: boolean;
  events: RecordedEvent[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/**
 * One page of a session's recording, oldest first: `first` stored chunks after the cursor,
 * decompressed. A long session is read a page at a time instead of all at once into memory.
 */
export async function findRecordingPage(
  db: PrismaClient,
  sessionId: string,
  page: { first?: number | null; after?: string | null },
): Promise<RecordingPage> {
  const take = page.first ?? DEFAULT_RECORDING_CHUNKS_PER_PAGE;
  if (!Number.isInteger(take) || take < 1 || take > MAX_RECORDING_CHUNKS_PER_PAGE) {
    throw badInput(`first must be between 1 and ${MAX_RECORDING_CHUNKS_PER_PAGE} (chunks of a few seconds each).`);
  }
  const after = page.after ? decodeRecordingCursor(page.after) : 0;
  const [chunks, firstChunk] = await Promise.all([
    db.recordingChunk.findMany({
      where: { sessionId, sequence: { gt: after } },
      orderBy: { sequence: 'asc' },
      take: take + 1,
      select: { sequence: true, data: true },
    }),
    after > 0 ? db.recordingChunk.findFirst({ where: { sessionId }, select: { sequence: true } }) : null,
  ]);
  const kept = chunks.slice(0, take);
  const parts = await Promise.all(kept.map(async ({ data }) => JSON.parse((await gunzipAsync(data)).toString('utf8')) as RecordedEvent[]));
  const last = kept.at(-1);
  return {
    available: kept.length > 0 || firstChunk !== null,
    events: parts.flat(),
    pageInfo: { hasNextPage: chunks.length > take, endCursor: last ? encodeRecordingCursor(last.sequence) : null },
  };
}
