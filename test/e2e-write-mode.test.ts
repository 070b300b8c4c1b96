import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { StreamMessage } from '../protocol/index.ts';
import { signInAs } from './support/browser.ts';
import { agentJoins, agentView, browserSuite, countClickRings, customerStarts, hasNotice } from './support/cobrowse-pages.ts';
import { wsClient, wsCollect, wsExecute } from './support/graphql-client.ts';
import { waitFor } from './support/wait-for.ts';
import { nextFullSnapshot } from './support/packed-frames.ts';
import { nodeIdByTestId } from './support/snapshot.ts';

const GREEN = 'rgb(22, 163, 74)';

describe('Write Mode in Chromium', () => {
  const suite = browserSuite();
  const newPage = suite.newPage;

  /** Clicks the centre of an element of the customer's page inside the agent's view. */
  async function agentClicks(agent: Page, testId: string) {
    const box = await waitFor(() => agentView(agent).getByTestId(testId).boundingBox(), `${testId} in the agent view`);
    await agent.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  }

  async function approveWriteMode(agent: Page, customer: Page) {
    await agent.getByTestId('request-write').click();
    await customer.getByTestId('cobrowse-approve-write').click();
    await hasNotice(agent, 'agent-notice', /approved write mode/i);
    await agent.getByTestId('pointer-mode').waitFor();
  }

  it('asks for consent, then clicks, types and navigates in the customer’s page, never submitting', async () => {
    const customer = await newPage(1280, 800);
    const agent = await newPage(1440, 900);
    const actionCodeLoads: string[] = [];
    customer.on('request', (request) => request.url().endsWith('/widget-actions.js') && actionCodeLoads.push(request.url()));
    const code = await customerStarts(customer, suite.server.url, '/demo');
    await agentJoins(agent, suite.server.url, code);
    await waitFor(() => agentView(agent).getByTestId('demo-counter').count(), 'the page in the agent view');

    // A declined request leaves the agent in Pointer Mode, and says so.
    await agent.getByTestId('request-write').click();
    await customer.getByTestId('cobrowse-decline-write').click();
    await hasNotice(agent, 'agent-notice', /declined write mode/i);
    await waitFor(() => agent.getByTestId('request-write').isEnabled(), 'the pencil to come back');
    assert.equal(await agent.getByTestId('pointer-mode').count(), 0);

    // Write Mode's action code is a chunk of its own, loaded only once Write Mode is on.
    assert.deepEqual(actionCodeLoads, [], 'no Write Mode code before Write Mode');
    // Once approved, the pencil becomes a pointer button.
    await approveWriteMode(agent, customer);
    assert.equal(await agent.getByTestId('request-write').count(), 0);
    await hasNotice(customer, 'cobrowse-notice', /write mode is on/i);

    // An agent click runs the page's own handler.
    const before = await customer.getByTestId('demo-counter').textContent();
    await agentClicks(agent, 'demo-counter-button');
    await waitFor(async () => (await customer.getByTestId('demo-counter').textContent()) !== before, 'the customer’s counter to change');
    assert.equal(actionCodeLoads.length, 1);

    // Following a link in the page.
    await agentClicks(agent, 'demo-nav-apply');
    await customer.waitForURL(/\/demo\/apply$/);

    // Typing into a text field and choosing in a list, as the customer would (React sees it).
    await agentClicks(agent, 'demo-name');
    await agent.getByTestId('agent-field-editor').pressSequentially('Typed by agent');
    await waitFor(
      async () => (await customer.getByTestId('demo-name').inputValue()) === 'Typed by agent',
      'the agent’s typing on the customer page',
    );
    await agentClicks(agent, 'demo-income');
    await agent.getByTestId('agent-field-editor').selectOption('mid');
    await waitFor(
      async () => (await customer.getByTestId('demo-income').inputValue()) === 'mid',
      'the agent’s choice on the customer page',
    );

    await agentClicks(agent, 'demo-terms');
    await waitFor(() => customer.getByTestId('demo-terms').isChecked(), 'the agent’s tick on the customer page');

    // A masked field stays the customer's: the agent is told at once, and gets no editor for it.
    await agentClicks(agent, 'demo-password');
    await hasNotice(agent, 'agent-notice', /only the customer/i);
    assert.equal(await agent.getByTestId('agent-field-editor').count(), 0);
    assert.equal(await customer.getByTestId('demo-password').inputValue(), '');

    // The submit button is green-bordered for the agent and does nothing for them…
    const outline = await agentView(agent)
      .getByTestId('demo-submit')
      .evaluate((element) => getComputedStyle(element).outlineColor);
    assert.equal(outline, GREEN);
    await agentClicks(agent, 'demo-submit');
    await hasNotice(agent, 'agent-notice', /disabled for agents/i);
    // A click the agent may make, made after it, reaches the page: a submit would have come first.
    await agentClicks(agent, 'demo-terms');
    await waitFor(async () => !(await customer.getByTestId('demo-terms').isChecked()), 'the agent’s later untick on the customer page');
    assert.equal(await customer.getByTestId('demo-result').count(), 0);
    // …while the customer can always submit.
    await customer.getByTestId('demo-email').fill('jane@example.com');
    await customer.getByTestId('demo-submit').click();
    assert.match((await customer.getByTestId('demo-result').textContent()) ?? '', /Typed by agent/);

    // The URL bar, back, forward and refresh.
    await agent.getByTestId('nav-url').fill(`${suite.server.url}/demo/help`);
    await agent.getByTestId('nav-url').press('Enter');
    await customer.waitForURL(/\/demo\/help$/);
    await waitFor(() => agentView(agent).getByText('Help centre').count(), 'the help page in the agent view');
    // Each step waits for the agent's view of the new page: the customer's widget is back on line.
    await agent.getByTestId('nav-back').click();
    await customer.waitForURL(/\/demo\/apply$/);
    await waitFor(() => agentView(agent).getByTestId('demo-name').count(), 'the form in the agent view');
    await agent.getByTestId('nav-forward').click();
    await customer.waitForURL(/\/demo\/help$/);
    await waitFor(() => agentView(agent).getByText('Help centre').count(), 'the help page in the agent view');
    await customer.evaluate(() => ((window as unknown as { marker: boolean }).marker = true));
    await agent.getByTestId('nav-refresh').click();
    await waitFor(
      async () => (await customer.evaluate(() => (window as unknown as { marker?: boolean }).marker)) === undefined,
      'the customer page to reload',
    );

    // No navigating off the site.
    await waitFor(() => agent.getByTestId('nav-url').isEditable(), 'the URL bar after the reload');
    await agent.getByTestId('nav-url').fill('https://example.org/');
    await agent.getByTestId('nav-url').press('Enter');
    await hasNotice(agent, 'agent-notice', /outside the customer/i);
    assert.match(customer.url(), /\/demo\/help$/);

    // The customer switches back; agent clicks no longer act.
    await customer.getByTestId('cobrowse-pointer-mode').click();
    await hasNotice(agent, 'agent-notice', /customer switched back/i);
    await agent.getByTestId('request-write').waitFor();
    await customer.goto(`${suite.server.url}/demo`);
    await waitFor(() => agentView(agent).getByTestId('demo-counter-button').count(), 'the home page in the agent view');
    const still = await customer.getByTestId('demo-counter').textContent();
    const clickRings = await countClickRings(customer);
    await agentClicks(agent, 'demo-counter-button');
    // The click reaches the customer as a pointer click; an action would have gone with it.
    await waitFor(async () => (await clickRings()) === 1, 'the agent’s click shown on the customer page');
    assert.equal(await customer.getByTestId('demo-counter').textContent(), still);
    await agent.getByTestId('exit-session').click();
  });

  it('lets the agent switch back, and refuses actions sent around the agent page twice over', async () => {
    const customer = await newPage(1280, 800);
    const agent = await newPage(1440, 900);
    const code = await customerStarts(customer, suite.server.url, '/demo/apply');
    await agentJoins(agent, suite.server.url, code, 'agent2@example.com');
    await waitFor(() => agentView(agent).getByTestId('demo-submit').count(), 'the form in the agent view');

    // A raw client with the agent's own cookie, bypassing the agent page.
    const cookie = (await agent.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const sessionId = (await suite.server.deps.db.session.findUniqueOrThrow({ where: { code } })).id;
    const raw = wsClient(suite.server.url, { cookie });
    const stream = wsCollect<StreamMessage>(raw, 'subscription($id: ID!){ sessionStream(sessionId: $id) }', { id: sessionId });
    await stream.next((m) => m.type === 'session');
    await wsExecute(raw, 'mutation($id: ID!, $s: JSON!){ sendSignal(sessionId: $id, signal: $s) }', {
      id: sessionId,
      s: { type: 'request-snapshot' },
    });
    const fullSnapshot = await nextFullSnapshot(stream);
    const submitId = nodeIdByTestId((fullSnapshot?.data as { node: unknown }).node, 'demo-submit');
    assert.ok(submitId);
    const send = (id: number) =>
      wsExecute(raw, 'mutation($id: ID!, $s: JSON!){ sendSignal(sessionId: $id, signal: $s) }', {
        id: sessionId,
        s: { type: 'action', id, action: { kind: 'click', nodeId: submitId } },
      });

    // The server refuses any action outside Write Mode…
    const refused = await send(1);
    assert.equal(refused.errors?.[0]?.extensions?.code, 'WRITE_MODE_REQUIRED');

    // …and in Write Mode the widget refuses a disabled control on its own.
    await approveWriteMode(agent, customer);
    assert.deepEqual(await send(2), { data: { sendSignal: true } });
    const result = await stream.next((m) => m.type === 'action-result' && m.id === 2);
    assert.equal(result.type === 'action-result' && result.ok, false);
    assert.match(result.type === 'action-result' ? (result.reason ?? '') : '', /disabled for agents/);
    assert.equal(await customer.getByTestId('demo-result').count(), 0);

    // …and a masked field, typed into around the agent page, stays the customer's.
    const cardId = nodeIdByTestId((fullSnapshot?.data as { node: unknown }).node, 'demo-card');
    const typed = await wsExecute(raw, 'mutation($id: ID!, $s: JSON!){ sendSignal(sessionId: $id, signal: $s) }', {
      id: sessionId,
      s: { type: 'action', id: 3, action: { kind: 'input', nodeId: cardId, value: '4000 0000 0000 0002' } },
    });
    assert.deepEqual(typed, { data: { sendSignal: true } });
    const typedResult = await stream.next((m) => m.type === 'action-result' && m.id === 3);
    assert.match(typedResult.type === 'action-result' ? (typedResult.reason ?? '') : '', /only the customer/);
    assert.equal(await customer.getByTestId('demo-card').inputValue(), '');

    // The agent's pointer button ends Write Mode; the customer is told.
    await agent.getByTestId('pointer-mode').click();
    await hasNotice(customer, 'cobrowse-notice', /agent switched back/i);
    await waitFor(() => customer.getByTestId('cobrowse-pointer-mode').isHidden(), 'the customer’s Write Mode banner to go');
    await raw.dispose();
  });

  it('lets an admin turn Write Mode off: agents then have no pencil', async () => {
    const admin = await newPage(1280, 800);
    await signInAs(admin, suite.server.url, 'admin@example.com', '/admin');
    await admin.getByTestId('admin-disabledSelectors').fill('a[href');
    await admin.getByTestId('admin-save').click();
    await waitFor(
      async () => /"a\[href" is not a valid CSS selector/.test((await admin.getByTestId('admin-message').textContent()) ?? ''),
      'the bad selector to be named',
    );
    await admin.getByTestId('admin-disabledSelectors').fill('');
    await admin.getByTestId('admin-write-mode').uncheck();
    await admin.getByTestId('admin-save').click();
    await waitFor(async () => /Saved/.test((await admin.getByTestId('admin-message').textContent()) ?? ''), 'the settings to save');

    const customer = await newPage(1024, 768);
    const agent = await newPage(1280, 800);
    const code = await customerStarts(customer, suite.server.url, '/demo');
    await agentJoins(agent, suite.server.url, code);
    await waitFor(() => agentView(agent).getByTestId('demo-counter').count(), 'the page in the agent view');
    assert.equal(await agent.getByTestId('request-write').count(), 0);
    assert.ok(await agent.getByTestId('nav-back').isDisabled());

    await admin.getByTestId('admin-write-mode').check();
    await admin.getByTestId('admin-save').click();
    await agent.getByTestId('exit-session').click();
  });
});
