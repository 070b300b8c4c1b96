import { badInput } from '../core/errors.ts';

/** The most items one page of a connection may hold. */
export const MAX_PAGE_SIZE = 200;

/** `first` checked against 1..MAX_PAGE_SIZE. */
export function pageSize(first: number | null | undefined, fallback: number): number {
  const size = first ?? fallback;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) throw badInput(`first must be between 1 and ${MAX_PAGE_SIZE}.`);
  return size;
}

// Cursors are opaque to clients: base64url of a list tag and the sort key. The tag keeps a cursor
// of one list from being accepted by another.
const encode = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
const badCursor = () => badInput('after is not a cursor from this list; pass a pageInfo.endCursor you were given.');

function decode(cursor: string, tag: string): string {
  if (cursor.length > 200 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw badCursor();
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith(`${tag}:`)) throw badCursor();
  return text.slice(tag.length + 1);
}

/** Sessions sort by start time, then id, so sessions that started in the same millisecond keep one order. */
export const encodeSessionCursor = (createdAt: Date, id: string): string => encode(`session:${createdAt.getTime()}:${id}`);

export function decodeSessionCursor(cursor: string): { createdAt: Date; id: string } {
  const match = /^(\d{1,15}):(.+)$/.exec(decode(cursor, 'session'));
  if (!match) throw badCursor();
  return { createdAt: new Date(Number(match[1])), id: match[2]! };
}

/** Audit events sort by their per-session sequence number. */
export const encodeAuditCursor = (sequence: number): string => encode(`audit:${sequence}`);

export function decodeAuditCursor(cursor: string): number {
  const text = decode(cursor, 'audit');
  if (!/^\d{1,9}$/.test(text)) throw badCursor();
  return Number(text);
}

/** Recording chunks sort by their per-session sequence number. */
export const encodeRecordingCursor = (sequence: number): string => encode(`recording:${sequence}`);

export function decodeRecordingCursor(cursor: string): number {
  const text = decode(cursor, 'recording');
  if (!/^\d{1,9}$/.test(text)) throw badCursor();
  return Number(text);
}
