import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import type { RecordedEvent } from '../protocol/index.ts';
import { unpackAll } from '../protocol/packed-events.ts';
import { updateSiteSettings } from '../server/settings/site-settings.ts';
import { signInAs } from './support/browser.ts';
import { agentJoins, agentView, browserSuite } from './support/cobrowse-pages.ts';
import { withUnpacked } from './support/packed-frames.ts';
import { waitFor } from './support/wait-for.ts';

/** Rows enough that the first snapshot is over the packing threshold: it travels deflated. */
const ROWS = Array.from({ length: 400 }, (_, i) => `<li>Row ${i} of the reset page</li>`).join('');

/**
 * A customer's site on its own origin, embedding the widget from the co-browse server. rrweb
 * writes a link to `#main` down as the page's full address, query included.
 */
const PAGE = `
<main id="main">
  <a href="#main" data-testid="skip">Skip to content</a>
  <p data-testid="control">Visible-Control-7731</p>
  <label>Name <input data-testid="name"></label>
  <ul>${ROWS}</ul>
</main>`;

function siteServer() {
  let server: Server;
  let widgetUrl = '';
  const site = {
    origin: '',
    useWidgetFrom(serverUrl: string) {
      widgetUrl = `${serverUrl}/widget.js`;
    },
  };
  before(async () => {
    server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(`<!doctype html><title>Reset</title><body>${PAGE}<script src="${widgetUrl}"></script></body>`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    site.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return site;
}

interface Frame {
  sent: boolean;
  binary: boolean;
  text: string;
}

/**
 * Everything the customer's browser sends to the co-browse server — every WebSocket frame (the
 * widget's socket runs in a Web Worker, whose sockets Playwright reports as the page's), and the
 * URL, headers and body of every request — and the frames it gets back, in order.
 */
function captureCustomer(page: Page, serverUrl: string) {
  const frames: Frame[] = [];
  page.on('websocket', (socket) => {
    socket.on('framesent', ({ payload }) => frames.push({ sent: true, binary: typeof payload !== 'string', text: payload.toString() }));
    socket.on('framereceived', ({ payload }) =>
      frames.push({ sent: false, binary: typeof payload !== 'string', text: payload.toString() }),
    );
  });
  page.on('request', (request) => {
    if (!request.url().startsWith(serverUrl)) return; // the page loading itself from its own site
    const body = request.postData() ?? '';
    frames.push({ sent: true, binary: false, text: `${request.url()} ${JSON.stringify(request.headers())} ${body}` });
  });
  return frames;
}

const sentTexts = (frames: Frame[]) => frames.filter((frame) => frame.sent).map((frame) => frame.text);
const metaEvents = (texts: string[]) => texts.reduce((count, text) => count + text.split('"type":4,"data":{"href":').length - 1, 0);

const QUERY_SECRETS = ['Query-Secret-4471', 'Query-Secret-B-5583'];
const FRAGMENT_SECRETS = ['Fragment-Secret-9926', 'Fragment-Secret-B-7705', 'Fragment-Secret-C-8816'];
const SECRETS = [...QUERY_SECRETS, ...FRAGMENT_SECRETS];

describe('secrets in page addresses stay in the customer’s browser (Chromium)', () => {
  const suite = browserSuite();
  const site = siteServer();

  before(async () => {
    site.useWidgetFrom(suite.server.url);
    await updateSiteSettings(suite.server.deps.db, { allowedOrigins: [site.origin], recordingEnabled: true });
  });

  /** The session's stored recording, inflated, as one text. */
  async function recordingText(sessionId: string): Promise<string> {
    const chunks = await suite.server.deps.db.recordingChunk.findMany({ where: { sessionId }, orderBy: { sequence: 'asc' } });
    const events = chunks.flatMap((chunk) => JSON.parse(gunzipSync(chunk.data).toString()) as RecordedEvent[]);
    return JSON.stringify(await unpackAll(events));
  }

  /** The SQLite database's files as they are on disk (WAL mode: recent writes are in the -wal file). */
  async function databaseBytes(): Promise<Buffer> {
    const file = suite.server.deps.config.databaseUrl.replace(/^file:/, '');
    const parts = await Promise.all([file, `${file}-wal`].map((path) => readFile(path).catch(() => Buffer.alloc(0))));
    return Buffer.concat(parts);
  }

  it('strips query secrets and fragments from what is sent, recorded and stored, and keeps the allowed parameter', async () => {
    // The admin keeps one harmless parameter on the admin page.
    const admin = await suite.newPage(1400, 1000);
    await signInAs(admin, suite.server.url, 'admin@example.com', '/admin');
    await admin.getByTestId('admin-keptQueryParameters').fill('page=2');
    await admin.getByTestId('admin-save').click();
    await waitFor(
      async () => /"page=2" is not a parameter name/.test((await admin.getByTestId('admin-message').textContent()) ?? ''),
      'the refusal',
    );
    await admin.getByTestId('admin-keptQueryParameters').fill('page');
    await admin.getByTestId('admin-save').click();
    await waitFor(async () => /Saved/.test((await admin.getByTestId('admin-message').textContent()) ?? ''), 'the rule saved');

    const customer = await suite.newPage(1280, 900);
    const agent = await suite.newPage(1440, 1000);
    const frames = captureCustomer(customer, suite.server.url);

    await customer.goto(`${site.origin}/t/reset?token=${QUERY_SECRETS[0]}&page=Kept-Page-5120#access_token=${FRAGMENT_SECRETS[0]}`);
    // A chat opened on the page says where it started.
    await customer.getByTestId('cobrowse-chat-open').click();
    await customer.getByTestId('cobrowse-chat-input').fill('Chat-Control-4410');
    await customer.getByTestId('cobrowse-chat-send').click();
    await waitFor(
      async () =>
        (await customer.getByTestId('cobrowse-chat-message').allTextContents()).some((text) => text.includes('Chat-Control-4410')),
      'the chat message sent',
    );
    await customer.getByTestId('cobrowse-start').click();
    const code = await waitFor(
      async () => (await customer.getByTestId('cobrowse-session-id').textContent())?.replace(/\D/g, ''),
      'the session ID',
    );
    await agentJoins(agent, suite.server.url, code);
    const view = agentView(agent);
    await waitFor(() => view.getByTestId('control').count(), 'the page in the agent view');
    const customerUrl = () => agent.getByTestId('customer-url').textContent();
    await waitFor(
      async () => (await customerUrl()) === `${site.origin}/t/reset?page=Kept-Page-5120`,
      'the stripped address in the URL bar',
    );
    assert.equal(await view.getByTestId('skip').getAttribute('href'), `${site.origin}/t/reset?page=Kept-Page-5120#main`);

    // A single-page app moves on to another address with secrets, then only changes its fragment.
    await customer.evaluate(
      ([query, fragment]) => {
        history.pushState(null, '', `/t/next?token=${query}&page=Kept-Page-B-6694#id_token=${fragment}`);
        document.body.insertAdjacentHTML('beforeend', '<p>Next-Step-Marker</p>');
      },
      [QUERY_SECRETS[1]!, FRAGMENT_SECRETS[1]!],
    );
    await waitFor(async () => (await customerUrl()) === `${site.origin}/t/next?page=Kept-Page-B-6694`, 'the next address in the URL bar');
    const metasBefore = metaEvents((await withUnpacked(sentTexts(frames))).texts);
    await customer.evaluate((fragment) => {
      location.hash = `#access_token=${fragment}`;
      document.body.insertAdjacentHTML('beforeend', '<p>Hash-Change-Marker</p>');
    }, FRAGMENT_SECRETS[2]!);
    // The new fragment makes a fresh snapshot, with its own Meta event: sent once it is counted.
    await waitFor(
      async () => metaEvents((await withUnpacked(sentTexts(frames))).texts) > metasBefore,
      'the snapshot after the fragment changed',
    );
    await waitFor(() => view.getByText('Hash-Change-Marker').count(), 'the marker in the agent view');

    const session = await suite.server.deps.db.session.findUniqueOrThrow({ where: { code } });
    const visits = await waitFor(async () => {
      const rows = await suite.server.deps.db.auditEvent.findMany({ where: { sessionId: session.id, type: 'PAGE_VISITED' } });
      return rows.length === 2 ? rows : null;
    }, 'both page visits audited');
    await agent.getByTestId('exit-session').click();
    const recording = await waitFor(async () => {
      const text = await recordingText(session.id);
      return text.includes('Hash-Change-Marker') ? text : null;
    }, 'the recording stored to its end');

    // On the wire: what the browser sent, packed batches inflated.
    const { texts: wire, packed } = await withUnpacked(sentTexts(frames));
    assert.ok(packed > 0, 'the first snapshot travelled packed, and was searched inflated');
    assert.ok(
      frames.some((frame) => frame.sent && frame.binary),
      'the worker’s upload frames were captured',
    );
    assert.ok(
      wire.some((text) => text.includes('startChat') && text.includes(`${site.origin}/t/reset`)),
      'the chat’s start, with its page, was sent',
    );
    for (const control of ['Chat-Control-4410', 'Visible-Control-7731', 'Kept-Page-5120', 'Kept-Page-B-6694', 'Hash-Change-Marker'])
      assert.ok(
        wire.some((text) => text.includes(control)),
        `${control} was sent`,
      );
    for (const secret of SECRETS) assert.ok(!wire.some((text) => text.includes(secret)), `${secret} was sent`);

    // In the stored recording.
    for (const control of ['Visible-Control-7731', 'Kept-Page-5120', 'Kept-Page-B-6694'])
      assert.ok(recording.includes(control), `${control} is in the recording`);
    for (const secret of SECRETS) assert.ok(!recording.includes(secret), `${secret} is in the recording`);

    // In the database: the session row, the audit trail, and the files as they are on disk.
    assert.equal(session.url, `${site.origin}/t/reset`);
    assert.deepEqual(
      visits.map((row) => (JSON.parse(row.data) as { url: string }).url),
      [`${site.origin}/t/reset?page=Kept-Page-5120`, `${site.origin}/t/next?page=Kept-Page-B-6694`],
    );
    const database = await databaseBytes();
    assert.ok(database.includes('Kept-Page-5120'), 'the database files hold the kept parameter');
    for (const secret of SECRETS) assert.ok(!database.includes(secret), `${secret} is in the database files`);
  });

  it('sends nothing of the page before an agent joins, and snapshots it as it is at the join', async () => {
    const customer = await suite.newPage(1280, 900);
    const agent = await suite.newPage(1440, 1000);
    const frames = captureCustomer(customer, suite.server.url);
    await customer.goto(`${site.origin}/t/form`);
    await customer.getByTestId('cobrowse-start').click();
    const code = await waitFor(
      async () => (await customer.getByTestId('cobrowse-session-id').textContent())?.replace(/\D/g, ''),
      'the session ID',
    );
    // The widget follows its session (its first state came back), then the customer types.
    await waitFor(() => frames.some((frame) => !frame.sent && frame.text.includes('"event":"state"')), 'the session’s state');
    await customer.getByTestId('name').pressSequentially('Typed-Before-Join-3301');
    // The socket's next keep-alive ping is sent after the typing: the socket was open and
    // sending all along, and a recorded batch (sent within a frame) would be on the wire by then.
    const pings = () => frames.filter((frame) => frame.sent && frame.text === '{"type":"ping"}').length;
    const pingsAfterTyping = pings();
    await waitFor(() => pings() > pingsAfterTyping, 'a keep-alive ping after the typing', 20_000);

    const beforeJoin = frames.slice();
    assert.ok(customer.workers().length > 0, 'the widget’s socket runs in a worker');
    assert.ok(
      beforeJoin.some((frame) => frame.sent && frame.text.includes('sessionStream')),
      'the capture saw the session’s own frames',
    );
    assert.ok(!beforeJoin.some((frame) => frame.sent && frame.binary), 'no event batch was uploaded before the join');
    for (const leak of ['sendEvents', '"events"', 'Typed-Before-Join', 'Visible-Control-7731'])
      assert.ok(!beforeJoin.some((frame) => frame.sent && frame.text.includes(leak)), `${leak} was sent before the join`);
    const session = await suite.server.deps.db.session.findUniqueOrThrow({ where: { code } });
    assert.equal(session.status, 'WAITING');

    await agentJoins(agent, suite.server.url, code);
    const view = agentView(agent);
    await waitFor(
      async () => (await view.getByTestId('name').inputValue({ timeout: 500 })) === 'Typed-Before-Join-3301',
      'the field as typed before the join, in the agent view',
    );
    const afterJoin = frames.slice(beforeJoin.length);
    assert.ok(
      afterJoin.some((frame) => frame.sent && frame.binary),
      'event batches were uploaded once the agent joined',
    );
    const { texts } = await withUnpacked(sentTexts(afterJoin));
    assert.ok(
      texts.some((text) => text.includes('Visible-Control-7731')),
      'the page went out after the join',
    );
    await agent.getByTestId('exit-session').click();
    const recording = await waitFor(async () => {
      const text = await recordingText(session.id);
      return text.includes('Visible-Control-7731') ? text : null;
    }, 'the recording from the join on');
    const firstRecorded = (JSON.parse(recording) as RecordedEvent[])[0]!;
    const joinedAt = (await suite.server.deps.db.session.findUniqueOrThrow({ where: { code } })).joinedAt!;
    assert.ok(firstRecorded.timestamp >= joinedAt.getTime(), 'the recording starts at the join');
  });
});
