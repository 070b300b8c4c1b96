import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { RecordedEvent, StreamMessage } from '../protocol/index.ts';
import { startServer, type RunningServer } from '../server/start-server.ts';
import { buildWidget } from '../widget/build.ts';
import { launchBrowser } from './support/browser.ts';
import { gql, signIn, wsClient, wsCollect, wsExecute } from './support/graphql-client.ts';
import { assertNoneCaptured } from './support/network-capture.ts';
import { waitFor } from './support/wait-for.ts';

const JOIN = 'mutation($code: String!){ joinSession(code: $code){ id } }';
const EXIT = 'mutation($id: ID!){ exitSession(sessionId: $id){ id } }';
const STREAM = 'subscription($id: ID!){ sessionStream(sessionId: $id) }';
const SEND_SIGNAL = 'mutation($id: ID!, $signal: JSON!){ sendSignal(sessionId: $id, signal: $signal) }';

/** Values typed into masked fields; none may reach the wire or the database. */
const SECRETS = ['hunter2-secret', 'shown-Pass', '4111111111111111', 'note-SECRET', 'Account 987654321'];
/** The customer's page: its path is stored with the session, where a masked value would be, and is searched for first. */
const CONTROL_PATH = '/visible-shop-path';

/** A customer site on its own origin that embeds the widget with one tag, as a company's own site would. */
function sitePage(widgetUrl: string, title: string): string {
  return `<!doctype html><html lang="en"><head><title>${title}</title></head><body>
<h1>${title}</h1>
<form onsubmit="return false">
  <label>Name <input id="name"></label>
  <label>Password <input id="pw" type="password"></label>
  <button type="button" id="show" onclick="pw.type = pw.type === 'password' ? 'text' : 'password'">Show password</button>
  <label>Card <input id="card" autocomplete="cc-number"></label>
  <label>Note <input id="note" data-cobrowse-mask></label>
  <p data-cobrowse-mask>Account 987654321</p>
  <button type="button" id="target" style="display:block;margin:120px 0 0 240px;width:200px;height:100px">Target</button>
</form>
<a href="/two">Page two</a>
<script src="${widgetUrl}" defer></script>
</body></html>`;
}

const isFullSnapshot = (event: RecordedEvent) => event.type === 2;

describe('the customer widget in a real browser', () => {
  let dir: string;
  let databaseUrl: string;
  let site: Server;
  let siteUrl: string;
  let server: RunningServer;
  let port: number;
  let browser: Browser;
  let agentCookie: string;
  let agent2Cookie: string;
  const wire: string[] = [];

  const start = async () => {
    server = await startServer({
      pages: false,
      log: () => {},
      config: { port, host: '127.0.0.1', databaseUrl, seedDemoUsers: true, allowedOrigins: [siteUrl] },
    });
    port = Number(new URL(server.url).port);
  };

  before(async () => {
    await buildWidget();
    dir = await mkdtemp(path.join(tmpdir(), 'cobrowse-widget-'));
    databaseUrl = `file:${path.join(dir, 'test.db')}`;
    site = createServer((request, response) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(sitePage(`http://127.0.0.1:${port}/widget.js`, request.url === '/two' ? 'Page two' : 'Shop'));
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    port = 0;
    await start();
    agentCookie = await signIn(server.url, 'agent@example.com');
    agent2Cookie = await signIn(server.url, 'agent2@example.com');
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    site?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /**
   * A fresh tab on the customer site; everything it sends is kept in `wire` (Playwright reports the
   * socket the widget runs in a worker as the page's).
   */
  async function customerPage(path = '/'): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
    page.on('websocket', (socket) => socket.on('framesent', (frame) => wire.push(frame.payload.toString())));
    page.on('request', (request) => wire.push(request.postData() ?? ''));
    await page.goto(`${siteUrl}${path}`);
    return page;
  }

  const notices = (page: Page) => page.getByTestId('cobrowse-notice').allTextContents();
  async function waitForNotice(page: Page, text: string, timeoutMs = 5000) {
    for (let i = 0; i < timeoutMs / 50 && !(await notices(page)).some((notice) => notice.includes(text)); i++)
      await page.waitForTimeout(50);
    assert.ok(
      (await notices(page)).some((notice) => notice.includes(text)),
      `no notice "${text}" in ${JSON.stringify(await notices(page))}`,
    );
  }

  async function startFromButton(page: Page) {
    await page.getByTestId('cobrowse-start').click();
    // The ID element exists (empty) before the start request answers, so wait for the digits.
    return waitFor(
      async () => /\d{9}/.exec((await page.getByTestId('cobrowse-session-id').textContent()) ?? '')?.[0],
      'the nine-digit session ID',
      5000,
    );
  }

  async function joinAsAgent(code: string, cookie = agentCookie) {
    const joined = await gql<{ joinSession: { id: string } }>(server.url, JOIN, { code }, { cookie });
    const sessionId = joined.data?.joinSession.id;
    assert.ok(sessionId, JSON.stringify(joined.errors));
    const agent = wsClient(server.url, { cookie });
    const stream = wsCollect<StreamMessage>(agent, STREAM, { id: sessionId });
    const signal = (value: object) => wsExecute(agent, SEND_SIGNAL, { id: sessionId, signal: value });
    return { sessionId, agent, stream, signal };
  }

  it('starts a session, masks secrets in the browser, and shows the agent pointer and clicks', async () => {
    const page = await customerPage(CONTROL_PATH);
    assert.equal(
      await page.evaluate(() =>
        Object.keys(window)
          .filter((key) => /cobrowse/i.test(key))
          .join(),
      ),
      'Cobrowse',
    );
    await page.fill('#pw', 'hunter2-secret');
    await page.fill('#card', '4111111111111111');
    const code = await startFromButton(page);
    await waitForNotice(page, 'Session started. Read the ID to your agent.');

    const { sessionId, agent, stream, signal } = await joinAsAgent(code);
    await waitForNotice(page, 'Alex Agent joined your co-browse session');
    await signal({ type: 'request-snapshot' });
    const snapshot = await stream.next((message) => message.type === 'events' && message.batch.events.some(isFullSnapshot));

    // Typing after the start, and a "show password" toggle, stay masked too.
    await page.click('#pw');
    await page.keyboard.type('shown-Pass');
    await page.click('#show');
    await page.click('#pw');
    await page.keyboard.type('X');
    await page.fill('#note', 'note-SECRET');
    await page.fill('#name', 'Visible Name'); // typed last: when it has arrived, so has all before it
    await page.click('#name');
    await stream.next((message) => JSON.stringify(message).includes('Visible Name'));

    // The pointer lands on the same element whatever the window sizes, at the same fraction of its box.
    let targetId: number | undefined;
    const find = (node: { id: number; attributes?: Record<string, unknown>; childNodes?: unknown[] }) => {
      if (node.attributes?.id === 'target') targetId = node.id;
      node.childNodes?.forEach((child) => find(child as typeof node));
    };
    const full = snapshot.type === 'events' ? snapshot.batch.events.find(isFullSnapshot) : undefined;
    find((full?.data as { node: Parameters<typeof find>[0] }).node);
    assert.ok(targetId, 'the target button is in the snapshot');
    await signal({ type: 'pointer', target: { x: 1, y: 1, nodeId: targetId, rx: 0.25, ry: 0.5 } });
    const pointer = page.getByTestId('cobrowse-agent-pointer');
    await pointer.waitFor({ state: 'visible' });
    // It glides there (for 50 ms): its tip ends at a quarter of the box's width, half its height.
    const box = (await page.locator('#target').boundingBox())!;
    await waitFor(async () => {
      const at = (await pointer.boundingBox())!;
      if (Math.abs(at.x + 3 - (box.x + box.width / 4)) < 2 && Math.abs(at.y + 2 - (box.y + box.height / 2)) < 2) return true;
      throw new Error(`pointer at ${at.x},${at.y}`);
    }, 'the pointer on the target');

    await signal({ type: 'click', target: { x: 300, y: 200 } });
    await page.getByTestId('cobrowse-click-ring').waitFor({ state: 'visible' });
    await page.getByTestId('cobrowse-click-ring').waitFor({ state: 'detached', timeout: 3000 });

    // Searched with packed batches inflated, once a value typed after the secrets is seen there.
    const secrets = Object.fromEntries(SECRETS.map((secret) => [secret, secret]));
    const controls = { pageText: 'Show password', typedLast: 'Visible Name' };
    await assertNoneCaptured(() => wire, { controls, secrets, where: 'what the customer’s browser sent' });
    const received = await assertNoneCaptured(() => stream.values.map((message) => JSON.stringify(message)), {
      controls,
      secrets,
      where: 'the agent’s stream',
    });
    assert.ok(!received.some((text) => text.includes('cobrowse-start')), 'the widget UI is not recorded');
    // SQLite keeps recent rows in its write-ahead log until a checkpoint copies them over: both
    // files are searched, and must hold what the session stored (its page's path) before a
    // secret's absence means anything.
    const file = databaseUrl.slice('file:'.length);
    const database = Buffer.concat(await Promise.all([file, `${file}-wal`].map((name) => readFile(name).catch(() => Buffer.alloc(0)))));
    assert.ok(database.includes(CONTROL_PATH), 'the session’s page is in the database files read');
    for (const secret of SECRETS) assert.ok(!database.includes(secret), `"${secret}" is in the database`);

    await gql(server.url, EXIT, { id: sessionId }, { cookie: agentCookie });
    await waitForNotice(page, 'The agent ended the session');
    await page.getByTestId('cobrowse-start').waitFor({ state: 'visible' });
    assert.equal(await page.evaluate(() => sessionStorage.getItem('cobrowse:session')), null);
    await agent.dispose();
    await page.close();
  });

  it('resumes across page loads and a server restart, resyncing the agent each time, then exits', async () => {
    const page = await customerPage();
    const started = await page.evaluate(() => window.Cobrowse!.start());
    const { sessionId, stream, signal } = await joinAsAgent(started.code, agent2Cookie);
    // As the agent page does: once its stream is live, ask for a snapshot (the widget's own first
    // one may have gone out before the agent subscribed).
    await stream.next((message) => message.type === 'session');
    await signal({ type: 'request-snapshot' });
    await stream.next((message) => message.type === 'events' && message.batch.events.some(isFullSnapshot));
    const snapshots = () =>
      stream.values.filter((message) => message.type === 'events' && message.batch.events.some(isFullSnapshot)).length;

    const before = snapshots();
    await page.click('text=Page two');
    await page.waitForURL(`${siteUrl}/two`);
    assert.match((await page.getByTestId('cobrowse-session-id').textContent()) ?? '', new RegExp(started.code));
    for (let i = 0; i < 100 && snapshots() <= before; i++) await page.waitForTimeout(50);
    assert.ok(snapshots() > before, 'a page load resyncs the agent');

    // Watched while the server stops: the notice shows as its sockets close, and may be gone
    // again by the time a slow shutdown (draining the rest) has finished.
    await Promise.all([server.stop(), waitForNotice(page, 'Connection lost', 15_000)]);
    await start();
    await waitForNotice(page, 'Reconnected.', 10_000);
    // The agent reconnects too and receives the widget's fresh snapshot.
    const agent = wsClient(server.url, { cookie: agent2Cookie });
    const again = wsCollect<StreamMessage>(agent, STREAM, { id: sessionId });
    await again.next((message) => message.type === 'session');
    await wsExecute(agent, SEND_SIGNAL, { id: sessionId, signal: { type: 'request-snapshot' } });
    await again.next((message) => message.type === 'events' && message.batch.events.some(isFullSnapshot), 8000);

    await page.getByTestId('cobrowse-exit').click();
    await waitForNotice(page, 'You ended the co-browse session.');
    const ended = await again.next((message) => message.type === 'session' && message.event === 'ended');
    assert.equal(ended.type === 'session' && ended.session.endedBy, 'CUSTOMER');
    await page.getByTestId('cobrowse-start').waitFor({ state: 'visible' });
    await page.reload();
    await page.getByTestId('cobrowse-start').waitFor({ state: 'visible' });
    assert.equal(await page.getByTestId('cobrowse-session-id').count(), 1); // present but hidden
    assert.ok(await page.getByTestId('cobrowse-session-id').isHidden());
    await agent.dispose();
    await page.close();
  });
});
