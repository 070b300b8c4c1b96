// The capacity benchmark's server, counting the SQL statements it prepares; printed at SIGTERM.
// BENCH_SERVER_SCRIPT=./count-queries-server.ts shows which queries a relayed batch still costs.
// @ts-expect-error better-sqlite3 ships no types; only its prepare() is wrapped here.
import Database from 'better-sqlite3';

const counts = new Map<string, number>();
const proto = (Database as { prototype: { prepare: (sql: string) => unknown } }).prototype;
const prepare = proto.prepare;
proto.prepare = function (this: unknown, sql: string) {
  const key = sql.replace(/\s+/g, ' ').slice(0, 140);
  counts.set(key, (counts.get(key) ?? 0) + 1);
  return prepare.call(this, sql);
};
process.on('SIGTERM', () => {
  for (const [sql, n] of [...counts].sort((a, b) => b[1] - a[1]).slice(0, 25)) process.stderr.write(`${n}\t${sql}\n`);
});
await import('./cobrowse-server.ts');
