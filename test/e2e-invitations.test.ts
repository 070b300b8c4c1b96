import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { signIdentityToken } from '../server/sessions/identity-signature.ts';
import { captureUploads, launchBrowser, signInAs } from './support/browser.ts';
import { agentView, hasNotice } from './support/cobrowse-pages.ts';
import { gql, signIn } from './support/graphql-client.ts';
import { captureNetwork } from './support/network-capture.ts';
import { withUnpacked } from './support/packed-frames.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { waitFor } from './support/wait-for.ts';

/** Text only the customer's page holds: it reaches the wire only in a recording. */
const PAGE_MARKER = 'Basket-Marker-7731';

/**
 * A customer site of its own origin whose pages ask for agents' requests (`invitations: true`):
 * /signed?email=… with the identity its backend signs, /unsigned?email=… with an unsigned claim,
 * /not-asking?email=… signed but without `invitations: true`;
 * `lang=de` makes the page German.
 */
function startSite(widgetUrl: () => string, secret: () => string): Promise<{ origin: string; server: Server }> {
  let origin = '';
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', origin);
    const email = url.searchParams.get('email') ?? 'nobody@example.com';
    const metadata =
      url.pathname === '/signed' || url.pathname === '/not-asking'
        ? { identityToken: signIdentityToken({ name: 'Shopper', email, aud: origin, exp: Math.floor(Date.now() / 1000) + 600 }, secret()) }
        : { name: 'Shopper', email };
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(
      `<!doctype html><html lang="${url.searchParams.get('lang') ?? 'en'}"><title>Shop</title>` +
        `<body style="font-family:system-ui;margin:40px"><h1>Your basket</h1><p>${PAGE_MARKER}: 2 × walking boots</p>` +
        `<script src="${widgetUrl()}"></script>` +
        `<script>Cobrowse.init({ invitations: ${url.pathname !== '/not-asking'}, metadata: ${JSON.stringify(metadata)} })</script></body></html>`,
    );
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      resolve({ origin, server });
    }),
  );
}

const SCREENSHOTS = process.env.SCREENSHOT_DIR;

describe('agents ask verified customers on the site to co-browse, in Chromium', () => {
  let server: TestServer;
  let site: { origin: string; server: Server };
  let browser: Browser;
  let secret = '';
  const newPage = async (width = 1280, height = 800): Promise<Page> =>
    (await browser.newContext({ viewport: { width, height } })).newPage();

  before(async () => {
    site = await startSite(
      () => `${server.url}/widget.js`,
      () => secret,
    );
    server = await startTestServer({ pages: true, config: { allowedOrigins: [site.origin], invitationTtlSeconds: 6 } });
    browser = await launchBrowser();
    const admin = await signIn(server.url, 'admin@example.com');
    secret = (
      await gql<{ rotateIdentitySecret: { secret: string } }>(
        server.url,
        'mutation { rotateIdentitySecret { secret } }',
        {},
        { cookie: admin },
      )
    ).data!.rotateIdentitySecret.secret;
    const on = await gql(
      server.url,
      'mutation { updateSiteSettings(input: { invitationsEnabled: true }){ invitationsEnabled } }',
      {},
      { cookie: admin },
    );
    assert.equal(on.errors, undefined);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    site?.server.close();
  });

  /** The agent page, signed in, with the customer looked up; resolves once the result shows. */
  async function lookUp(email: string, who = 'agent@example.com'): Promise<Page> {
    const agent = await newPage(1360, 860);
    await signInAs(agent, server.url, who);
    await agent.getByTestId('customer-lookup-input').fill(email);
    await agent.getByTestId('customer-lookup-submit').click();
    await agent.getByTestId('customer-lookup-result').waitFor();
    return agent;
  }

  /** Looks up until the customer's tab has registered (its socket opens after the page loads). */
  async function lookUpOnline(email: string, who?: string): Promise<Page> {
    const agent = await lookUp(email, who);
    await waitFor(async () => {
      if (await agent.getByTestId('customer-request-cobrowse').isVisible()) return true;
      await agent.getByTestId('customer-lookup-submit').click();
      return false;
    }, `${email} online`);
    return agent;
  }

  it('the agent finds a signed customer online and asks; the customer sees who asks and accepts by keyboard; nothing left the page before', async () => {
    const customer = await newPage();
    const capture = await captureNetwork(customer);
    const uploads = captureUploads(customer);
    await customer.goto(`${site.origin}/signed?email=ada@example.com`);

    const agent = await lookUpOnline('ada@example.com');
    assert.match(await agent.getByTestId('customer-lookup-result').innerText(), /ada@example\.com\s+Online now on 127\.0\.0\.1:\d+/);
    if (SCREENSHOTS) await agent.screenshot({ path: `${SCREENSHOTS}/invite-agent-lookup.png` });
    await agent.getByTestId('customer-request-cobrowse').click();

    const prompt = customer.getByTestId('cobrowse-request');
    await prompt.waitFor();
    assert.match(await prompt.innerText(), /Alex Agent would like to see this page with you/);
    if (SCREENSHOTS) {
      // Once the prompt has faded in.
      await customer.evaluate(() =>
        Promise.all(
          document
            .getElementById('cobrowse-widget-root')!
            .shadowRoot!.getAnimations()
            .map((animation) => animation.finished),
        ),
      );
      await customer.screenshot({ path: `${SCREENSHOTS}/invite-customer-prompt.png` });
    }
    // Asked, not yet answered: what left the page so far.
    const beforeAccepting = await withUnpacked(await capture.sent());
    const uploadsBeforeAccepting = uploads.length;

    // Keyboard: the prompt takes focus on its Accept button.
    assert.equal(
      await customer.evaluate(() => document.getElementById('cobrowse-widget-root')?.shadowRoot?.activeElement?.textContent),
      'Accept',
    );
    await customer.keyboard.press('Enter');
    await customer.getByTestId('cobrowse-session-id').waitFor();
    await prompt.waitFor({ state: 'hidden' });

    // The agent's page opens the session by itself and shows the customer's page.
    await hasNotice(agent, 'agent-notice', /The customer accepted: connected to session/);
    await agentView(agent).getByText(PAGE_MARKER, { exact: false }).waitFor();
    if (SCREENSHOTS) await agent.screenshot({ path: `${SCREENSHOTS}/invite-agent-joined.png` });
    await hasNotice(customer, 'cobrowse-notice', /Alex Agent joined your co-browse session/);

    // The capture sees the recording now (its page text, its upload frames), so it would have seen it before.
    await waitFor(async () => (await withUnpacked(await capture.sent())).texts.some((text) => text.includes(PAGE_MARKER)), 'the recording');
    assert.ok(uploads.length > 0, 'upload frames after accepting');
    assert.equal(uploadsBeforeAccepting, 0, 'no upload frame before accepting');
    assert.ok(!beforeAccepting.texts.some((text) => text.includes(PAGE_MARKER)), 'nothing of the page before accepting');
    // Before accepting, the widget sent its identity token and nothing of the page's address either.
    assert.ok(!beforeAccepting.texts.some((text) => /"url"|startSession|\/signed/.test(text) && !text.startsWith('http')));
    await agent.getByTestId('exit-session').click();
    await agent.close();
    await customer.close();
  });

  it('decline: the agent is told, no session starts; one prompt for several tabs, settled in either', async () => {
    const tab1 = await newPage();
    // Two tabs of one customer share a browser profile, as tabs do.
    const tab2SameProfile = await tab1.context().newPage();
    await tab1.goto(`${site.origin}/signed?email=bea@example.com`);
    await tab2SameProfile.goto(`${site.origin}/signed?email=bea@example.com`);
    const agent = await lookUpOnline('bea@example.com', 'agent2@example.com');
    // Both tabs are reachable before the request: the second one had loaded before the first was found.
    await agent.getByTestId('customer-request-cobrowse').click();
    await tab1.getByTestId('cobrowse-request').waitFor();
    await tab2SameProfile.getByTestId('cobrowse-request').waitFor();
    await tab2SameProfile.getByTestId('cobrowse-decline-request').click();
    await tab1.getByTestId('cobrowse-request').waitFor({ state: 'hidden' });
    await hasNotice(agent, 'agent-notice', /bea@example\.com declined your request to co-browse/);
    assert.equal(await tab1.getByTestId('cobrowse-session-id').isVisible(), false);
    assert.equal(await agent.getByTestId('exit-session').count(), 0, 'no session on the agent page');
    assert.equal(await agent.getByTestId('customer-request-cobrowse').innerText(), 'Ask to co-browse');
    await agent.close();
    await tab1.context().close();
  });

  it('no answer: the request expires, the agent is told and the prompt goes; German pages ask in German', async () => {
    const customer = await newPage();
    await customer.goto(`${site.origin}/signed?email=cara@example.com&lang=de`);
    const agent = await lookUpOnline('cara@example.com');
    await agent.getByTestId('customer-request-cobrowse').click();
    const prompt = customer.getByTestId('cobrowse-request');
    await prompt.waitFor();
    assert.match(await prompt.innerText(), /Co-Browsing-Anfrage[\s\S]*Alex Agent möchte sich diese Seite[\s\S]*Annehmen[\s\S]*Ablehnen/);
    await hasNotice(agent, 'agent-notice', /No answer from cara@example\.com: the request expired/);
    await prompt.waitFor({ state: 'hidden' });
    assert.equal(await customer.getByTestId('cobrowse-session-id').isVisible(), false);
    await agent.close();
    await customer.close();
  });

  it('an unsigned identity is never online, whatever it claims', async () => {
    const customer = await newPage();
    await customer.goto(`${site.origin}/unsigned?email=dora@example.com`);
    // A signed tab of someone else loaded after it is found: the unsigned one had its chance to register.
    const control = await newPage();
    await control.goto(`${site.origin}/signed?email=control@example.com`);
    const probe = await lookUpOnline('control@example.com');
    await probe.close();
    const agent = await lookUp('dora@example.com');
    assert.match(await agent.getByTestId('customer-lookup-result').innerText(), /Not on the site now/);
    assert.equal(await agent.getByTestId('customer-request-cobrowse').count(), 0);
    await agent.close();
    await customer.close();
    await control.close();
  });

  it('a page that does not ask for requests loads no invitation code and opens no socket, signed or not', async () => {
    const customer = await newPage();
    const loaded: string[] = [];
    const sockets: string[] = [];
    customer.on('request', (request) => loaded.push(request.url()));
    customer.on('websocket', (socket) => sockets.push(socket.url()));
    // The same page asking for requests loads the chunk and opens the socket: what is looked for shows when present.
    await customer.goto(`${site.origin}/signed?email=erin@example.com`);
    await waitFor(() => loaded.some((url) => url.endsWith('/widget-invite.js')) && sockets.length === 1, 'the chunk and the socket');
    const probe = await lookUpOnline('erin@example.com');
    await probe.close();
    loaded.length = 0;
    sockets.length = 0;
    await customer.goto(`${site.origin}/not-asking?email=erin@example.com`);
    await customer.getByTestId('cobrowse-start').waitFor();
    // Looked up until the signed page's tab has surely been counted out: then the new page never counted in.
    const agent = await lookUp('erin@example.com');
    await waitFor(async () => {
      await agent.getByTestId('customer-lookup-submit').click();
      return /Not on the site now/.test(await agent.getByTestId('customer-lookup-result').innerText());
    }, 'erin not online');
    assert.deepEqual(
      loaded.filter((url) => url.includes('/widget-invite')),
      [],
    );
    assert.deepEqual(sockets, []);
    await agent.close();
    await customer.close();
  });
});
