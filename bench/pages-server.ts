import { startTestServer } from '../test/support/test-server.ts';

// The product's server with its pages for the browser benchmarks, in a process of its own: the
// benchmarks time frames by Playwright's reports, which a server in the same event loop delayed
// (by 9–36 ms while it took in a snapshot). Allows the customer's site given as argument.
const server = await startTestServer({ pages: true, config: { allowedOrigins: [process.argv[2]!] } });
process.stdout.write(`READY ${server.url}\n`);
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
