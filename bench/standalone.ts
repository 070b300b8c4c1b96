import { pathToFileURL } from 'node:url';
import { startBenchSite, type BenchSite } from './bench-site.ts';
import { spawnServer } from './spawn-server.ts';

/** The product's server with pages, as the browser benchmarks use it. */
export interface PagesServer {
  url: string;
  close: () => Promise<void>;
}

/** The customer's site for the browser benchmarks, and a server with pages (its own process) that allows it. */
export async function startSiteAndServer(): Promise<{ site: BenchSite; server: PagesServer }> {
  let widgetUrl = '';
  const site = await startBenchSite(() => widgetUrl);
  const spawned = await spawnServer('./pages-server.ts', [site.origin]);
  widgetUrl = `${spawned.url}/widget.js`;
  return { site, server: { url: spawned.url, close: spawned.stop } };
}

/**
 * Runs a browser benchmark on its own (`node --import tsx bench/<file>.ts`) when `moduleUrl` is
 * the script Node was started with: a site and a server of its own, its targets printed, exit 1
 * when one is missed or the benchmark fails.
 */
export function runStandalone(
  moduleUrl: string,
  body: (server: PagesServer, site: BenchSite, log: (line: string) => void) => Promise<boolean>,
): void {
  if (!process.argv[1] || pathToFileURL(process.argv[1]).href !== moduleUrl) return;
  void (async () => {
    const { site, server } = await startSiteAndServer();
    let met = false;
    try {
      met = await body(server, site, (line) => console.log(line));
    } catch (error) {
      console.error('BENCH FAILED:', error);
    } finally {
      await server.close();
      await site.close();
    }
    // Leave with the verdict, whatever handles are still open.
    process.exit(met ? 0 : 1);
  })();
}
