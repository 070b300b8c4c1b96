import { WebSocket } from 'ws';
import { PACKED_EVENTS_TAG } from '../protocol/index.ts';
import { launchBrowser } from '../test/support/browser.ts';
import { startOnPage } from '../test/support/cobrowse-pages.ts';
import { gql, signIn } from '../test/support/graphql-client.ts';
import { withUnpacked } from '../test/support/packed-frames.ts';
import { runStandalone } from './standalone.ts';
import { printVerdicts } from './targets.ts';

const ELEMENTS = 5000;
const RUNS = 5;
const HYDRATION_MS = 1000;
const JOIN = 'mutation($code: String!){ joinSession(code: $code){ id } }';
const REQUEST_SNAPSHOT = 'mutation($id: ID!){ sendSignal(sessionId: $id, signal: { type: "request-snapshot" }) }';
const EXIT = 'mutation($id: ID!){ exitSession(sessionId: $id){ id } }';

export interface SnapshotSummary {
  elements: number;
  runs: number;
  /** Median time from the agent's snapshot request reaching the widget (it starts recording then) to the snapshot frame leaving. */
  medianMs: number;
  /** The snapshot frame as it leaves (packed: deflated and base64), and the snapshot's JSON once inflated. */
  payloadKB: number;
  jsonKB: number;
  /** Whether this server's socket compressed frames in these runs. */
  compressed: boolean;
}

const countNodes = (value: unknown): number =>
  Array.isArray(value)
    ? value.reduce((sum: number, item) => sum + countNodes(item), 0)
    : typeof value === 'object' && value !== null
      ? ('tagName' in value ? 1 : 0) + Object.values(value).reduce((sum: number, item) => sum + countNodes(item), 0)
      : 0;

/** Adds `count` elements to the page: sections of headings, paragraphs, lists, links and form fields. */
const FILL_PAGE = `((count) => {
  const main = document.querySelector('main');
  let made = 0;
  while (made < count) {
    const section = document.createElement('section');
    section.className = 'bench-section';
    section.innerHTML =
      '<h3 class="title">Statement line</h3><p class="text">Payment to <a href="#">Northwind Grocery</a> on the <span>12th</span></p>' +
      '<ul class="list"><li>Amount <b>$42.10</b></li><li>Status <i>cleared</i></li></ul>' +
      '<label>Note <input name="note" value="groceries"></label>';
    main.append(section);
    made += section.querySelectorAll('*').length + 1;
  }
})`;

/** Whether the server agrees to compress a socket's frames (permessage-deflate) when a client offers it. */
function socketCompresses(baseUrl: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/api/graphql`, 'graphql-transport-ws', { perMessageDeflate: true });
    socket.once('open', () => {
      resolve(/permessage-deflate/.test(socket.extensions));
      socket.close();
    });
    socket.once('error', reject);
  });
}

/**
 * The widget's first full snapshot of a page of 5,000 elements — how long it takes to
 * leave the customer's browser once recording starts, and how large it is — read off the wire
 * through Chromium's DevTools protocol, in real Chromium.
 */
export async function measureFirstSnapshot(server: { url: string }, log: (line: string) => void): Promise<SnapshotSummary> {
  const browser = await launchBrowser();
  const times: number[] = [];
  let frame = '';
  let json = '';
  const compressed = await socketCompresses(server.url);
  // Nothing is recorded before an agent joins: an agent joins each run's session and asks for the page, as the agent page does.
  const agent = await signIn(server.url, 'agent@example.com');
  try {
    for (let run = 0; run < RUNS; run++) {
      const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
      // Playwright reports the widget's socket wherever it lives (a worker's is not on the
      // page's DevTools network domain); times are this process's clock at each report.
      let requestAt = 0;
      const snapshot = new Promise<{ at: number; data: string }>((resolve) => {
        page.on('websocket', (socket) => {
          socket.on('framereceived', ({ payload }) => {
            if (!requestAt && String(payload).includes('"snapshot-request"')) requestAt = performance.now();
          });
          socket.on('framesent', ({ payload }) => {
            const data = String(payload);
            // The first batch after the start holds the snapshot: packed, or plain on a small page.
            if (data.includes(PACKED_EVENTS_TAG) || data.includes('"type":2,"data":{"node"')) resolve({ at: performance.now(), data });
          });
        });
      });
      await page.goto(`${server.url}/demo`);
      // After hydration (React would drop nodes it did not render) and once the widget is there.
      await page.getByTestId('cobrowse-start').waitFor();
      await page.waitForTimeout(HYDRATION_MS);
      await page.evaluate(`${FILL_PAGE}(${ELEMENTS})`);
      const elements = await page.evaluate(() => document.querySelectorAll('*').length);
      const code = await startOnPage(page);
      const joined = await gql<{ joinSession: { id: string } }>(server.url, JOIN, { code }, { cookie: agent });
      if (!joined.data) throw new Error(`the agent could not join: ${JSON.stringify(joined.errors)}`);
      const sessionId = joined.data.joinSession.id;
      await gql(server.url, REQUEST_SNAPSHOT, { id: sessionId }, { cookie: agent });
      const sent = await snapshot;
      // A snapshot that left before the request was seen cannot be timed from it (the time since
      // this process started was taken instead): counted as infinitely late, as a missing sample.
      times.push(requestAt ? sent.at - requestAt : Infinity);
      await gql(server.url, EXIT, { id: sessionId }, { cookie: agent });
      log(
        `snapshot: run ${run + 1}: ${requestAt ? `${Math.round(times.at(-1)!)} ms` : 'left before its request was seen: not timed, counted as infinitely late'}`,
      );
      frame = sent.data;
      json = (await withUnpacked([frame])).texts.at(-1)!;
      // The frame must hold the whole page (React drops nodes added before it hydrates).
      if (run === 0) log(`snapshot: page of ${elements} elements, ${countNodes(JSON.parse(json))} in the snapshot`);
      await page.context().close();
    }
  } finally {
    await browser.close();
  }
  const sorted = [...times].sort((a, b) => a - b);
  const summary: SnapshotSummary = {
    elements: ELEMENTS,
    runs: RUNS,
    medianMs: Math.round(sorted[Math.floor(sorted.length / 2)]! * 10) / 10,
    payloadKB: Math.round(Buffer.byteLength(frame) / 102.4) / 10,
    jsonKB: Math.round(Buffer.byteLength(json) / 102.4) / 10,
    compressed,
  };
  log(
    `snapshot: first full snapshot of ${ELEMENTS}+ elements leaves in ${summary.medianMs} ms (median of ${RUNS}); ${summary.payloadKB} KB on the wire, ${summary.jsonKB} KB of JSON inflated (socket compression ${compressed ? 'on' : 'off'})`,
  );
  return summary;
}

runStandalone(import.meta.url, async (server, _site, log) => {
  const summary = await measureFirstSnapshot(server, log);
  return printVerdicts([
    { name: 'first snapshot, 5,000 elements', wanted: '≤ 150 ms', measured: `${summary.medianMs} ms`, met: summary.medianMs <= 150 },
    { name: 'first snapshot on the wire', wanted: '≤ 60 KB', measured: `${summary.payloadKB} KB`, met: summary.payloadKB <= 60 },
  ]);
});
