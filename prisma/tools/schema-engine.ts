import { readFile, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { bindMigrationAwareSqlAdapterFactory, type SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';

/**
 * Prisma's schema engine as WebAssembly, driven through a driver adapter. The native engine that
 * the `prisma` CLI downloads cannot be fetched here; this one ships inside an npm package.
 */

const require = createRequire(import.meta.url);
const NO_FILTER = { externalTables: [], externalEnums: [] };

type Bindings = typeof import('@prisma/schema-engine-wasm/schema_engine_bg');
export type SchemaEngine = Awaited<ReturnType<Bindings['SchemaEngine']['new']>>;
type MigrationList = Parameters<SchemaEngine['applyMigrations']>[0]['migrationsList'];

let bindings: Promise<Bindings> | undefined;

/** Instantiates the .wasm by hand: Node cannot import a .wasm module directly. */
function loadBindings(): Promise<Bindings> {
  return (bindings ??= (async () => {
    const bgPath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const bg = (await import(bgPath)) as Bindings & { __wbg_set_wasm: (exports: unknown) => void };
    const bytes = await readFile(bgPath.replace(/\.js$/, '.wasm'));
    const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': bg as never });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start?: () => void }).__wbindgen_start?.();
    return bg;
  })());
}

export interface OpenSchemaEngine {
  engine: SchemaEngine;
  /** Frees the engine and closes the connections it opened (freeing alone leaves them open). */
  close(): Promise<void>;
}

/** A schema engine bound to one database (through `adapterFactory`) and one schema file. */
export async function openSchemaEngine(
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  schemaPath: string,
): Promise<OpenSchemaEngine> {
  const bg = await loadBindings();
  const schema = await readFile(schemaPath, 'utf8');
  const opened: { dispose(): Promise<void> }[] = [];
  const track = async <T extends { dispose(): Promise<void> }>(adapter: Promise<T>) => {
    const connected = await adapter;
    opened.push(connected);
    return connected;
  };
  const tracked: SqlMigrationAwareDriverAdapterFactory = Object.assign(
    Object.create(adapterFactory) as SqlMigrationAwareDriverAdapterFactory,
    {
      connect: () => track(adapterFactory.connect()),
      connectToShadowDb: async () => acceptScripts(await track(adapterFactory.connectToShadowDb())),
    },
  );
  const engine = await bg.SchemaEngine.new(
    { datamodels: [[path.basename(schemaPath), schema]] },
    () => {},
    bindMigrationAwareSqlAdapterFactory(tracked),
  );
  return {
    engine,
    close: async () => {
      engine.free();
      await Promise.allSettled(opened.map((adapter) => adapter.dispose()));
    },
  };
}

type ShadowAdapter = Awaited<ReturnType<SqlMigrationAwareDriverAdapterFactory['connectToShadowDb']>>;

/**
 * The engine replays whole migration files on the shadow database with `executeRaw`, which
 * better-sqlite3 refuses for more than one statement; such a call is run as a script instead.
 */
function acceptScripts(adapter: ShadowAdapter): ShadowAdapter {
  const executeRaw = adapter.executeRaw.bind(adapter);
  adapter.executeRaw = async (query) => {
    try {
      return await executeRaw(query);
    } catch (error) {
      if (!(error instanceof RangeError && /more than one statement/.test(error.message)) || query.args.length > 0) throw error;
      await adapter.executeScript(query.sql);
      return 0;
    }
  };
  return adapter;
}

/** Reads a migrations folder the way `prisma migrate deploy` does. */
export async function readMigrations(baseDir: string): Promise<MigrationList> {
  const lockPath = 'migration_lock.toml';
  const lockContent = await readFile(path.join(baseDir, lockPath), 'utf8').catch(() => null);
  const entries = await readdir(baseDir, { withFileTypes: true }).catch(() => []);
  const directories = await Promise.all(
    entries
      .filter((entry) => entry.isDirectory())
      .map(async (entry) => {
        const content = await readFile(path.join(baseDir, entry.name, 'migration.sql'), 'utf8').then(
          (value) => ({ tag: 'ok' as const, value }),
          (error: Error) => ({ tag: 'error' as const, value: error.message }),
        );
        return { path: entry.name, migrationFile: { path: 'migration.sql', content } };
      }),
  );
  directories.sort((a, b) => a.path.localeCompare(b.path));
  return { baseDir, lockfile: { path: lockPath, content: lockContent }, migrationDirectories: directories, shadowDbInitScript: '' };
}

/** Applies pending migrations, like `prisma migrate deploy`; returns the names applied. */
export async function applyMigrations(engine: SchemaEngine, migrationsDir: string): Promise<string[]> {
  const result = await engine.applyMigrations({ migrationsList: await readMigrations(migrationsDir), filters: NO_FILTER });
  return result.appliedMigrationNames;
}

/** SQL that takes the end state of `migrationsDir` (or nothing) to the schema in `schemaPath`. */
export async function diffMigrationsToSchema(engine: SchemaEngine, migrationsDir: string, schemaPath: string): Promise<string> {
  const list = await readMigrations(migrationsDir);
  const content = await readFile(schemaPath, 'utf8');
  const result = await engine.diff({
    from: list.migrationDirectories.length > 0 ? { tag: 'migrations', ...list } : { tag: 'empty' },
    to: { tag: 'schemaDatamodel', files: [{ path: path.basename(schemaPath), content }] },
    script: true,
    exitCode: null,
    filters: NO_FILTER,
  });
  return result.stdout ?? '';
}

/** SQL that takes one schema (or nothing) to another; needs no shadow database. */
export async function diffSchemas(engine: SchemaEngine, fromSchema: string | null, toSchema: string): Promise<string> {
  const file = (content: string) => ({ files: [{ path: 'schema.prisma', content }] });
  const result = await engine.diff({
    from: fromSchema === null ? { tag: 'empty' } : { tag: 'schemaDatamodel', ...file(fromSchema) },
    to: { tag: 'schemaDatamodel', ...file(toSchema) },
    script: true,
    exitCode: null,
    filters: NO_FILTER,
  });
  return result.stdout ?? '';
}
