import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it, type TestContext } from 'node:test';
import type { Locator } from 'playwright-core';
import { updateSiteSettings } from '../server/settings/site-settings.ts';
import { agentJoins, agentView, browserSuite } from './support/cobrowse-pages.ts';
import { waitFor } from './support/wait-for.ts';

/**
 * A customer's site on its own origin, embedding the widget from the co-browse server where a
 * page says `<!--widget-->` (else at the end of its body).
 */
function siteServer() {
  let server: Server;
  let pages: Record<string, string> = {};
  let widgetUrl = '';
  const site = {
    origin: '',
    serve(next: Record<string, string>, serverUrl: string) {
      pages = next;
      widgetUrl = `${serverUrl}/widget.js`;
    },
  };
  before(async () => {
    server = createServer((request, response) => {
      const body = pages[request.url!] ?? '<p>Nothing here</p>';
      const script = `<script src="${widgetUrl}"></script>`;
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(
        `<!doctype html><title>Test site</title><body>${body.includes('<!--widget-->') ? body.replace('<!--widget-->', script) : body + script}</body>`,
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    site.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return site;
}

const MOTION_PAGE = `
<style>
  @keyframes fade-in { from { opacity: 0; } to { opacity: 1; } }
  .badge { display: inline-block; opacity: 0; animation: fade-in 300ms ease-out forwards; }
  .toast { opacity: 0; transition: opacity 300ms; }
  .toast.shown { opacity: 1; }
</style>
<h1 data-testid="title">Your draft</h1>
<button data-testid="save" onclick="document.querySelector('#status').innerHTML = '<span class=badge data-testid=badge>Draft saved</span>'; document.querySelector('#toast').classList.add('shown')">Save</button>
<p id="status"></p>
<p id="toast" class="toast" data-testid="toast">Saved to your account</p>`;

/** A computed style property of the element a locator finds, in whichever document holds it. */
const computed = (locator: Locator, property: string) =>
  locator.evaluate((element, name) => getComputedStyle(element).getPropertyValue(name), property);

describe('the agent sees the customer’s page as it looks: motion', () => {
  const suite = browserSuite();
  const site = siteServer();

  /**
   * The customer opens a page of the site and starts co-browse; an agent joins and sees its
   * title. The agent leaves when the test ends, passed or not, so the next can join.
   */
  async function session(t: TestContext, path: string, body: string) {
    site.serve({ [path]: body }, suite.server.url);
    await updateSiteSettings(suite.server.deps.db, { allowedOrigins: [site.origin] });
    // Small enough for the agent's view to show it at actual size (no scaling): pixels compare.
    const customer = await suite.newPage(800, 600);
    const agent = await suite.newPage(1440, 1000);
    await customer.goto(`${site.origin}${path}`);
    await customer.getByTestId('cobrowse-start').click();
    const code = await waitFor(
      async () => (await customer.getByTestId('cobrowse-session-id').textContent())?.replace(/\D/g, ''),
      'the session ID',
    );
    await agentJoins(agent, suite.server.url, code);
    t.after(() => agent.getByTestId('exit-session').click());
    const view = agentView(agent);
    await waitFor(() => view.getByTestId('title').count(), 'the page in the agent view');
    return { customer, agent, view };
  }

  it('runs CSS animations and transitions as the customer’s page does', async (t) => {
    const { customer, view } = await session(t, '/t/motion', MOTION_PAGE);
    // A badge fading in by a CSS animation, a toast by a transition: both end visible for the agent.
    await customer.getByTestId('save').click();
    await waitFor(async () => (await computed(customer.getByTestId('badge'), 'opacity')) === '1', 'the badge on the customer’s page');
    await waitFor(() => view.getByTestId('badge').count(), 'the badge in the agent view');
    await waitFor(async () => (await computed(view.getByTestId('badge'), 'opacity')) === '1', 'the badge faded in for the agent');
    await waitFor(async () => (await computed(view.getByTestId('toast'), 'opacity')) === '1', 'the toast shown to the agent');
  });
});
