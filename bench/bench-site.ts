import { access, readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { canvasPage } from './canvas-page.ts';

/**
 * A real 660 KB documentation page nobody here wrote: Node.js's `fs` API reference, shipped by
 * Debian's `nodejs` package (the `node` this machine kind runs) with its stylesheets and script.
 */
export const LARGE_PAGE_DIR = process.env.BENCH_LARGE_PAGE_DIR ?? '/usr/share/doc/nodejs/api';
export const LARGE_PAGE_FILE = process.env.BENCH_LARGE_PAGE_FILE ?? 'fs.html';

const RRWEB_BUNDLE = fileURLToPath(new URL('../node_modules/rrweb/dist/rrweb.umd.min.cjs', import.meta.url));

/** The BroadcastChannel between the rrweb-alone tabs. */
const CHANNEL = 'bench-rrweb';

/** The customer's page of the mutation storms; the storms run in `#stage`. */
const stormPage = (scripts: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Mutation storm</title>
<style>body{font:14px system-ui,sans-serif;margin:24px} .item{padding:2px} .odd{color:#345}</style></head>
<body><h1>Statement</h1><main id="stage"></main>
${scripts}
</body></html>`;

/** rrweb alone, tab A: the same options as the widget's recorder where they decide what is recorded. */
const RECORD_ALONE = `<script src="/rrweb.js"></script><script>
const channel = new BroadcastChannel('${CHANNEL}');
rrweb.record({
  emit: (event) => channel.postMessage(event),
  sampling: { mousemove: 0, mousemoveCallback: 33, scroll: 50 },
  inlineStylesheet: true, recordCanvas: false, collectFonts: false, inlineImages: false,
});
</script>`;

/** rrweb alone, tab B: a live Replayer with the agent page's options (app/agent/live-replay.ts). */
const REPLAY_ALONE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>rrweb replay</title></head>
<body><div data-testid="cobrowse-view"></div><script src="/rrweb.js"></script><script>
const replayer = new rrweb.Replayer([], {
  root: document.querySelector('[data-testid=cobrowse-view]'),
  liveMode: true, mouseTail: false, triggerFocus: false, showWarning: false, showDebug: false, UNSAFE_replayCanvas: false,
});
replayer.startLive(Date.now());
new BroadcastChannel('${CHANNEL}').onmessage = (message) => replayer.addEvent({ ...message.data, timestamp: Date.now() });
</script></body></html>`;

/** The page as installed, the widget's script tag added before its last `</body>`. */
const withWidget = (html: string, tag: string) => {
  const end = html.lastIndexOf('</body>');
  return end < 0 ? html + tag : html.slice(0, end) + tag + html.slice(end);
};

export interface BenchSite {
  origin: string;
  close: () => Promise<void>;
}

/** Whether the large documentation page is installed on this machine. */
export const largePageInstalled = () =>
  access(path.join(LARGE_PAGE_DIR, LARGE_PAGE_FILE)).then(
    () => true,
    () => false,
  );

/**
 * The customer's site for the browser benchmarks, on its own origin: the mutation-storm page with
 * the widget (`/storm`) or with rrweb alone (`/storm-alone`, replayed at `/replay-alone`), and the
 * large documentation page served from where its package installed it, the widget's script tag
 * added before `</body>` (`/docs/<file>`). `widgetUrl` is read per request: the product's server
 * starts after this site, which it must allow.
 */
export function startBenchSite(widgetUrl: () => string): Promise<BenchSite> {
  const widgetTag = () => `<script src="${widgetUrl()}" defer></script>`;
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://site');
    const send = (type: string, body: string | Buffer) => response.writeHead(200, { 'content-type': type }).end(body);
    const fail = (status: number) => response.writeHead(status).end();
    if (url.pathname === '/storm') return send('text/html', stormPage(widgetTag()));
    if (url.pathname === '/canvas') return send('text/html', canvasPage(widgetTag()));
    if (url.pathname === '/storm-alone') return send('text/html', stormPage(RECORD_ALONE));
    if (url.pathname === '/replay-alone') return send('text/html', REPLAY_ALONE);
    if (url.pathname === '/rrweb.js')
      return void readFile(RRWEB_BUNDLE).then(
        (body) => send('text/javascript', body),
        () => fail(500),
      );
    if (!url.pathname.startsWith('/docs/')) return fail(404);
    const file = path.join(LARGE_PAGE_DIR, path.normalize(decodeURIComponent(url.pathname.slice('/docs/'.length))));
    if (!file.startsWith(LARGE_PAGE_DIR)) return fail(404);
    const type = file.endsWith('.html')
      ? 'text/html'
      : file.endsWith('.css')
        ? 'text/css'
        : file.endsWith('.js')
          ? 'text/javascript'
          : file.endsWith('.svg')
            ? 'image/svg+xml'
            : 'application/octet-stream';
    void readFile(file).then(
      (body) => send(type, type === 'text/html' ? withWidget(body.toString(), widgetTag()) : body),
      () => fail(404),
    );
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () => new Promise((done) => server.close(() => done())),
      }),
    ),
  );
}
