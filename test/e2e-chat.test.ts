import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { formatCode } from '../app/lib/session-code.ts';
import { buildChunk } from '../widget/build.ts';
import { signInAs } from './support/browser.ts';
import { agentView, browserSuite, customerStarts, hasNotice } from './support/cobrowse-pages.ts';
import { waitFor } from './support/wait-for.ts';

/** Texts of every element with this test id. */
const texts = (page: Page, testId: string) => page.getByTestId(testId).allTextContents();

/** Waits until one element with this test id contains `text`. */
const shows = (page: Page, testId: string, text: string) =>
  waitFor(async () => (await texts(page, testId)).some((shown) => shown.includes(text)), `${testId} showing “${text}”`);

/** The customer opens the chat on a demo page and writes the first message. */
async function customerChats(customer: Page, baseUrl: string, path: string, text: string): Promise<void> {
  await customer.goto(`${baseUrl}${path}`);
  await customer.getByTestId('cobrowse-chat-open').click();
  await customer.getByTestId('cobrowse-chat-input').fill(text);
  await customer.getByTestId('cobrowse-chat-send').click();
  await shows(customer, 'cobrowse-chat-message', text);
}

/** The customer writes in the open chat. */
async function customerSays(customer: Page, text: string): Promise<void> {
  await customer.getByTestId('cobrowse-chat-input').fill(text);
  await customer.getByTestId('cobrowse-chat-send').click();
  await shows(customer, 'cobrowse-chat-message', text);
}

/** The agent writes in the chat on screen. */
async function agentSays(agent: Page, text: string): Promise<void> {
  await agent.getByTestId('chat-input').fill(text);
  await agent.getByTestId('chat-send').click();
  await shows(agent, 'chat-message', text);
}

/** The agent accepts the queued chat whose customer wrote `firstMessage`. */
async function agentAccepts(agent: Page, firstMessage: string): Promise<void> {
  const item = agent.getByTestId('chat-queue-item').filter({ hasText: firstMessage });
  await waitFor(() => item.count(), 'the chat in the queue');
  await item.getByTestId('chat-accept').click();
  await shows(agent, 'chat-message', firstMessage);
}

/** The co-browse session's nine digits as the customer's widget shows them. */
const sessionIdShown = (customer: Page) =>
  waitFor(async () => (await customer.getByTestId('cobrowse-session-id').textContent())?.replace(/\D/g, ''), 'the session ID');

const agentHasView = (agent: Page) =>
  waitFor(() => agentView(agent).locator('body').count(), 'the co-browse view on the agent’s desktop', 20_000);

describe('chat with co-browse from it, in Chromium', () => {
  const suite = browserSuite();
  before(async () => {
    await buildChunk('chat'); // the lazily loaded chat window, /widget-chat.js
    await mkdir('test-results', { recursive: true });
  });

  it('chats both ways, opens co-browse on the agent’s desktop by itself, and keeps the chat across pages, reloads and co-browse exit', async () => {
    const customer = await suite.newPage(1280, 800);
    const agent = await suite.newPage(1440, 900);
    const chatLoads: string[] = [];
    customer.on('request', (request) => request.url().endsWith('/widget-chat.js') && chatLoads.push(request.url()));
    await signInAs(agent, suite.server.url, 'agent@example.com');

    // The chat window is a second bundle, loaded only when the customer opens the chat.
    await customer.goto(`${suite.server.url}/demo`);
    await waitFor(() => customer.getByTestId('cobrowse-chat-open').isVisible(), 'the Chat with us button');
    assert.equal(chatLoads.length, 0);
    await customerChats(customer, suite.server.url, '/demo', 'Hi, I cannot find the apply form');
    assert.equal(chatLoads.length, 1);

    await agentAccepts(agent, 'Hi, I cannot find the apply form');
    await agentSays(agent, 'Happy to help! Let me show you.');
    await shows(customer, 'cobrowse-chat-message', 'Happy to help! Let me show you.');
    await customerSays(customer, 'Thank you');
    await shows(agent, 'chat-message', 'Thank you');

    // Start Co-browse from the chat; {start:<ID>} in the chat on both sides, and the session opens by itself.
    await customer.getByTestId('cobrowse-start').click();
    const code = await sessionIdShown(customer);
    // Told at once that the agent joined: nobody typed the ID.
    await hasNotice(customer, 'cobrowse-notice', /joined/i);
    await shows(customer, 'cobrowse-chat-message', `{start:${code}}`);
    await shows(agent, 'chat-message', `{start:${code}}`);
    await agentHasView(agent);
    await waitFor(() => agentView(agent).getByTestId('demo-counter').count(), 'the customer’s page in the agent’s view');
    await agent.screenshot({ path: 'test-results/chat-agent.png' });
    await customer.screenshot({ path: 'test-results/chat-widget.png' });

    // Moving to another page keeps the chat (and the co-browse).
    await customer.getByTestId('demo-nav-apply').click();
    await customer.waitForURL(/\/demo\/apply/);
    await waitFor(() => customer.getByTestId('cobrowse-chat-input').isVisible(), 'the chat window after the page load');
    await shows(customer, 'cobrowse-chat-message', 'Happy to help! Let me show you.');
    await customerSays(customer, 'I am on the form now');
    await shows(agent, 'chat-message', 'I am on the form now');
    // …and so does a reload.
    await customer.reload();
    await shows(customer, 'cobrowse-chat-message', 'I am on the form now');
    assert.equal((await texts(customer, 'cobrowse-chat-message')).filter((text) => text === 'Thank you').length, 1, 'no message twice');

    // Exiting co-browse leaves the chat open.
    await customer.getByTestId('cobrowse-exit').click();
    await hasNotice(agent, 'agent-notice', /customer ended/i);
    await waitFor(async () => (await agent.locator('[data-testid=cobrowse-view] iframe').count()) === 0, 'the agent view to clear');
    await agentSays(agent, 'Still here if you need me.');
    await shows(customer, 'cobrowse-chat-message', 'Still here if you need me.');
    await customerSays(customer, 'Great, bye');
    await shows(agent, 'chat-message', 'Great, bye');
  });

  it('tells an agent who already has a session open, who joins later by ID', async () => {
    const first = await suite.newPage(1024, 768);
    const customer = await suite.newPage(1024, 768);
    const agent = await suite.newPage(1440, 900);
    await signInAs(agent, suite.server.url, 'agent2@example.com');

    // The agent is already co-browsing with someone else.
    const busyCode = await customerStarts(first, suite.server.url, '/demo/help');
    await agent.getByTestId('session-id-input').fill(busyCode);
    await agent.getByTestId('session-join').click();
    await hasNotice(agent, 'agent-notice', /connected to session/i);

    await customerChats(customer, suite.server.url, '/demo', 'Can you look at my screen?');
    await agentAccepts(agent, 'Can you look at my screen?');
    await customer.getByTestId('cobrowse-start').click();
    const code = await sessionIdShown(customer);
    await shows(agent, 'chat-message', `{start:${code}}`);
    await hasNotice(agent, 'agent-notice', /already have a session open/i);
    // Still in the first session.
    assert.match((await agent.locator('.session-title').textContent()) ?? '', new RegExp(busyCode.slice(0, 3)));

    await agent.getByTestId('exit-session').click();
    await hasNotice(agent, 'agent-notice', /you ended/i);
    await agent.getByTestId('session-id-input').fill(code);
    await agent.getByTestId('session-join').click();
    await hasNotice(customer, 'cobrowse-notice', /joined/i);
    await agentHasView(agent);
    await agent.getByTestId('exit-session').click();
  });

  it('ends the co-browse session on both sides when the chat ends', async () => {
    const customer = await suite.newPage(1280, 800);
    const agent = await suite.newPage(1440, 900);
    await signInAs(agent, suite.server.url, 'agent@example.com');
    await customerChats(customer, suite.server.url, '/demo/help', 'Please walk me through this');
    await agentAccepts(agent, 'Please walk me through this');
    await customer.getByTestId('cobrowse-start').click();
    const code = await sessionIdShown(customer);
    await hasNotice(customer, 'cobrowse-notice', /joined/i);
    await shows(agent, 'chat-message', `{start:${code}}`);
    await agentHasView(agent);

    await customer.getByTestId('cobrowse-chat-end').click();
    await shows(customer, 'cobrowse-chat-message', `{start:${code}}`); // the history stays on screen
    await hasNotice(customer, 'cobrowse-notice', /ended/i);
    await waitFor(() => customer.getByTestId('cobrowse-start').isVisible(), 'the Start button to come back');
    await hasNotice(agent, 'agent-notice', /ended/i);
    await waitFor(async () => (await agent.locator('[data-testid=cobrowse-view] iframe').count()) === 0, 'the agent view to clear');
    await waitFor(async () => (await agent.getByTestId('chat-input').isDisabled()) === true, 'the agent’s chat input to close');
    const ended = await suite.server.deps.db.session.findUniqueOrThrow({ where: { code } });
    assert.equal(ended.endReason, 'chat-ended');
    // The chat is forgotten: after a reload the widget offers a new chat, not the ended one.
    await customer.reload();
    await customer.getByTestId('cobrowse-chat-open').click();
    assert.equal(await customer.getByTestId('cobrowse-chat-message').count(), 0);

    // Supervisors read the chat in the session's history.
    const supervisor = await suite.newPage(1440, 900);
    await signInAs(supervisor, suite.server.url, 'supervisor@example.com', '/supervisor');
    const row = supervisor.getByTestId('supervisor-history-row').filter({ hasText: formatCode(code) });
    await row.getByRole('button').first().click();
    await waitFor(
      async () =>
        /Please walk me through this[\s\S]*\{start:\d{9}\}/.test((await supervisor.getByTestId('session-chat').textContent()) ?? ''),
      'the chat in the session history',
    );
  });

  it('lets one agent handle several chats: switch between them, unread counts', async () => {
    const alice = await suite.newPage(1024, 768);
    const bob = await suite.newPage(1024, 768);
    const agent = await suite.newPage(1440, 900);
    await signInAs(agent, suite.server.url, 'agent2@example.com');
    await customerChats(alice, suite.server.url, '/demo', 'Alice here: billing question');
    await customerChats(bob, suite.server.url, '/demo', 'Bob here: password reset');
    await agentAccepts(agent, 'Alice here: billing question');
    await agentAccepts(agent, 'Bob here: password reset'); // Bob's chat is now on screen

    await customerSays(alice, 'Are you there?');
    const aliceTab = agent.locator('.chat-tab').filter({ hasText: 'Are you there?' });
    await waitFor(async () => (await aliceTab.getByTestId('chat-unread').textContent()) === '1', 'one unread message from Alice');
    await agentSays(agent, 'One moment, Bob.');
    await shows(bob, 'cobrowse-chat-message', 'One moment, Bob.');
    assert.ok(!(await texts(alice, 'cobrowse-chat-message')).includes('One moment, Bob.'));

    await aliceTab.click();
    await waitFor(async () => (await aliceTab.getByTestId('chat-unread').count()) === 0, 'the unread count to clear');
    await shows(agent, 'chat-message', 'Are you there?');
    await agentSays(agent, 'Yes, Alice.');
    await shows(alice, 'cobrowse-chat-message', 'Yes, Alice.');
    await agent.screenshot({ path: 'test-results/chat-agent-several.png' });

    // The agent ends Bob's chat: Bob is told, Alice's chat goes on.
    await agent.locator('.chat-tab').filter({ hasText: 'One moment, Bob.' }).click();
    await agent.getByTestId('chat-end').click();
    await shows(bob, 'cobrowse-chat-message', 'One moment, Bob.');
    await waitFor(
      async () =>
        /agent ended the chat/i.test(
          (await bob.locator('#cobrowse-widget-root').evaluate((host) => host.shadowRoot?.textContent ?? '')) ?? '',
        ),
      'Bob told the chat ended',
    );
    await customerSays(alice, 'Still with me?');
    await agent.locator('.chat-tab').filter({ hasText: 'Still with me?' }).click();
    await shows(agent, 'chat-message', 'Still with me?');
  });
});
