import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from './support/browser.ts';
import { agentJoins, agentView, countClickRings, customerStarts } from './support/cobrowse-pages.ts';
import { signIn } from './support/graphql-client.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { waitFor } from './support/wait-for.ts';

/** The agent's browser says who it is, so the trap can tell its requests from the customer's. */
const AGENT_USER_AGENT = 'Mozilla/5.0 cobrowse-agent-under-test';

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/**
 * A customer page that tries everything a hostile page can against whoever replays it: inline
 * handlers, `javascript:` URLs, SVG script, CSS `url()` and images pointing at an internal address
 * (the trap, which nothing else references), a font and a stylesheet from there, a form posting there.
 */
function hostilePage(trap: string, widgetUrl: string): string {
  const run = (tag: string) => `console.log('pwned-${tag}');top.__pwned='${tag}';`;
  return `<!doctype html><html><head><title>Hostile shop</title>
<link rel="stylesheet" href="${trap}/leak/stylesheet.css">
<style>
  @font-face { font-family: Trap; src: url(${trap}/leak/font.woff2); }
  h1 { font-family: Trap, sans-serif; }
  body { background-image: url(${trap}/leak/css-background.png); }
  .box { width: 200px; height: 50px; background: url('${trap}/leak/css-class.png'); }
</style></head>
<body>
  <h1 data-testid="hostile-title">Hostile shop</h1>
  <div class="box">box</div>
  <div style="width:200px;height:50px;background-image:url(${trap}/leak/inline-style.png)">inline</div>
  <img src="${trap}/leak/img.png" width="20" height="20" alt="">
  <img src="data:," onerror="${run('img-onerror')}alert('img-onerror')" alt="">
  <svg width="20" height="20" onload="${run('svg-onload')}"><script>${run('svg-script')}</script><image href="${trap}/leak/svg-image.png" width="10" height="10"/></svg>
  <a id="js-link" href="javascript:${run('js-url')}">a javascript: link</a>
  <iframe src="javascript:'<script>${run('iframe-js-url')}<\\/script>'" width="50" height="50"></iframe>
  <video poster="${trap}/leak/poster.png" width="20" height="20"></video>
  <form action="${trap}/leak/form" method="post"><input name="q" value="x"><button type="submit">Send</button></form>
  <script src="${widgetUrl}"></script>
</body></html>`;
}

describe('a hostile customer page co-browsed in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let site: Server;
  let trapServer: Server;
  let siteOrigin: string;
  let trap: string;
  const trapped: { path: string; agent: boolean }[] = [];

  before(async () => {
    trapServer = createServer((request: IncomingMessage, response) => {
      trapped.push({ path: request.url ?? '', agent: (request.headers['user-agent'] ?? '').includes('cobrowse-agent-under-test') });
      response.writeHead(200, { 'content-type': 'text/plain', 'access-control-allow-origin': '*' });
      response.end('trap');
    });
    trap = `http://127.0.0.1:${await listen(trapServer)}`;
    let widgetUrl = '';
    site = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(hostilePage(trap, widgetUrl));
    });
    siteOrigin = `http://127.0.0.1:${await listen(site)}`;
    server = await startTestServer({ pages: true, config: { allowedOrigins: [siteOrigin] } });
    widgetUrl = `${server.url}/widget.js`;
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await new Promise((resolve) => site.close(resolve));
    await new Promise((resolve) => trapServer.close(resolve));
  });

  it('sends a strict Content-Security-Policy with the agent, supervisor, admin and sign-in pages', async () => {
    const pages: [string, string][] = [
      ['/agent', 'agent@example.com'],
      ['/supervisor', 'supervisor@example.com'],
      ['/admin', 'admin@example.com'],
      ['/login', ''],
    ];
    for (const [path, email] of pages) {
      const cookie = email ? await signIn(server.url, email) : '';
      const response = await fetch(`${server.url}${path}`, { headers: cookie ? { cookie } : {}, redirect: 'manual' });
      assert.equal(response.status, 200, path);
      const csp = response.headers.get('content-security-policy') ?? '';
      const directive = (name: string) => csp.split(';').find((part) => part.trim().startsWith(`${name} `)) ?? '';
      for (const name of ['img-src', 'style-src', 'font-src', 'media-src', 'connect-src', 'frame-src']) {
        const sources = directive(name).trim().split(/\s+/).slice(1);
        assert.ok(sources.includes("'self'"), `${path} ${name}: ${directive(name)}`);
        assert.ok(
          !sources.some((source) => source === '*' || source === 'http:' || source === 'https:'),
          `${path} ${name} allows anything`,
        );
        if (name !== 'connect-src') assert.ok(sources.includes(siteOrigin), `${path} ${name} allows the allowed site`);
      }
      assert.doesNotMatch(csp, /unsafe-eval/, path);
      // Scripts only with this response's nonce (Next puts it on its own), never any inline one.
      const scripts = directive('script-src');
      assert.match(scripts, /'nonce-[A-Za-z0-9+/=]{16,}'/, path);
      assert.match(scripts, /'strict-dynamic'/, path);
      assert.doesNotMatch(scripts, /unsafe-inline/, path);
      const nonce = /'nonce-([^']+)'/.exec(scripts)![1]!;
      const html = await response.text();
      const tags = [...html.matchAll(/<script\b[^>]*>/g)].map(([tag]) => tag);
      assert.ok(tags.length > 0 && tags.every((tag) => tag.includes(`nonce="${nonce}"`)), `${path}: every script carries the nonce`);
      const again = await fetch(`${server.url}${path}`, { headers: cookie ? { cookie } : {}, redirect: 'manual' });
      assert.doesNotMatch(
        again.headers.get('content-security-policy') ?? '',
        new RegExp(nonce.replace(/[+/=]/g, '\\$&')),
        'a fresh nonce per response',
      );
      assert.match(csp, /frame-ancestors 'self'/, path);
      assert.match(csp, /object-src 'none'/, path);
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff', path);
      assert.ok(response.headers.get('referrer-policy'), path);
      assert.match(response.headers.get('cache-control') ?? '', /no-store/, path);
    }
    // The widget and the demo site stay embeddable on other sites: no page policy on them.
    const widget = await fetch(`${server.url}/widget.js`);
    assert.equal(widget.headers.get('content-security-policy'), null);
    assert.equal(widget.headers.get('cross-origin-resource-policy'), null);
    assert.equal(widget.headers.get('x-content-type-options'), 'nosniff');
    const demo = await fetch(`${server.url}/demo`);
    assert.equal(demo.status, 200);
    assert.equal(demo.headers.get('x-frame-options'), null);
  });

  it('runs nothing in the agent’s page and makes the agent’s browser fetch nothing from an internal address', async () => {
    const customerContext = await browser.newContext({ viewport: { width: 1000, height: 700 } });
    const agentContext = await browser.newContext({ viewport: { width: 1400, height: 900 }, userAgent: AGENT_USER_AGENT });
    const customer = await customerContext.newPage();
    const agent: Page = await agentContext.newPage();
    const agentResponses: string[] = [];
    const agentBlocked = new Map<string, string>();
    const agentConsole: string[] = [];
    const agentDialogs: string[] = [];
    agentContext.on('response', (response) => agentResponses.push(response.url()));
    agentContext.on('requestfailed', (request) => agentBlocked.set(request.url(), request.failure()?.errorText ?? ''));
    agent.on('console', (message) => agentConsole.push(message.text()));
    agent.on('dialog', (dialog) => {
      agentDialogs.push(dialog.message());
      void dialog.dismiss();
    });
    customer.on('dialog', (dialog) => void dialog.dismiss());

    const code = await customerStarts(customer, siteOrigin, '/');
    await agentJoins(agent, server.url, code);
    const view = agentView(agent);
    await view.getByTestId('hostile-title').waitFor({ timeout: 20_000 });
    // The agent's pointer clicks the javascript: link and the form's button: each reaches the
    // customer as a pointer click (a ring on their page), and nothing else may come of it.
    const clickRings = await countClickRings(customer);
    await view.locator('#js-link').click({ force: true });
    await view.locator('button[type=submit]').click({ force: true });
    await waitFor(async () => (await clickRings()) === 2, 'both clicks on the customer’s page');
    // A later change on the customer's page, pointing at the trap too: once the agent's replay has
    // tried (and been refused) that, it has long passed every load and handler before it.
    const marker = `${trap}/leak/after-the-clicks.png`;
    await customer.evaluate(
      (src) => document.body.insertAdjacentHTML('beforeend', `<img src="${src}" width="1" height="1" alt="">`),
      marker,
    );
    await waitFor(() => agentBlocked.has(marker), 'the agent’s replay to try the image added last');
    await waitFor(
      () => trapped.some((request) => request.path === '/leak/after-the-clicks.png' && !request.agent),
      'the trap to see the customer load the image added last',
    );

    assert.ok(
      trapped.some((request) => !request.agent),
      'the customer’s own browser loaded its page’s resources from the trap (the page really points there)',
    );
    assert.deepEqual(
      trapped.filter((request) => request.agent),
      [],
      'the trap received no request from the agent’s browser',
    );
    // Chromium announces the attempts and fails them in the renderer: no response ever came.
    assert.deepEqual(
      agentResponses.filter((url) => url.startsWith(trap)),
      [],
      'the agent’s browser got nothing from the internal address',
    );
    const attempts = [...agentBlocked].filter(([url]) => url.startsWith(trap));
    assert.ok(attempts.length >= 5, `the replay did try the page's internal URLs (${attempts.length}), and…`);
    assert.deepEqual(
      attempts.filter(([, reason]) => reason !== 'csp'),
      [],
      '…the Content-Security-Policy stopped every one of them',
    );
    assert.ok(
      agent.frames().some((frame) => frame.parentFrame() === agent.mainFrame()),
      'the replay’s frame is among those checked',
    );
    for (const frame of agent.frames()) {
      assert.equal(await frame.evaluate(() => (window as { __pwned?: string }).__pwned), undefined, frame.url());
    }
    assert.equal(await agent.evaluate(() => (window as { __pwned?: string }).__pwned), undefined);
    assert.deepEqual(agentDialogs, []);
    assert.deepEqual(
      agentConsole.filter((text) => text.includes('pwned')),
      [],
    );
    assert.equal(new URL(agent.url()).pathname, '/agent', 'the agent page did not navigate');

    await customerContext.close();
    await agentContext.close();
  });
});
