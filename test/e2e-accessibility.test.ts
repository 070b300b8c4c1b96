import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import { agentJoins, agentView, browserSuite, customerStarts, hasNotice } from './support/cobrowse-pages.ts';
import { signInAs } from './support/browser.ts';
import { waitFor } from './support/wait-for.ts';

const AXE_SOURCE = readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
/** The WCAG 2.1 A and AA rules. */
const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

interface Violation {
  id: string;
  impact: string;
  help: string;
  nodes: { target: string[]; failureSummary: string }[];
}

/**
 * axe-core's WCAG 2.1 AA violations of a page (or frame), one line each. The customer's page
 * inside the replay frame is the site's, not ours: axe checks the frame element, not its content.
 * axe is evaluated through DevTools, which the pages' Content-Security-Policy does not govern.
 */
async function axeViolations(target: Page | Frame): Promise<string[]> {
  // Colours are judged once drawn: an element mid-transition would be read in a passing colour.
  await target.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((animation) => animation.effect?.getComputedTiming().endTime !== Infinity)
        .map((animation) => animation.finished.catch(() => undefined)),
    ),
  );
  await target.evaluate(await AXE_SOURCE);
  const violations = await target.evaluate(
    (tags) =>
      (window as unknown as { axe: { run: (context: unknown, options: unknown) => Promise<{ violations: unknown[] }> } }).axe
        .run(document, { runOnly: { type: 'tag', values: tags }, iframes: false, resultTypes: ['violations'] })
        .then((result) => result.violations),
    WCAG_21_AA,
  );
  return (violations as Violation[]).map(
    ({ id, impact, help, nodes }) =>
      `${id} (${impact}): ${help} — ${nodes.map((node) => `${node.target.join(' ')}: ${node.failureSummary.replace(/\s+/g, ' ')}`).join('; ')}`,
  );
}

/** Proof that the scan sees violations: a page of our origin with a known one in it. */
async function axeSeesAViolation(page: Page) {
  await page.evaluate(() => {
    const probe = document.createElement('ul');
    probe.id = 'axe-probe';
    probe.append(Object.assign(document.createElement('div'), { textContent: 'not a list item' }));
    document.body.append(probe);
  });
  const found = await axeViolations(page);
  assert.ok(
    found.some((line) => line.startsWith('list ')),
    `axe reports a list with a non-item child: ${found.join('\n')}`,
  );
  await page.evaluate(() => document.getElementById('axe-probe')!.remove());
}

const focusedTestId = (page: Page | Frame) =>
  page.evaluate(() => (document.activeElement as HTMLElement | null)?.closest('[data-testid]')?.getAttribute('data-testid') ?? null);

describe('accessibility of the agent page during a session (axe-core, WCAG 2.1 AA)', () => {
  const suite = browserSuite();

  it('has no violations in a live session with chat, notices, Write Mode and an annotation tool on, and the session bar works by keyboard', async () => {
    const customer = await suite.newPage(1280, 720);
    const agent = await suite.newPage(1440, 900);
    // A chat waiting in the agent's panel, and the session.
    await customer.goto(`${suite.server.url}/demo`);
    await customer.getByTestId('cobrowse-chat-open').click();
    await customer.getByTestId('cobrowse-chat-input').fill('Hello, can you help?');
    await customer.getByTestId('cobrowse-chat-send').click();
    const code = await customerStarts(customer, suite.server.url, '/demo');
    await agentJoins(agent, suite.server.url, code);
    await hasNotice(customer, 'cobrowse-notice', /joined/i);
    await agentView(agent).locator('body').waitFor();
    const queued = agent.getByTestId('chat-queue-item').first();
    await queued.getByTestId('chat-accept').click();
    await waitFor(() => agent.getByTestId('chat-message').count(), 'the accepted chat');

    // Every control of the session bar is reached with Tab, in order.
    const bar = ['request-write', 'viewport-fit', 'viewport-actual', 'exit-session'];
    await agent.locator('body').focus();
    const reached: string[] = [];
    for (let presses = 0; presses < 60 && reached.length < bar.length; presses++) {
      await agent.keyboard.press('Tab');
      const id = await focusedTestId(agent);
      if (id && bar.includes(id) && !reached.includes(id)) reached.push(id);
    }
    assert.deepEqual(reached, bar);
    // …and works from the keyboard: Enter on the pencil asks the customer for Write Mode.
    await agent.getByTestId('request-write').focus();
    await agent.keyboard.press('Enter');
    await customer.getByTestId('cobrowse-approve-write').click();
    await agent.getByTestId('pointer-mode').waitFor();
    await agent.getByTestId('viewport-actual').focus();
    await agent.keyboard.press('Space');
    assert.equal(await agent.getByTestId('viewport-actual').getAttribute('aria-pressed'), 'true');
    await agent.getByTestId('viewport-fit').focus();
    await agent.keyboard.press('Enter');
    assert.equal(await agent.getByTestId('viewport-fit').getAttribute('aria-pressed'), 'true');

    await agent.getByTestId('annotate-draw').click();
    await agent.getByTestId('agent-annotation-layer').waitFor();
    await agent.getByTestId('agent-notice').first().waitFor();

    await axeSeesAViolation(agent);
    assert.deepEqual(await axeViolations(agent), []);
    await agent.screenshot({ path: 'test-results/accessibility-agent.png' });
    await customer.context().close();
    await agent.context().close();
  });

  it('has no violations in the embed view, signed out and in a session', async () => {
    const agent = await suite.newPage(1200, 800);
    await agent.goto(`${suite.server.url}/embed/agent`);
    await agent.getByTestId('login-email').waitFor();
    await axeSeesAViolation(agent);
    assert.deepEqual(await axeViolations(agent), []);

    await signInAs(agent, suite.server.url, 'agent2@example.com', '/embed/agent');
    const customer = await suite.newPage(1100, 700);
    const code = await customerStarts(customer, suite.server.url, '/demo');
    await agent.getByTestId('session-id-input').fill(code);
    await agent.getByTestId('session-id-input').press('Enter');
    await agentView(agent).locator('body').waitFor();
    await agent.getByTestId('exit-session').waitFor();
    assert.deepEqual(await axeViolations(agent), []);
    await customer.context().close();
    await agent.context().close();
  });
});
