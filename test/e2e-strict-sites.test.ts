import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from './support/browser.ts';
import { agentJoins, agentView, startOnPage } from './support/cobrowse-pages.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { waitFor } from './support/wait-for.ts';

/** What a Content-Security-Policy violation says, as the page's event and the site's report tell it. */
interface Violation {
  directive: string;
  blocked: string;
  sample: string;
}

/** The marker of the violation each test causes on purpose, after everything else. */
const SENTINEL = 'deliberate-sentinel';

/**
 * The policies of security-minded sites, each with the directives the docs tell a site to add
 * for the widget. Every page enforces Trusted Types, so the sentinel (an HTML string) is refused.
 * `nonce`: a nonce-based strict policy, where 'strict-dynamic' also admits the script's worker;
 * `allowlist`: scripts by origin, so workers need `worker-src blob:`; `no-blob-worker`: without it.
 */
function policy(kind: string, server: string, nonce: string): string | undefined {
  const common = [
    "require-trusted-types-for 'script'",
    'trusted-types cobrowse',
    "base-uri 'none'",
    "object-src 'none'",
    'report-uri /csp-report',
  ];
  const connect = `connect-src ${server} ${server.replace(/^http/, 'ws')}`;
  const strict = {
    'trusted-types': [],
    nonce: ["default-src 'none'", `script-src 'nonce-${nonce}' 'strict-dynamic'`, connect],
    allowlist: ["default-src 'self'", `script-src 'self' ${server} 'nonce-${nonce}'`, connect, "worker-src 'self' blob:"],
    'no-blob-worker': ["default-src 'self'", `script-src 'self' ${server} 'nonce-${nonce}'`, connect],
  }[kind];
  return strict && [...strict, ...common].join('; ');
}

/** A customer page; `init` is what the page passes to `Cobrowse.init`, if anything. */
const customerPage = (
  widgetUrl: string,
  nonce: string,
  init?: string,
) => `<!doctype html><html lang="en"><head><title>Strict shop</title></head>
<body>
  <h1 data-testid="strict-title">Strict shop</h1>
  <p>Only what the policy allows runs here.</p>
  <script src="${widgetUrl}" nonce="${nonce}"></script>
  ${init ? `<script nonce="${nonce}">Cobrowse.init(${init});</script>` : ''}
</body></html>`;

describe('the widget on sites with a strict Content-Security-Policy and Trusted Types, in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let site: Server;
  let siteOrigin: string;
  /** The CSP reports the site's endpoint received, by the page (its path) that caused them. */
  const reports: { page: string; violation: Violation }[] = [];

  before(async () => {
    let widgetUrl = '';
    site = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://site');
      if (url.pathname === '/csp-report') {
        let body = '';
        request.on('data', (chunk: Buffer) => (body += chunk));
        request.on('end', () => {
          const report = (JSON.parse(body) as { 'csp-report': Record<string, string> })['csp-report'];
          reports.push({
            page: new URL(report['document-uri']!).pathname,
            violation: {
              directive: report['effective-directive'] ?? report['violated-directive']!,
              blocked: report['blocked-uri'] ?? '',
              sample: report['script-sample'] ?? '',
            },
          });
          response.writeHead(204).end();
        });
        return;
      }
      const kind = url.pathname.split('/')[1]!;
      const nonce = randomBytes(16).toString('base64');
      const csp = policy(kind, new URL(widgetUrl).origin, nonce);
      if (!csp) return void response.writeHead(404).end(); // the favicon
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': csp });
      response.end(customerPage(widgetUrl, nonce, url.searchParams.get('init') ?? undefined));
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    siteOrigin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    server = await startTestServer({ pages: true, config: { allowedOrigins: [siteOrigin] } });
    widgetUrl = `${server.url}/widget.js`;
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await new Promise((resolve) => site.close(resolve));
  });

  /** Opens a customer page that records every `securitypolicyviolation` event from its first script on. */
  async function openCustomer(path: string): Promise<{ customer: Page; workers: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
    await context.addInitScript(() => {
      const seen: Violation[] = [];
      (window as unknown as { violations: Violation[] }).violations = seen;
      document.addEventListener(
        'securitypolicyviolation',
        (event) => seen.push({ directive: event.effectiveDirective, blocked: event.blockedURI, sample: event.sample }),
        true,
      );
    });
    const customer = await context.newPage();
    const workers: string[] = [];
    customer.on('worker', (worker) => workers.push(worker.url()));
    await customer.goto(`${siteOrigin}${path}`);
    return { customer, workers };
  }

  const violationsOn = (customer: Page) => customer.evaluate(() => (window as unknown as { violations: Violation[] }).violations);

  /**
   * Causes one violation on purpose (an HTML string where Trusted Types are enforced) and waits
   * until both the page's event and the site's report of it arrived; returns what else came.
   */
  async function violationsBesidesSentinel(customer: Page, path: string): Promise<{ events: Violation[]; reported: Violation[] }> {
    await customer.evaluate((sentinel) => {
      try {
        document.createElement('div').innerHTML = sentinel;
      } catch {
        // refused, as it must be: the violation is what this is for
      }
    }, SENTINEL);
    const isSentinel = (violation: Violation) => violation.sample.includes(SENTINEL);
    await waitFor(async () => (await violationsOn(customer)).some(isSentinel), 'the deliberate violation’s event');
    await waitFor(
      () => reports.some((report) => report.page === path && isSentinel(report.violation)),
      'the deliberate violation’s report',
    );
    return {
      events: (await violationsOn(customer)).filter((violation) => !isSentinel(violation)),
      reported: reports.filter((report) => report.page === path && !isSentinel(report.violation)).map((report) => report.violation),
    };
  }

  /** The customer starts co-browse and opens the chat; an agent joins and sees the page; the customer exits. */
  async function coBrowse(customer: Page): Promise<void> {
    await customer.getByTestId('cobrowse-start').waitFor({ timeout: 15_000 });
    const code = await startOnPage(customer);
    // The chat window is a second bundle, built on the page as the main one is.
    await customer.getByTestId('cobrowse-chat-open').click();
    await customer.getByTestId('cobrowse-chat-input').waitFor();
    const agent = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    await agentJoins(agent, server.url, code);
    const title = agentView(agent).getByTestId('strict-title');
    await title.waitFor({ timeout: 20_000 });
    assert.equal(await title.textContent(), 'Strict shop');
    // Ended, so the agent is free for the next test's session.
    await customer.getByTestId('cobrowse-exit').click();
    await customer.getByTestId('cobrowse-start').waitFor();
    await agent.context().close();
  }

  for (const [kind, what] of [
    ['trusted-types', 'enforces Trusted Types'],
    ['nonce', 'has a nonce-based strict policy with Trusted Types'],
    ['allowlist', 'allows scripts by origin and blob: workers, with Trusted Types'],
  ] as const) {
    it(`works without a violation on a page that ${what}, its socket in a worker`, async () => {
      const path = `/${kind}`;
      const { customer, workers } = await openCustomer(path);
      await coBrowse(customer);
      assert.ok(
        workers.some((url) => url.startsWith('blob:')),
        `the socket runs in the widget's worker, its URL from the cobrowse policy (workers: ${workers.join(', ')})`,
      );
      assert.deepEqual(await violationsBesidesSentinel(customer, path), { events: [], reported: [] });
      await customer.context().close();
    });
  }

  it('works without a violation under a policy without blob: workers when the site sets worker: false', async () => {
    const path = '/no-blob-worker';
    const { customer, workers } = await openCustomer(`${path}?init=${encodeURIComponent('{ worker: false }')}`);
    await coBrowse(customer);
    assert.deepEqual(workers, [], 'no worker was even tried');
    assert.deepEqual(await violationsBesidesSentinel(customer, path), { events: [], reported: [] });
    await customer.context().close();
  });

  it('(control) the capture sees the violation a worker the policy refuses causes, as event and report', async () => {
    const path = '/no-blob-worker/control';
    const before = reports.length;
    const { customer } = await openCustomer(path);
    await coBrowse(customer);
    const { events, reported } = await violationsBesidesSentinel(customer, path);
    const isWorker = (violation: Violation) => violation.directive === 'worker-src' && violation.blocked === 'blob';
    assert.equal(events.filter(isWorker).length, 1, `one refused worker, reported once (events: ${JSON.stringify(events)})`);
    assert.ok(
      reports.slice(before).some((report) => isWorker(report.violation)),
      `reported: ${JSON.stringify(reported)}`,
    );
    await customer.context().close();
  });
});
