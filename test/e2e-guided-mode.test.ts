import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { StreamMessage } from '../protocol/index.ts';
import { topics } from '../server/core/pubsub/index.ts';
import { expireGuidedRequests } from '../server/sessions/expire-waiting-sessions.ts';
import { signInAs } from './support/browser.ts';
import { agentJoins, agentView, browserSuite, customerStarts, hasNotice, startOnPage } from './support/cobrowse-pages.ts';
import { gql, wsClient, wsCollect, wsExecute } from './support/graphql-client.ts';
import { nextFullSnapshot } from './support/packed-frames.ts';
import { nodeIdByTestId } from './support/snapshot.ts';
import { waitFor } from './support/wait-for.ts';

const SIGNAL = 'mutation($id: ID!, $s: JSON!){ sendSignal(sessionId: $id, signal: $s) }';

/** The widget's shadow root, where its prompt, indicator and outlines live. */
const inWidget = <T>(customer: Page, read: (root: ShadowRoot) => T) =>
  customer.evaluate(`(${read.toString()})(document.getElementById('cobrowse-widget-root').shadowRoot)`) as Promise<T>;

const pageScrollY = (customer: Page) => customer.evaluate(() => window.scrollY);

describe('Guided Mode in Chromium', () => {
  const suite = browserSuite();
  const newPage = suite.newPage;

  /** A customer on the long application form in a short window (so it scrolls), and an agent joined to them. */
  async function joinedPair(agentEmail = 'agent@example.com') {
    const customer = await newPage(1024, 420);
    const agent = await newPage(1440, 900);
    const code = await customerStarts(customer, suite.server.url, '/demo/apply');
    await agentJoins(agent, suite.server.url, code, agentEmail);
    await waitFor(() => agentView(agent).getByTestId('demo-terms').count(), 'the form in the agent view');
    const sessionId = (await suite.server.deps.db.session.findUniqueOrThrow({ where: { code } })).id;
    const cookie = (await agent.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    return { customer, agent, sessionId, cookie };
  }

  it('asks for consent, then scrolls and highlights for the customer, and never clicks or types, by the server’s word or the widget’s', async () => {
    const { customer, agent, sessionId, cookie } = await joinedPair();
    const guidedCodeLoads: string[] = [];
    customer.on('request', (request) => request.url().endsWith('/widget-guided.js') && guidedCodeLoads.push(request.url()));

    // Next to the pencil; the keyboard reaches it.
    const request = agent.getByTestId('request-guided');
    await request.waitFor();
    await agent.locator('.session-info').screenshot({ path: 'test-results/guided-agent-request.png' });
    assert.deepEqual(guidedCodeLoads, [], 'no Guided Mode code before it is asked for');
    await request.focus();
    await agent.keyboard.press('Enter');
    await hasNotice(agent, 'agent-notice', /guided mode requested/i);

    // The customer's own prompt, in the widget, with the focus on Approve.
    const prompt = customer.getByTestId('cobrowse-guided-request');
    await prompt.waitFor();
    assert.match((await prompt.textContent()) ?? '', /scroll this page and highlight.*cannot click or type/i);
    assert.equal(await inWidget(customer, (root) => (root.activeElement as HTMLElement | null)?.dataset.testid), 'cobrowse-approve-guided');
    await customer.getByRole('region', { name: 'Co-browse' }).screenshot({ path: 'test-results/guided-customer-prompt.png' });
    assert.equal(guidedCodeLoads.length, 1, 'Guided Mode’s chunk loads with the first request');
    await customer.getByTestId('cobrowse-approve-guided').click();

    await hasNotice(agent, 'agent-notice', /approved guided mode/i);
    await agent.getByTestId('guided-mode-badge').waitFor();
    await customer.getByTestId('cobrowse-guided-mode').waitFor();
    await hasNotice(customer, 'cobrowse-notice', /guided mode is on/i);
    assert.equal(await agent.getByTestId('request-write').count(), 0, 'no pencil in Guided Mode: back to Pointer Mode first');

    // Scrolling: the customer's page moves, and the agent's view follows it.
    assert.equal(await pageScrollY(customer), 0);
    await agent.getByTestId('guided-scroll-down').click();
    await waitFor(async () => (await pageScrollY(customer)) >= 250, 'the customer’s page to scroll down');
    const scrolled = await pageScrollY(customer);
    await waitFor(
      () =>
        agentView(agent)
          .locator('html')
          .evaluate((html, y) => html.ownerDocument.defaultView!.scrollY === y, scrolled),
      'the agent view to follow',
    );

    // Highlighting: the agent clicks an element with the outline tool; the customer sees it outlined.
    await agent.getByTestId('annotate-outline').click();
    const box = await waitFor(() => agentView(agent).getByTestId('demo-terms').boundingBox(), 'the checkbox in the agent view');
    await agent.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    const outlined = await waitFor(
      () =>
        inWidget(customer, (root) => {
          const outline = root.querySelector('[data-testid=cobrowse-highlight]');
          return outline && JSON.stringify(outline.getBoundingClientRect());
        }),
      'the outline on the customer’s page',
    );
    const outline = JSON.parse(outlined) as DOMRect;
    const terms = (await customer.getByTestId('demo-terms').boundingBox())!;
    assert.ok(
      outline.left <= terms.x &&
        outline.top <= terms.y &&
        outline.right >= terms.x + terms.width &&
        outline.bottom >= terms.y + terms.height,
      'the outline goes around the element the agent chose',
    );
    assert.equal(await agent.getByTestId('agent-highlight').count(), 1, 'the agent sees the outline too');
    await agent.screenshot({ path: 'test-results/guided-agent-view.png' });
    await customer.screenshot({ path: 'test-results/guided-customer-view.png' });
    // The outline tool's click is not a click on the page.
    assert.equal(await customer.getByTestId('demo-terms').isChecked(), false);
    // By keyboard: the layer has the focus, arrows move its cursor, Enter outlines.
    await customer.evaluate(() => {
      const seen = window as unknown as { outlinesSeen: number };
      seen.outlinesSeen = 0;
      new MutationObserver((records) => {
        for (const record of records)
          for (const node of record.addedNodes) if ((node as HTMLElement).dataset?.testid === 'cobrowse-highlight') seen.outlinesSeen++;
      }).observe(document.getElementById('cobrowse-widget-root')!.shadowRoot!, { childList: true });
    });
    await agent.keyboard.press('ArrowDown');
    await agent.keyboard.press('Enter');
    await waitFor(
      () => customer.evaluate(() => (window as unknown as { outlinesSeen: number }).outlinesSeen === 1),
      'an outline made by keyboard',
    );

    // Clicking and typing, sent around the agent page: the server refuses them with a clear code…
    const raw = wsClient(suite.server.url, { cookie });
    const stream = wsCollect<StreamMessage>(raw, 'subscription($id: ID!){ sessionStream(sessionId: $id) }', { id: sessionId });
    await stream.next((m) => m.type === 'session');
    await wsExecute(raw, SIGNAL, { id: sessionId, s: { type: 'request-snapshot' } });
    const snapshot = (await nextFullSnapshot(stream))?.data as { node: unknown };
    const termsId = nodeIdByTestId(snapshot.node, 'demo-terms');
    const nameId = nodeIdByTestId(snapshot.node, 'demo-name');
    assert.ok(termsId && nameId);
    const click = { type: 'action', id: 1, action: { kind: 'click', nodeId: termsId } };
    const type = { type: 'action', id: 2, action: { kind: 'input', nodeId: nameId, value: 'typed by the agent' } };
    for (const signal of [click, type, { type: 'action', id: 3, action: { kind: 'navigate', to: 'reload' } }]) {
      const refused = await wsExecute(raw, SIGNAL, { id: sessionId, s: signal });
      assert.equal(refused.errors?.[0]?.extensions?.code, 'NOT_ALLOWED_IN_GUIDED_MODE');
    }
    // …and a forged action that reached the customer's page anyway is refused there too.
    await suite.server.deps.pubsub.publish(topics.toCustomer(sessionId), click as StreamMessage);
    await suite.server.deps.pubsub.publish(topics.toCustomer(sessionId), type as StreamMessage);
    for (const id of [1, 2]) {
      const result = await stream.next((m) => m.type === 'action-result' && m.id === id);
      assert.equal(result.type === 'action-result' && result.ok, false);
      assert.match(result.type === 'action-result' ? (result.reason ?? '') : '', /Guided Mode/);
    }
    assert.equal(await customer.getByTestId('demo-terms').isChecked(), false, 'the page did not change');
    assert.equal(await customer.getByTestId('demo-name').inputValue(), '');

    // The customer takes it back: the agent is told, and scrolling stops, by both.
    await customer.getByTestId('cobrowse-end-guided').click();
    await hasNotice(agent, 'agent-notice', /customer ended guided mode/i);
    await waitFor(() => customer.getByTestId('cobrowse-guided-mode').isHidden(), 'the indicator to go');
    await agent.getByTestId('request-guided').waitFor();
    assert.equal(await agent.getByTestId('guided-scroll-down').count(), 0);
    const scroll = await wsExecute(raw, SIGNAL, { id: sessionId, s: { type: 'scroll', dx: 0, dy: 200 } });
    assert.equal(scroll.errors?.[0]?.extensions?.code, 'GUIDED_MODE_REQUIRED');
    const still = await pageScrollY(customer);
    // A forged scroll in Pointer Mode: the widget ignores it. The pointer message after it shows
    // that the page handled it (messages are applied in order).
    await suite.server.deps.pubsub.publish(topics.toCustomer(sessionId), { type: 'scroll', dx: 0, dy: -200 });
    await suite.server.deps.pubsub.publish(topics.toCustomer(sessionId), { type: 'pointer', target: { x: 40, y: 40 } });
    await customer.getByTestId('cobrowse-agent-pointer').waitFor();
    assert.equal(await pageScrollY(customer), still, 'the page did not scroll');
    await raw.dispose();
    await agent.getByTestId('exit-session').click();
  });

  it('tells both sides when the customer declines, and when a request expires', async () => {
    const { customer, agent, sessionId } = await joinedPair('agent2@example.com');
    await agent.getByTestId('request-guided').click();
    await customer.getByTestId('cobrowse-decline-guided').click();
    await hasNotice(agent, 'agent-notice', /declined guided mode/i);
    await hasNotice(customer, 'cobrowse-notice', /declined guided mode/i);
    await waitFor(() => agent.getByTestId('request-guided').isEnabled(), 'the request button to come back');
    assert.equal(await agent.getByTestId('guided-mode-badge').count(), 0);

    // Unanswered: once its time is past, the sweep closes it (as the timer would have).
    await agent.getByTestId('request-guided').click();
    await customer.getByTestId('cobrowse-guided-request').waitFor();
    assert.ok(await agent.getByTestId('request-guided').isDisabled(), 'no second request while one waits');
    await suite.server.deps.db.session.update({ where: { id: sessionId }, data: { guidedRequestExpiresAt: new Date(Date.now() - 1000) } });
    assert.equal(await expireGuidedRequests(suite.server.deps), 1);
    await hasNotice(agent, 'agent-notice', /did not answer the guided mode request/i);
    await hasNotice(customer, 'cobrowse-notice', /guided mode request expired/i);
    await waitFor(() => customer.getByTestId('cobrowse-guided-request').isHidden(), 'the prompt to go');
    const types = (await suite.server.deps.db.auditEvent.findMany({ where: { sessionId }, orderBy: { sequence: 'asc' } })).map(
      (row) => row.type,
    );
    assert.deepEqual(
      types.filter((type) => type.startsWith('GUIDED_')),
      ['GUIDED_REQUESTED', 'GUIDED_DECLINED', 'GUIDED_REQUESTED', 'GUIDED_EXPIRED'],
    );
    await agent.getByTestId('exit-session').click();
  });

  it('asks a customer whose page is in German in German', async () => {
    const customer = await newPage(1024, 600);
    // The demo page, as a site in German marks it: <html lang="de">, before the widget draws.
    await customer.addInitScript(() => {
      const mark = new MutationObserver(() => {
        if (!document.documentElement) return;
        document.documentElement.lang = 'de';
        mark.disconnect();
      });
      mark.observe(document, { childList: true });
    });
    await customer.goto(`${suite.server.url}/demo/apply`);
    const code = await startOnPage(customer);
    const agent = await newPage(1280, 800);
    await agentJoins(agent, suite.server.url, code, 'agent2@example.com');
    await agent.getByTestId('request-guided').click();
    const prompt = customer.getByTestId('cobrowse-guided-request');
    await prompt.waitFor();
    assert.match((await prompt.textContent()) ?? '', /möchte auf dieser Seite für Sie scrollen und Stellen hervorheben/);
    assert.equal(await customer.getByTestId('cobrowse-approve-guided').textContent(), 'Erlauben');
    await customer.getByRole('region', { name: 'Co-Browsing' }).screenshot({ path: 'test-results/guided-customer-prompt-de.png' });
    await customer.getByTestId('cobrowse-approve-guided').click();
    const indicator = customer.getByTestId('cobrowse-guided-mode');
    await indicator.waitFor();
    assert.match((await indicator.textContent()) ?? '', /Geführter Modus.*Geführten Modus beenden/);
    await hasNotice(customer, 'cobrowse-notice', /geführte Modus ist an/);
    await customer.getByTestId('cobrowse-end-guided').click();
    await hasNotice(customer, 'cobrowse-notice', /geführte Modus ist aus/);
    await agent.getByTestId('exit-session').click();
  });

  it('lets an admin turn scrolling off for agents: no request control, and the server refuses', async () => {
    const admin = await newPage(1280, 900);
    await signInAs(admin, suite.server.url, 'admin@example.com', '/admin');
    const scrollBox = admin.getByTestId('admin-capability-agent-scroll');
    await waitFor(() => scrollBox.isChecked(), 'agents to scroll by default');
    await admin.locator('form[aria-labelledby=capabilities-heading]').screenshot({ path: 'test-results/guided-admin-capabilities.png' });
    await scrollBox.uncheck();
    await admin.getByTestId('admin-capabilities-save').click();
    await waitFor(
      async () => /Saved/.test((await admin.getByTestId('admin-capabilities-message').textContent()) ?? ''),
      'the tools to save',
    );
    try {
      const { agent, sessionId, cookie } = await joinedPair();
      // The pencil shows the rules have arrived; the Guided Mode control is not there.
      await agent.getByTestId('request-write').waitFor();
      assert.equal(await agent.getByTestId('request-guided').count(), 0);
      const refused = await gql(
        suite.server.url,
        'mutation($id: ID!){ requestGuidedMode(sessionId: $id){ id } }',
        { id: sessionId },
        { cookie },
      );
      assert.equal(refused.errors?.[0]?.extensions?.code, 'CAPABILITY_DISABLED');
      await agent.getByTestId('exit-session').click();
    } finally {
      await scrollBox.check();
      await admin.getByTestId('admin-capabilities-save').click();
      await waitFor(
        async () => /Saved/.test((await admin.getByTestId('admin-capabilities-message').textContent()) ?? ''),
        'the tools to save',
      );
    }
  });
});
