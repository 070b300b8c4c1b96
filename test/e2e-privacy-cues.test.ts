import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { StreamMessage } from '../protocol/index.ts';
import { updateSiteSettings } from '../server/settings/site-settings.ts';
import { agentJoins, agentView, browserSuite, customerStarts, hasNotice } from './support/cobrowse-pages.ts';
import { wsClient, wsCollect, wsExecute } from './support/graphql-client.ts';
import { nextFullSnapshot } from './support/packed-frames.ts';
import { nodeIdByTestId } from './support/snapshot.ts';
import { waitFor } from './support/wait-for.ts';

const SEND_SIGNAL = 'mutation($id: ID!, $s: JSON!){ sendSignal(sessionId: $id, signal: $s) }';

/**
 * Counts the masked-field cues the widget shows from now on: a MutationObserver on its shadow
 * root sees every one, however short-lived.
 */
async function countCues(customer: Page): Promise<() => Promise<number>> {
  await customer.evaluate(() => {
    const seen = window as unknown as { cuesSeen: number };
    seen.cuesSeen = 0;
    new MutationObserver((records) => {
      for (const record of records)
        for (const node of record.addedNodes) if ((node as HTMLElement).dataset?.testid === 'cobrowse-masked-field-cue') seen.cuesSeen++;
    }).observe(document.getElementById('cobrowse-widget-root')!.shadowRoot!, { childList: true, subtree: true });
  });
  return () => customer.evaluate(() => (window as unknown as { cuesSeen: number }).cuesSeen);
}

const cue = (customer: Page) => customer.getByTestId('cobrowse-masked-field-cue');

describe('Privacy cues in Chromium', () => {
  const suite = browserSuite();
  const newPage = suite.newPage;

  async function joinedOnApplyPage(agentEmail: string) {
    const customer = await newPage(1280, 800);
    const agent = await newPage(1440, 900);
    const code = await customerStarts(customer, suite.server.url, '/demo/apply');
    return { customer, agent, code, join: () => agentJoins(agent, suite.server.url, code, agentEmail) };
  }

  it('tells the customer, once per focus of a masked field and only with an agent there, that the agent cannot see it', async () => {
    await updateSiteSettings(suite.server.deps.db, { maskedFieldSelectors: ['textarea[name=notes]'] });
    const { customer, agent, join } = await joinedOnApplyPage('agent@example.com');
    const cuesSeen = await countCues(customer);
    const cueLoads: string[] = [];
    customer.on('request', (request) => request.url().endsWith('/widget-cues.js') && cueLoads.push(request.url()));

    // Sites that draw their own UI hear of the cue as a notice event.
    await customer.evaluate(() => {
      const page = window as unknown as {
        cueNotices: string[];
        Cobrowse: { on(event: string, handler: (n: { message: string }) => void): void };
      };
      page.cueNotices = [];
      page.Cobrowse.on('notice', (notice) => page.cueNotices.push(notice.message));
    });
    // No agent yet: nothing to be hidden from, and the cue's code is not even loaded.
    await customer.getByTestId('demo-password').focus();
    await customer.getByTestId('demo-name').focus();

    await join();
    await hasNotice(customer, 'cobrowse-notice', /joined your co-browse session/i);
    await waitFor(() => agentView(agent).getByTestId('demo-password').count(), 'the form in the agent view');
    await waitFor(async () => cueLoads.length === 1, 'the cue code to load once the agent joined');

    // An unmasked field says nothing (the control)…
    await customer.getByTestId('demo-email').focus();
    // …a password field does, in the widget's notice area.
    await customer.getByTestId('demo-password').focus();
    await cue(customer).waitFor();
    assert.match((await cue(customer).textContent()) ?? '', /agent cannot see what you type here/);
    assert.equal(await cue(customer).getAttribute('role'), 'status');
    await customer.screenshot({ path: '/tmp/privacy-cue-customer.png', animations: 'disabled' });

    // Typing keeps the one cue: it comes with focus, not with keystrokes.
    await customer.getByTestId('demo-password').pressSequentially('hunter2');
    // The card number (a built-in masked field) and the notes (masked by the site's own selector) each say it on focus.
    await customer.getByTestId('demo-card').focus();
    await waitFor(async () => (await cuesSeen()) === 2, 'a cue for the card field');
    await customer.getByTestId('demo-notes').focus();
    await waitFor(async () => (await cuesSeen()) === 3, 'a cue for the site’s masked notes field');
    // One at a time, and gone once the customer moves on to an unmasked field.
    assert.equal(await cue(customer).count(), 1);
    await customer.getByTestId('demo-name').focus();
    await waitFor(async () => (await cue(customer).count()) === 0, 'the cue to go with the focus');
    // Exactly the three masked focuses: none for the focus before the join, the unmasked fields or the keystrokes.
    assert.equal(await cuesSeen(), 3);
    const notices = await customer.evaluate(() => (window as unknown as { cueNotices: string[] }).cueNotices);
    assert.equal(notices.filter((message) => /agent cannot see what you type here/.test(message)).length, 3);

    // Once the session is over there is nobody to be hidden from: the cue (shown as focus moves) stays away.
    await agent.getByTestId('exit-session').click();
    await hasNotice(customer, 'cobrowse-notice', /agent ended the session/i);
    await customer.getByTestId('demo-card').focus();
    assert.equal(await customer.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'demo-card');
    assert.equal(await cuesSeen(), 3);
    await Promise.all([customer.close(), agent.close()]);
  });

  it('gives the cue in German on a German page', async () => {
    const customer = await newPage(1280, 800);
    const agent = await newPage(1440, 900);
    // The widget picks its language from <html lang> when it draws, after DOMContentLoaded.
    await customer.addInitScript(() => addEventListener('DOMContentLoaded', () => (document.documentElement.lang = 'de')));
    const code = await customerStarts(customer, suite.server.url, '/demo/apply');
    await agentJoins(agent, suite.server.url, code, 'agent2@example.com');
    await hasNotice(customer, 'cobrowse-notice', /ist Ihrer Co-Browsing-Sitzung beigetreten/);
    await waitFor(() => agentView(agent).getByTestId('demo-password').count(), 'the form in the agent view');
    await customer.getByTestId('demo-password').focus();
    await cue(customer).waitFor();
    assert.equal((await cue(customer).textContent())?.trim(), 'Privates Feld: Der Berater sieht nicht, was Sie hier eingeben.');
    await customer.screenshot({ path: '/tmp/privacy-cue-customer-de.png', animations: 'disabled' });
    await agent.getByTestId('exit-session').click();
    await Promise.all([customer.close(), agent.close()]);
  });

  it('tells an agent in Write Mode that only the customer can fill a masked field, and applies nothing of the attempt', async () => {
    const { customer, agent, code, join } = await joinedOnApplyPage('agent2@example.com');
    await customer.getByTestId('demo-password').fill('hunter2');
    await join();
    await waitFor(() => agentView(agent).getByTestId('demo-password').count(), 'the form in the agent view');
    await agent.getByTestId('request-write').click();
    await customer.getByTestId('cobrowse-approve-write').click();
    await hasNotice(agent, 'agent-notice', /approved write mode/i);

    const notice = agent.getByTestId('agent-masked-field-notice');
    // A click on the masked field: the agent is told at once, gets no editor, and their typing goes nowhere.
    const box = await waitFor(() => agentView(agent).getByTestId('demo-password').boundingBox(), 'the password field in the agent view');
    await agent.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await notice.waitFor();
    assert.match((await notice.textContent()) ?? '', /only the customer can fill in this field/i);
    assert.equal(await agent.getByTestId('agent-field-editor').count(), 0);
    await agent.keyboard.type('typed by agent');
    await agent.screenshot({ path: '/tmp/privacy-cue-agent.png', animations: 'disabled' });
    await agent.locator('[data-testid=agent-notice]', { has: notice }).getByRole('button', { name: 'Dismiss' }).click();
    await waitFor(async () => (await notice.count()) === 0, 'the notice to be dismissed');

    // Typing sent around the agent page reaches the widget, which refuses it and says why: the same notice.
    const cookie = (await agent.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const sessionId = (await suite.server.deps.db.session.findUniqueOrThrow({ where: { code } })).id;
    const raw = wsClient(suite.server.url, { cookie });
    const stream = wsCollect<StreamMessage>(raw, 'subscription($id: ID!){ sessionStream(sessionId: $id) }', { id: sessionId });
    await stream.next((m) => m.type === 'session');
    await wsExecute(raw, SEND_SIGNAL, { id: sessionId, s: { type: 'request-snapshot' } });
    const snapshot = (await nextFullSnapshot(stream))?.data as { node: unknown };
    const passwordId = nodeIdByTestId(snapshot.node, 'demo-password');
    assert.ok(passwordId);
    const typed = await wsExecute(raw, SEND_SIGNAL, {
      id: sessionId,
      s: { type: 'action', id: 7, action: { kind: 'input', nodeId: passwordId, value: 'attempted-by-agent' } },
    });
    assert.deepEqual(typed, { data: { sendSignal: true } });
    const result = await stream.next((m) => m.type === 'action-result' && m.id === 7);
    assert.deepEqual(result.type === 'action-result' && { ok: result.ok, masked: result.masked }, { ok: false, masked: true });
    await notice.waitFor();

    // The customer's value is theirs, and nothing of either attempt reached their page.
    assert.equal(await customer.getByTestId('demo-password').inputValue(), 'hunter2');
    const fieldValues = await customer.evaluate(() => [...document.querySelectorAll('input')].map((input) => input.value).join('|'));
    assert.doesNotMatch(fieldValues, /attempted-by-agent|typed by agent/);
    assert.doesNotMatch(await customer.content(), /attempted-by-agent|typed by agent/);

    await raw.dispose();
    await agent.getByTestId('exit-session').click();
    await Promise.all([customer.close(), agent.close()]);
  });
});
