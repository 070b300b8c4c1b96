import type { AuditEventRow } from '../core/db/index.ts';

const COLUMNS = ['sequence', 'at', 'actorKind', 'actorId', 'type', 'data', 'prevHash', 'hash'] as const;

/** One audit row as exported: everything needed to re-verify the chain elsewhere. */
export const toExported = (row: AuditEventRow) => ({
  sequence: row.sequence,
  at: row.at.toISOString(),
  actorKind: row.actorKind,
  actorId: row.actorId,
  type: row.type,
  data: row.data,
  prevHash: row.prevHash,
  hash: row.hash,
});

/**
 * RFC 4180 quoting, and no leading character a spreadsheet reads as the start of a formula: = + -
 * @, and TAB or CR, which some skip before looking for one.
 */
function csvField(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** A session's audit history as CSV, with a header row. */
export function auditCsv(rows: AuditEventRow[]): string {
  const lines = rows.map(toExported).map((row) => COLUMNS.map((column) => csvField(row[column])).join(','));
  return [COLUMNS.join(','), ...lines].join('\r\n') + '\r\n';
}
