import { pathToFileURL } from 'node:url';
import { startTestServer, type TestServer } from '../test/support/test-server.ts';
import { startBenchSite, type BenchSite } from './bench-site.ts';

/** The customer's site for the browser benchmarks, and a server with pages that allows it. */
export async function startSiteAndServer(): Promise<{ site: BenchSite; server: TestServer }> {
  let widgetUrl = '';
  const site = await startBenchSite(() => widgetUrl);
  const server = await startTestServer({ pages: true, config: { allowedOrigins: [site.origin] } });
  widgetUrl = `${server.url}/widget.js`;
  return { site, server };
}

/**
 * Runs a browser benchmark on its own (`node --import tsx bench/<file>.ts`) when `moduleUrl` is
 * the script Node was started with: a site and a server of its own, its targets printed, exit 1
 * when one is missed or the benchmark fails.
 */
export function runStandalone(
  moduleUrl: string,
  body: (server: TestServer, site: BenchSite, log: (line: string) => void) => Promise<boolean>,
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
    // Next.js keeps handles open and swallows uncaught errors: leave with the verdict ourselves.
    process.exit(met ? 0 : 1);
  })();
}
