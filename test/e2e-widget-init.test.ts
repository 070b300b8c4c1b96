import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { RecordedEvent, StreamMessage } from '../protocol/index.ts';
import { requestWriteMode } from '../server/sessions/write-mode.ts';
import { buildEsmWidget, buildLanguageChunks, buildWidget } from '../widget/build.ts';
import { launchBrowser } from './support/browser.ts';
import { gql, signIn, startCustomerSession, wsClient, wsCollect, wsExecute } from './support/graphql-client.ts';
import { assertNoneCaptured } from './support/network-capture.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { waitFor } from './support/wait-for.ts';

// Cobrowse.init — ui: false, texts and languages, the site's own Write Mode question,
// the queued snippet — against a real server, on a customer site of its own origin.
const JOIN = 'mutation($code: String!){ joinSession(code: $code){ id } }';
const REQUEST_WRITE = 'mutation($id: ID!){ requestWriteMode(sessionId: $id){ id } }';
const POINTER_MODE = 'mutation($id: ID!){ setPointerMode(sessionId: $id){ id } }';
const EXIT = 'mutation($id: ID!){ exitSession(sessionId: $id){ id } }';
const STREAM = 'subscription($id: ID!){ sessionStream(sessionId: $id) }';
const SEND_SIGNAL = 'mutation($id: ID!, $signal: JSON!){ sendSignal(sessionId: $id, signal: $signal) }';

/** The stub and the async tag of the snippet documented in widget/README.md, pointed at `serverUrl`. */
async function documentedSnippet(serverUrl: string): Promise<{ stub: string; tag: string }> {
  const readme = await readFile(new URL('../widget/README.md', import.meta.url), 'utf8');
  const block = /<!-- snippet -->\s*```html\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  const stub = /\(function \(w, c\)[\s\S]*?\}\)\(window\);/.exec(block)?.[0];
  const tag = /<script src="https:\/\/cobrowse\.example\.com\/widget\.js" async><\/script>/.exec(block)?.[0];
  assert.ok(stub && tag, 'widget/README.md documents the snippet');
  return { stub, tag: tag.replace('https://cobrowse.example.com', serverUrl) };
}

describe('Cobrowse.init in Chromium', () => {
  let server: TestServer;
  let site: Server;
  let siteUrl: string;
  let browser: Browser;
  let agentCookie: string;
  let snippet: { stub: string; tag: string };
  /** The customer site's pages by path; each test adds its own. */
  const pages = new Map<string, string>();

  before(async () => {
    await Promise.all([buildWidget(), buildLanguageChunks(), buildEsmWidget()]);
    site = createServer((request, response) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(pages.get(request.url ?? '/') ?? 'no such page');
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    server = await startTestServer({ config: { allowedOrigins: [siteUrl] } });
    agentCookie = await signIn(server.url, 'agent@example.com');
    snippet = await documentedSnippet(server.url);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    site?.close();
  });

  /** A shop page whose inline script runs `calls` through the documented snippet, before the widget loads. */
  const snippetPage = (path: string, calls: string, lang = 'en', body = '') => {
    pages.set(
      path,
      `<!doctype html><html lang="${lang}"><head><title>Shop</title><script>${snippet.stub}
window.log = [];
${calls}
window.queued = Cobrowse.q.length;</script>${snippet.tag}</head>
<body><h1>Shop</h1><label>Password <input id="pw" type="password"></label>${body}</body></html>`,
    );
    return `${siteUrl}${path}`;
  };

  const open = async (url: string): Promise<Page> => {
    const page = await (await browser.newContext({ viewport: { width: 1000, height: 700 } })).newPage();
    await page.goto(url);
    return page;
  };
  const log = (page: Page) => page.evaluate(() => (window as unknown as { log: string[] }).log);
  const waitLog = (page: Page, pattern: RegExp) =>
    waitFor(async () => (await log(page)).find((entry) => pattern.test(entry)), `a log entry matching ${pattern}`);
  const noticeShown = (page: Page, text: string) =>
    waitFor(
      async () => (await page.getByTestId('cobrowse-notice').allTextContents()).some((notice) => notice.includes(text)),
      `notice "${text}"`,
    );

  async function joinAsAgent(code: string) {
    const joined = await gql<{ joinSession: { id: string } }>(server.url, JOIN, { code }, { cookie: agentCookie });
    const sessionId = joined.data?.joinSession.id;
    assert.ok(sessionId, JSON.stringify(joined.errors));
    const agent = wsClient(server.url, { cookie: agentCookie });
    const stream = wsCollect<StreamMessage>(agent, STREAM, { id: sessionId });
    const signal = (value: object) => wsExecute(agent, SEND_SIGNAL, { id: sessionId, signal: value });
    /** The agent ends the session (an agent has one at a time) and hangs up. */
    const end = async () => {
      await gql(server.url, EXIT, { id: sessionId }, { cookie: agentCookie });
      await agent.dispose();
    };
    return { sessionId, stream, signal, end };
  }

  /** The session's Write Mode audit rows, oldest first: [type, actor kind, request id]. */
  const writeAudit = async (sessionId: string) =>
    (await server.deps.db.auditEvent.findMany({ where: { sessionId, type: { startsWith: 'WRITE_' } }, orderBy: { sequence: 'asc' } })).map(
      (row) => [row.type, row.actorKind, (JSON.parse(row.data) as { requestId?: string }).requestId],
    );
  const sessionMode = async (sessionId: string) => (await server.deps.db.session.findUniqueOrThrow({ where: { id: sessionId } })).mode;

  it('queues calls made before the script loads and runs them in order', async () => {
    const page = await open(
      snippetPage(
        '/queued',
        `Cobrowse.init({ texts: { started: 'Queued and started.' } });
Cobrowse.on('started', function (s) { log.push('started ' + s.code); });
Cobrowse.start().then(function (s) { log.push('resolved ' + s.code); });`,
      ),
    );
    assert.equal(await page.evaluate(() => (window as unknown as { queued: number }).queued), 3, 'the calls were queued');
    const started = await waitLog(page, /^resolved \d{9}$/);
    const code = started.slice('resolved '.length);
    assert.deepEqual(await log(page), [`started ${code}`, `resolved ${code}`], 'on() ran before start()');
    await noticeShown(page, 'Queued and started.'); // init() came first: its texts are used
    assert.ok(await page.evaluate(() => Object.isFrozen(window.Cobrowse) && !('q' in window.Cobrowse!)), 'the stub was replaced');
    await page.close();
  });

  it('ui: false draws nothing; the site starts the session, the agent joins and points, masking holds', async () => {
    const page = await open(
      snippetPage(
        '/own-ui',
        `Cobrowse.init({ ui: false });
Cobrowse.on('agent-joined', function (e) { log.push('joined ' + e.agentName); });
Cobrowse.on('notice', function (e) { log.push('notice ' + e.message); });`,
        'en',
        `<button id="help" onclick="Cobrowse.start().then(function (s) { document.getElementById('code').textContent = s.code; })">Get help</button><output id="code"></output>`,
      ),
    );
    await page.locator('#cobrowse-widget-root').waitFor({ state: 'attached' }); // drawn, as far as it draws
    await page.fill('#pw', 'hunter2-secret');
    await page.click('#help');
    const code = await waitFor(async () => /^\d{9}$/.exec((await page.locator('#code').textContent()) ?? '')?.[0], 'the code on the site');
    assert.equal(await page.getByTestId('cobrowse-start').count(), 0, 'no Start button');
    assert.equal(await page.getByTestId('cobrowse-session-id').count(), 0, 'no card');
    assert.equal(await page.getByTestId('cobrowse-chat-open').count(), 0, 'no Chat with us');

    const { sessionId, stream, signal, end } = await joinAsAgent(code);
    await waitLog(page, /^joined Alex Agent$/);
    assert.equal(await page.getByTestId('cobrowse-notice').count(), 0, 'notices go to the site only');
    assert.ok((await log(page)).includes('notice Alex Agent joined your co-browse session'));

    await signal({ type: 'request-snapshot' });
    const snapshot = await stream.next(
      (message) => message.type === 'events' && message.batch.events.some((event: RecordedEvent) => event.type === 2),
    );
    assert.ok(JSON.stringify(snapshot).includes('Get help'), 'the page is recorded');
    await assertNoneCaptured(() => stream.values.map((message) => JSON.stringify(message)), {
      controls: { page: 'Get help' },
      secrets: { password: 'hunter2-secret' },
      where: 'the agent’s stream',
    });
    await signal({ type: 'pointer', target: { x: 200, y: 150 } });
    await page.getByTestId('cobrowse-agent-pointer').waitFor({ state: 'visible' });
    assert.equal(await page.getByTestId('cobrowse-agent-pointer').textContent(), 'Agent');

    // The site takes Write Mode back with its own button: Cobrowse.pointerMode().
    assert.ok((await gql(server.url, REQUEST_WRITE, { id: sessionId }, { cookie: agentCookie })).data);
    await waitFor(async () => (await server.deps.db.session.findUniqueOrThrow({ where: { id: sessionId } })).writeRequestId, 'the request');
    await page.evaluate(() => window.Cobrowse!.pointerMode());
    await waitFor(
      async () =>
        (await writeAudit(sessionId)).length === 1 &&
        (await server.deps.db.auditEvent.count({ where: { sessionId, type: 'POINTER_MODE' } })),
      'Pointer Mode by the customer',
    );
    await end();
    await page.close();
  });

  it('speaks German on a German page, takes text overrides, and loads the language only there', async () => {
    const chunks: string[] = [];
    const english = await open(snippetPage('/en', ''));
    english.on('request', (request) => request.url().includes('widget-i18n') && chunks.push(request.url()));
    await english.getByTestId('cobrowse-start').waitFor();
    assert.equal((await english.getByTestId('cobrowse-start').textContent())?.trim(), 'Start Co-browse');
    assert.deepEqual(chunks, [], 'an English page loads no language chunk');

    const page = await open(snippetPage('/de', `Cobrowse.init({ texts: { exit: 'Fertig' } });`, 'de-DE'));
    const start = page.getByTestId('cobrowse-start');
    await start.waitFor();
    assert.equal((await start.textContent())?.trim(), 'Co-Browsing starten');
    await start.click();
    const code = await waitFor(
      async () => /\d{9}/.exec((await page.getByTestId('cobrowse-session-id').textContent()) ?? '')?.[0],
      'the ID',
    );
    await noticeShown(page, 'Sitzung gestartet. Nennen Sie die ID Ihrem Berater.');
    assert.equal(await page.getByTestId('cobrowse-exit').textContent(), 'Fertig', 'the override beats the language');
    assert.match(
      (await page.locator('#cobrowse-widget-root').evaluate((host) => host.shadowRoot!.textContent)) ?? '',
      /Nennen Sie diese ID Ihrem Berater/,
    );

    const { sessionId, end } = await joinAsAgent(code);
    await noticeShown(page, 'Alex Agent ist Ihrer Co-Browsing-Sitzung beigetreten');
    assert.ok((await gql(server.url, REQUEST_WRITE, { id: sessionId }, { cookie: agentCookie })).data);
    const approve = page.getByTestId('cobrowse-approve-write');
    await approve.waitFor({ state: 'visible' });
    assert.equal(await approve.textContent(), 'Erlauben');
    await page.screenshot({ path: '/tmp/widget-init-de.png' });
    await approve.click();
    await noticeShown(page, 'Schreibmodus ist an');

    // language: 'de' on an English page.
    const chosen = await open(snippetPage('/choose-de', `Cobrowse.init({ language: 'de' });`));
    await chosen.getByTestId('cobrowse-start').waitFor();
    assert.equal((await chosen.getByTestId('cobrowse-start').textContent())?.trim(), 'Co-Browsing starten');
    // The chat window, a chunk of its own, speaks the page's language too.
    const chat = chosen.getByTestId('cobrowse-chat-open');
    assert.equal((await chat.textContent())?.trim(), 'Chatten Sie mit uns');
    await chat.click();
    const input = chosen.getByTestId('cobrowse-chat-input');
    await input.waitFor();
    assert.equal(await input.getAttribute('placeholder'), 'Nachricht schreiben…');
    assert.equal(await chosen.locator('#cobrowse-widget-root .chat').getAttribute('aria-label'), 'Chat');
    await waitFor(
      async () => /Fragen Sie uns, was Sie möchten/.test((await chosen.locator('#cobrowse-widget-root .chat .log').textContent()) ?? ''),
      'the German welcome line',
    );
    await chosen.screenshot({ path: '/tmp/widget-chat-de.png' });
    await end();
    await Promise.all([english.close(), page.close(), chosen.close()]);
  });

  it("onWriteRequest approves and declines with the built-in question's audit trail", async () => {
    const page = await open(
      snippetPage(
        '/consent',
        `window.answers = [];
Cobrowse.init({ onWriteRequest: function (request) {
  log.push('asked ' + request.requestId + ' ' + request.agentName + ' ' + !isNaN(Date.parse(request.expiresAt)));
  var answer = window.answers.shift();
  return new Promise(function (resolve) { setTimeout(resolve, 200, answer); });
} });`,
      ),
    );
    await page.evaluate(() => ((window as unknown as { answers: boolean[] }).answers = [true, false]));
    const { code } = await page.evaluate(() => window.Cobrowse!.start());
    const { sessionId, end } = await joinAsAgent(code);

    assert.ok((await gql(server.url, REQUEST_WRITE, { id: sessionId }, { cookie: agentCookie })).data);
    const first = (await waitLog(page, /^asked /)).split(' ');
    assert.deepEqual(first.slice(2), ['Alex', 'Agent', 'true']);
    await waitFor(async () => (await sessionMode(sessionId)) === 'WRITE', 'Write Mode on');
    assert.equal(await page.getByTestId('cobrowse-approve-write').isVisible(), false, 'no built-in question');
    await noticeShown(page, 'Write Mode is on');

    assert.ok((await gql(server.url, POINTER_MODE, { id: sessionId }, { cookie: agentCookie })).data);
    assert.ok((await gql(server.url, REQUEST_WRITE, { id: sessionId }, { cookie: agentCookie })).data);
    await waitFor(async () => (await writeAudit(sessionId)).length === 4, 'the second answer');
    const second = (await log(page))[1]!.split(' ')[1];
    assert.deepEqual(await writeAudit(sessionId), [
      ['WRITE_REQUESTED', 'AGENT', first[1]],
      ['WRITE_APPROVED', 'CUSTOMER', first[1]],
      ['WRITE_REQUESTED', 'AGENT', second],
      ['WRITE_DECLINED', 'CUSTOMER', second],
    ]);
    assert.equal(await sessionMode(sessionId), 'POINTER');
    await noticeShown(page, 'You declined Write Mode');
    await end();
    await page.close();
  });

  it('a hook that throws declines at once; one that never answers declines before the request expires', async () => {
    const page = await open(
      snippetPage(
        '/broken-consent',
        `Cobrowse.init({ onWriteRequest: function () {
  log.push('asked');
  if (log.length === 1) throw new Error('the site broke');
  return new Promise(function () {});
} });`,
      ),
    );
    const { code } = await page.evaluate(() => window.Cobrowse!.start());
    const { sessionId, end } = await joinAsAgent(code);

    assert.ok((await gql(server.url, REQUEST_WRITE, { id: sessionId }, { cookie: agentCookie })).data);
    await waitFor(async () => (await writeAudit(sessionId)).some(([type]) => type === 'WRITE_DECLINED'), 'the decline', 3000);

    // A request that lives 3 s (the server's own code, with a short expiry): no answer comes.
    const agentRow = await server.deps.db.user.findUniqueOrThrow({ where: { email: 'agent@example.com' } });
    const asked = Date.now();
    await requestWriteMode(server.deps, agentRow, sessionId, 3000);
    const expiryTimerBy = Date.now() + 3000; // the server set it before it returned
    await waitFor(async () => (await writeAudit(sessionId)).length === 4, 'the fallback decline', 6000);
    const elapsed = Date.now() - asked;
    assert.ok(elapsed >= 1500 && elapsed < 3000, `declined after ${elapsed} ms`);
    // Past the expiry, the server's own timer has run: another session's request, made now to
    // expire just after this one, has expired (with nobody to answer it).
    const other = await startCustomerSession(server.url);
    const agent2Cookie = await signIn(server.url, 'agent2@example.com');
    assert.ok((await gql(server.url, JOIN, { code: other.code }, { cookie: agent2Cookie })).data);
    const agent2Row = await server.deps.db.user.findUniqueOrThrow({ where: { email: 'agent2@example.com' } });
    await requestWriteMode(server.deps, agent2Row, other.id, Math.max(1, expiryTimerBy - Date.now() + 10));
    await waitFor(() => server.deps.db.auditEvent.count({ where: { sessionId: other.id, type: 'WRITE_EXPIRED' } }), 'the later expiry');
    await gql(server.url, EXIT, { id: other.id }, { cookie: agent2Cookie });
    assert.deepEqual(
      (await writeAudit(sessionId)).map(([type, actor]) => `${type} ${actor}`),
      ['WRITE_REQUESTED AGENT', 'WRITE_DECLINED CUSTOMER', 'WRITE_REQUESTED AGENT', 'WRITE_DECLINED CUSTOMER'],
      'declined by the customer, not expired',
    );
    assert.equal(await sessionMode(sessionId), 'POINTER');
    await end();
    await page.close();
  });
});
