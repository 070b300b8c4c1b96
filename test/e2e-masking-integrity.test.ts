import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { StreamMessage } from '../protocol/index.ts';
import { updateSiteSettings } from '../server/settings/site-settings.ts';
import { agentJoins, agentView, browserSuite, customerStarts, startOnPage } from './support/cobrowse-pages.ts';
import { gql, signIn, wsClient, wsCollect, wsExecute } from './support/graphql-client.ts';
import { assertNoneCaptured, captureNetwork } from './support/network-capture.ts';
import { nextFullSnapshot } from './support/packed-frames.ts';
import { waitFor } from './support/wait-for.ts';
import { nodeIdByTestId } from './support/snapshot.ts';

/**
 * A customer's site on its own origin (a real HTTP server: Chromium lets only a page that came
 * over the network talk to a local address), embedding the widget from the co-browse server.
 * Each page is found by the start of its raw path, so `//` and `%61` reach the page as typed.
 */
function siteServer() {
  let server: Server;
  let pages: Record<string, string> = {};
  let widgetUrl = '';
  const site = {
    origin: '',
    serve(next: Record<string, string>) {
      pages = next;
    },
    useWidgetFrom(serverUrl: string) {
      widgetUrl = `${serverUrl}/widget.js`;
    },
  };
  before(async () => {
    server = createServer((request, response) => {
      const page = Object.entries(pages).find(([prefix]) => request.url!.startsWith(prefix));
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(
        `<!doctype html><title>Test site</title><body>${page?.[1] ?? '<p>Nothing here</p>'}<script src="${widgetUrl}"></script></body>`,
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    site.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return site;
}

const SHORT = ['x!~', 'y!~'];
const LONG = ['Long-Secret-Before-abcdefghijk', 'Long-Secret-During-lmnopqrstuv'];
const FIELD_SECRETS = ['Hidden-Token-8841', 'Hidden-Token-Changed-9902', 'Consent-Value-5512', 'Plan-Gold-7730', 'Plan-Basic-6620'];
const TEXT_SECRETS = ['Text-Secret-Q', 'Text-Secret-Changed-Later-0042'];

const FORM_PAGE = `
<form onsubmit="return false">
  <input type="hidden" class="secret" name="token" value="Hidden-Token-8841" data-testid="hidden">
  <label><input type="checkbox" class="secret" name="consent" value="Consent-Value-5512" checked data-testid="consent"> Share</label>
  <label><input type="radio" class="secret" name="plan" value="Plan-Gold-7730" data-testid="gold"> Gold</label>
  <label><input type="radio" class="secret" name="plan" value="Plan-Basic-6620" checked data-testid="basic"> Basic</label>
  <input class="secret" data-testid="short-before"> <input class="secret" data-testid="long-before">
  <input class="secret" data-testid="short-during"> <input class="secret" data-testid="long-during">
  <p class="secret" data-testid="text">Text-Secret-Q</p>
  <input type="hidden" name="shown" value="Visible-Hidden-Value">
  <p data-testid="plain-text">Visible-Text-Before</p>
  <input data-testid="plain">
</form>`;

/** What may travel, each sent at the time of (or after) the secrets above, in the same form: the capture sees it. */
const FORM_CONTROLS = {
  typedBeforeStart: 'Visible-Before-Start',
  unmaskedHiddenInput: 'Visible-Hidden-Value',
  unmaskedText: 'Visible-Text-Before',
  unmaskedTextChanged: 'Visible-Text-Changed-Later',
  maskedBoxNode: '"data-testid":"consent"', // where a checked state would show
  maskedBoxClicks: '"isChecked":false', // the clicks on masked boxes, scrubbed
  masks: '"****"',
  typedLast: 'Visible-Typing',
};

describe('Masking and Write Mode integrity in Chromium', () => {
  const suite = browserSuite();
  const site = siteServer();

  /** Saves the site's settings (its origin allowed) and opens a customer and an agent page. */
  async function pages(pagesOfSite: Record<string, string>, settings: Parameters<typeof updateSiteSettings>[1]) {
    site.useWidgetFrom(suite.server.url);
    site.serve(pagesOfSite);
    await updateSiteSettings(suite.server.deps.db, { allowedOrigins: [site.origin], ...settings });
    const customer = await suite.newPage(1280, 900);
    const agent = await suite.newPage(1440, 1000);
    return { customer, agent };
  }

  it('never sends a masked hidden input, checkbox or radio, and masks of any length look the same', async () => {
    const { customer, agent } = await pages({ '/t/form': FORM_PAGE }, { maskedFieldSelectors: ['.secret'], maskedPagePatterns: [] });
    const customerWire = await captureNetwork(customer, { urls: 'widget' });
    const agentWire = await captureNetwork(agent);

    // Before the session: in the first full snapshot.
    await customer.goto(`${site.origin}/t/form`);
    await customer.getByTestId('short-before').fill(SHORT[0]!);
    await customer.getByTestId('long-before').fill(LONG[0]!);
    await customer.getByTestId('plain').fill(FORM_CONTROLS.typedBeforeStart);
    const code = await startOnPage(customer);
    await agentJoins(agent, suite.server.url, code);
    const view = agentView(agent);
    await waitFor(() => view.getByTestId('plain').count(), 'the form in the agent view');

    // During it: input events and attribute changes.
    await customer.getByTestId('short-during').pressSequentially(SHORT[1]!);
    await customer.getByTestId('long-during').pressSequentially(LONG[1]!);
    await customer.getByTestId('consent').click();
    await customer.getByTestId('consent').click();
    await customer.getByTestId('gold').click();
    await customer.getByTestId('hidden').evaluate((input: HTMLInputElement) => (input.value = 'Hidden-Token-Changed-9902'));
    await customer.getByTestId('text').evaluate((text) => (text.textContent = 'Text-Secret-Changed-Later-0042'));
    await customer.getByTestId('plain-text').evaluate((text) => (text.textContent = 'Visible-Text-Changed-Later'));
    await customer.getByTestId('plain').clear();
    await customer.getByTestId('plain').pressSequentially(FORM_CONTROLS.typedLast);
    await waitFor(
      async () => (await view.getByTestId('plain').inputValue()) === FORM_CONTROLS.typedLast,
      'the plain field in the agent view',
    );
    await waitFor(async () => (await view.getByTestId('text').textContent()) === '****', 'the changed text masked');

    for (const testId of ['short-before', 'long-before', 'short-during', 'long-during'])
      assert.equal(await view.getByTestId(testId).inputValue(), '****', `${testId}: one mask for 3 and 30 characters`);
    assert.equal(await view.getByTestId('hidden').getAttribute('value'), '****');
    for (const testId of ['consent', 'gold', 'basic']) {
      assert.equal(await view.getByTestId(testId).isChecked(), false, `${testId} never shows as checked`);
      assert.equal(await view.getByTestId(testId).getAttribute('data-cobrowse-masked'), 'field');
    }
    assert.ok(await customer.getByTestId('consent').isChecked());
    assert.ok(await customer.getByTestId('gold').isChecked());

    // Neither in what the customer's browser sent (its worker's socket included) nor anywhere else.
    const secrets = Object.fromEntries(
      [...SHORT, ...LONG, ...FIELD_SECRETS, ...TEXT_SECRETS, '"checked":true', '"isChecked":true', '"***"', '*****'].map((secret) => [
        secret,
        secret,
      ]),
    );
    await assertNoneCaptured(() => customerWire.sent(), { controls: FORM_CONTROLS, secrets, where: 'what the customer’s browser sent' });
    await assertNoneCaptured(async () => [...(await customerWire.texts()), ...(await agentWire.texts())], {
      controls: FORM_CONTROLS,
      secrets,
      where: 'the traffic of both pages',
    });
    await agent.getByTestId('exit-session').click();
  });

  it('hides pages whose path only looks different: //, %61, a trailing slash, a hash route', async () => {
    const secretPage = (n: number) => `<p>Hidden-Page-Secret-${n}</p>`;
    const { customer, agent } = await pages(
      {
        '/t/home': '<p data-testid="home">Home-Visible</p>',
        '/t//account': secretPage(1),
        '/t/%61ccount': secretPage(2),
        '/t/profile': secretPage(3),
      },
      { maskedFieldSelectors: [], maskedPagePatterns: ['/t/account/*', '/t/profile', '/account/*'] },
    );
    const customerWire = await captureNetwork(customer, { urls: 'widget' });
    const agentWire = await captureNetwork(agent);
    // Started on an address with a query and a fragment: neither is sent to start the session.
    const code = await customerStarts(customer, site.origin, '/t/home?ref=Start-Query-Secret-31#Start-Hash-Secret-32');
    await agentJoins(agent, suite.server.url, code);
    const view = agentView(agent);
    const shownAgain = async () => {
      await customer.goto(`${site.origin}/t/home`);
      await waitFor(() => view.getByTestId('home').count(), 'the visible page in the agent view');
      await waitFor(async () => (await agent.getByTestId('agent-page-hidden').count()) === 0, 'the hidden notice to go');
    };
    await shownAgain();

    for (const path of ['/t//account/x', '/t/%61ccount/x', '/t/profile/']) {
      await customer.goto(`${site.origin}${path}`);
      await agent.getByTestId('agent-page-hidden').waitFor();
      await shownAgain();
    }

    // A single-page app moves to a hash route, then shows what is there.
    await customer.evaluate(() => {
      location.hash = '#/account/x';
      document.body.insertAdjacentHTML('beforeend', '<p id="on-hash-route">Hidden-Page-Secret-4</p>');
    });
    await agent.getByTestId('agent-page-hidden').waitFor();
    // …and back, what it showed gone: the page is shown again, and what it shows next arrives.
    await customer.evaluate(() => {
      document.getElementById('on-hash-route')!.remove();
      location.hash = '';
      document.body.insertAdjacentHTML('beforeend', '<p data-testid="back">Back-Visible</p>');
    });
    await waitFor(() => view.getByTestId('back').count(), 'the page after the hash route in the agent view');

    // Neither in what the customer's browser sent (its worker's socket included) nor anywhere else.
    const controls = { firstPage: 'Home-Visible', afterHashRoute: 'Back-Visible' };
    const secrets = Object.fromEntries([1, 2, 3, 4].map((n) => [`hidden page ${n}`, `Hidden-Page-Secret-${n}`]));
    const sent = await assertNoneCaptured(() => customerWire.sent(), { controls, secrets, where: 'what the customer’s browser sent' });
    await assertNoneCaptured(async () => [...(await customerWire.texts()), ...(await agentWire.texts())], {
      controls,
      secrets,
      where: 'the traffic of both pages',
    });
    const starts = sent.filter((text) => text.includes('startSession'));
    assert.equal(starts.length, 1);
    assert.match(starts[0]!, /\/t\/home/, 'the start names its page');
    assert.ok(!/Start-(Query|Hash)-Secret/.test(starts[0]!), starts[0]);
    assert.equal((await suite.server.deps.db.session.findUniqueOrThrow({ where: { code } })).url, `${site.origin}/t/home`);
    await agent.getByTestId('exit-session').click();
  });

  it('refuses agent actions on targets the customer cannot see, on disabled JavaScript controls, and unaudited', async () => {
    const { customer } = await pages(
      {
        '/t/actions': `
        <script>window.hits = []; function hit(name) { hits.push(name); }</script>
        <button data-testid="shown" onclick="hit('shown')">Shown</button>
        <button data-testid="none" style="display:none" onclick="hit('none')">None</button>
        <div style="display:none"><button data-testid="none-parent" onclick="hit('none-parent')">In a hidden box</button></div>
        <button data-testid="invisible" style="visibility:hidden" onclick="hit('invisible')">Invisible</button>
        <button data-testid="transparent" style="opacity:0" onclick="hit('transparent')">Transparent</button>
        <button data-testid="zero" style="width:0;height:0;padding:0;border:0;overflow:hidden" onclick="hit('zero')">Zero</button>
        <button data-testid="attribute" hidden onclick="hit('attribute')">Hidden attribute</button>
        <div inert><button data-testid="inert" onclick="hit('inert')">Inert</button></div>
        <details><summary>More</summary><button data-testid="details" onclick="hit('details')">In details</button></details>
        <form action="/t/paid" onsubmit="hit('submitted'); return false">
          <div id="pay" role="button" onclick="hit('pay'); this.closest('form').submit()"><span data-testid="pay-child">Pay now</span></div>
          <label data-testid="confirm-label" for="confirm">Confirm</label> <button type="submit" id="confirm">Confirm</button>
        </form>`,
      },
      { maskedPagePatterns: [], disabledSelectors: ['#pay'] },
    );
    const code = await customerStarts(customer, site.origin, '/t/actions');

    // The agent, as a raw client with its own cookie: nothing in the way of what it sends.
    const cookie = await signIn(suite.server.url, 'agent@example.com');
    const joined = await gql<{ joinSession: { id: string } }>(
      suite.server.url,
      'mutation($c: String!){ joinSession(code: $c){ id } }',
      { c: code },
      { cookie },
    );
    assert.ok(joined.data, JSON.stringify(joined.errors));
    const sessionId = joined.data.joinSession.id;
    const agent = wsClient(suite.server.url, { cookie });
    const stream = wsCollect<StreamMessage>(agent, 'subscription($id: ID!){ sessionStream(sessionId: $id) }', { id: sessionId });
    const SIGNAL = 'mutation($id: ID!, $s: JSON!){ sendSignal(sessionId: $id, signal: $s) }';
    await stream.next((m) => m.type === 'session');
    await gql(suite.server.url, 'mutation($id: ID!){ requestWriteMode(sessionId: $id){ mode } }', { id: sessionId }, { cookie });
    await customer.getByTestId('cobrowse-approve-write').click();
    await stream.next((m) => m.type === 'session' && m.event === 'write-approved');
    await wsExecute(agent, SIGNAL, { id: sessionId, s: { type: 'request-snapshot' } });
    const snapshot = await nextFullSnapshot(stream);
    const root = (snapshot.data as { node: unknown }).node;

    let actionId = 0;
    const click = async (testId: string) => {
      const nodeId = nodeIdByTestId(root, testId);
      assert.ok(nodeId, `${testId} is in the snapshot`);
      const id = ++actionId;
      const sent = await wsExecute(agent, SIGNAL, {
        id: sessionId,
        s: { type: 'action', id, action: { kind: 'click', nodeId }, target: testId },
      });
      if (sent.errors) return { ok: false, code: sent.errors[0]?.extensions?.code as string };
      const result = await stream.next((m) => m.type === 'action-result' && m.id === id);
      return result.type === 'action-result' ? { ok: result.ok, reason: result.reason ?? '' } : { ok: false };
    };

    assert.deepEqual(await click('shown'), { ok: true, reason: '' });
    for (const testId of ['none', 'none-parent', 'invisible', 'transparent', 'zero', 'attribute', 'inert', 'details']) {
      const result = await click(testId);
      assert.equal(result.ok, false, `${testId} was clicked`);
      assert.match(result.reason ?? '', /cannot see/, testId);
    }
    for (const testId of ['pay-child', 'confirm-label']) {
      const result = await click(testId);
      assert.equal(result.ok, false, `${testId} was clicked`);
      assert.match(result.reason ?? '', /disabled for agents/, testId);
    }

    // The audit row cannot be written (a real trigger in the real database): refused, never delivered.
    await suite.server.deps.db.$executeRawUnsafe(`CREATE TRIGGER refuse_agent_actions BEFORE INSERT ON "AuditEvent"
      WHEN NEW."type" = 'AGENT_ACTION' BEGIN SELECT RAISE(ABORT, 'audit storage unavailable'); END`);
    try {
      assert.deepEqual(await click('shown'), { ok: false, code: 'AUDIT_UNAVAILABLE' });
    } finally {
      await suite.server.deps.db.$executeRawUnsafe('DROP TRIGGER refuse_agent_actions');
    }
    // A click let through after it reaches the page (its result says so): the refused one, had it
    // been delivered, would have come before it on the same stream.
    assert.deepEqual(await click('shown'), { ok: true, reason: '' });
    assert.deepEqual(await customer.evaluate(() => (window as unknown as { hits: string[] }).hits), ['shown', 'shown']);
    assert.match(customer.url(), /\/t\/actions$/);
    await gql(suite.server.url, 'mutation($id: ID!){ exitSession(sessionId: $id){ id } }', { id: sessionId }, { cookie });
    await agent.dispose();
  });
});
