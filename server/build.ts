/**
 * Builds the server: server/main.ts → dist/server/main.js, one ES module for Node with a source
 * map, so production runs JavaScript rather than TypeScript through tsx. Packages stay imports of
 * node_modules (installed beside it); our own modules, the generated Prisma clients and the SDL
 * are bundled in. Run with `npm run build:server` (part of `npm run build`).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The compiled server: what `npm start` and the image run. */
export const SERVER_OUTFILE = path.join(REPO_ROOT, 'dist', 'server', 'main.js');

/** The oldest Node the server runs on (the engines field; CI runs it, the image a newer LTS). */
const NODE_TARGET = 'node20.19';

/** Bundles the server into `outfile`; returns its size in bytes. */
export async function buildServer(outfile = SERVER_OUTFILE): Promise<number> {
  const result = await build({
    absWorkingDir: REPO_ROOT,
    entryPoints: ['server/main.ts'],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: NODE_TARGET,
    packages: 'external',
    sourcemap: true,
    metafile: true,
    logLevel: 'warning',
  });
  return result.metafile.outputs[path.relative(REPO_ROOT, outfile)]!.bytes;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const bytes = await buildServer();
  console.log(`${path.relative(REPO_ROOT, SERVER_OUTFILE)}: ${(bytes / 1024).toFixed(0)} KB`);
}
