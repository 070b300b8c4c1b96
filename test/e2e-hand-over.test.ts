import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { signInAs } from './support/browser.ts';
import { agentJoins, agentView, browserSuite, customerStarts, hasNotice } from './support/cobrowse-pages.ts';
import { gql, signIn } from './support/graphql-client.ts';
import { waitFor } from './support/wait-for.ts';

const SHOTS = 'test-results';

/** Moves the mouse over an element of the co-browse view until the customer sees the pointer there. */
async function pointsAt(viewer: Page, view: ReturnType<Page['frameLocator']>, customer: Page, testId: string) {
  const target = await view.getByTestId(testId).boundingBox();
  assert.ok(target, `${testId} in the view`);
  const onCustomer = (await customer.getByTestId(testId).boundingBox())!;
  const pointer = customer.getByTestId('cobrowse-agent-pointer');
  await waitFor(async () => {
    await viewer.mouse.move(target.x + 5 + Math.random() * 10, target.y + target.height / 2, { steps: 3 });
    const box = (await pointer.isVisible()) ? await pointer.boundingBox() : null;
    return box && box.x >= onCustomer.x - 2 && box.x <= onCustomer.x + 60 && Math.abs(box.y - (onCustomer.y + onCustomer.height / 2)) < 14;
  }, `the pointer over ${testId} on the customer’s page`);
}

describe('hand-over between agents, and a supervisor taking over, in Chromium', () => {
  const suite = browserSuite();

  async function turnHandoverOn() {
    const admin = await signIn(suite.server.url, 'admin@example.com');
    const answer = await gql(
      suite.server.url,
      'mutation { updateSiteSettings(input: { handoverEnabled: true }) { handoverEnabled } }',
      {},
      { cookie: admin },
    );
    assert.ok(answer.data, JSON.stringify(answer.errors));
  }

  it('agent A hands the session to agent B, who accepts, sees the page live and points; A’s view ends; the customer is told', async () => {
    const url = suite.server.url;
    await mkdir(SHOTS, { recursive: true });
    const customer = await suite.newPage(1280, 800);
    const agentA = await suite.newPage(1440, 900);
    const agentB = await suite.newPage(1440, 900);
    const code = await customerStarts(customer, url, '/demo');
    await agentJoins(agentA, url, code);
    await waitFor(() => agentView(agentA).getByTestId('demo-counter').count(), 'the page in A’s view');

    // Off by default: no hand-over control.
    await agentA.getByTestId('request-write').waitFor();
    assert.equal(await agentA.getByTestId('handover-open').count(), 0, 'hidden while hand-over is off');
    await turnHandoverOn();

    await signInAs(agentB, url, 'agent2@example.com');
    const agentBId = (await suite.server.deps.db.user.findUniqueOrThrow({ where: { email: 'agent2@example.com' } })).id;
    await waitFor(() => suite.server.deps.db.agentPresence.findUnique({ where: { userId: agentBId } }), 'B online');

    await agentA.reload();
    await waitFor(() => agentView(agentA).getByTestId('demo-counter').count(), 'the page in A’s view again');
    await agentA.getByTestId('handover-open').click();
    const target = agentA.locator(`[data-testid=handover-target][value="${agentBId}"]`);
    await target.waitFor();
    await agentA.getByText('Blair Agent').click();
    assert.equal(await target.isChecked(), true);
    await agentA.screenshot({ path: `${SHOTS}/handover-offer-dialog.png` });
    await agentA.getByTestId('handover-confirm').click();
    await agentA.getByTestId('handover-pending').waitFor();

    const offer = agentB.getByTestId('handover-offer');
    await offer.waitFor();
    assert.match((await offer.textContent()) ?? '', /Alex Agent offers you session/);
    await agentB.screenshot({ path: `${SHOTS}/handover-offer.png` });
    await agentB.getByTestId('handover-accept').dblclick();

    // B sees the customer's page live.
    const viewB = agentView(agentB);
    await waitFor(() => viewB.getByTestId('demo-counter').count(), 'the page in B’s view');
    const before = await viewB.getByTestId('demo-counter').textContent();
    await customer.getByTestId('demo-counter-button').click();
    await waitFor(async () => (await viewB.getByTestId('demo-counter').textContent()) !== before, 'the change in B’s view');
    await agentB.getByText('Pointer Mode', { exact: true }).waitFor();

    // A's view ends with a notice; the customer is told who took over.
    await hasNotice(agentA, 'agent-notice', /Blair Agent took over the session\. Your view of it has ended/);
    await agentA.getByText('No co-browse session').waitFor();
    assert.equal(await agentA.getByTestId('exit-session').count(), 0);
    await hasNotice(customer, 'cobrowse-notice', /Blair Agent took over your co-browse session/);

    // B points, and the customer sees B's pointer there.
    await pointsAt(agentB, viewB, customer, 'demo-counter-button');

    const { id } = await suite.server.deps.db.session.findUniqueOrThrow({ where: { code } });
    const types = (await suite.server.deps.db.auditEvent.findMany({ where: { sessionId: id }, orderBy: { sequence: 'asc' } })).map(
      (row) => row.type,
    );
    assert.equal(types.filter((type) => type === 'SESSION_HANDED_OVER').length, 1, 'the double click accepted once');
    assert.ok(types.indexOf('HANDOVER_OFFERED') < types.indexOf('SESSION_HANDED_OVER'), types.join());

    await agentB.getByTestId('exit-session').click();
    await hasNotice(customer, 'cobrowse-notice', /agent ended the session/i);
    await Promise.all([customer.close(), agentA.close(), agentB.close()]);
  });

  it('a supervisor takes a session over from the watch page and points; the agent’s view ends; a German customer is told', async () => {
    const url = suite.server.url;
    await turnHandoverOn();
    const customer = await suite.newPage(1280, 800);
    const agent = await suite.newPage(1440, 900);
    await customer.addInitScript(() => addEventListener('DOMContentLoaded', () => (document.documentElement.lang = 'de')));
    const code = await customerStarts(customer, url, '/demo/apply');
    await agentJoins(agent, url, code);
    await waitFor(() => agentView(agent).getByTestId('demo-name').count(), 'the page in the agent’s view');
    const { id } = await suite.server.deps.db.session.findUniqueOrThrow({ where: { code } });

    const supervisor = await suite.newPage(1440, 900);
    await signInAs(supervisor, url, 'supervisor@example.com', '/supervisor');
    await supervisor.goto(`${url}/supervisor/watch?session=${id}`);
    const watched = supervisor.frameLocator('[data-testid=watch-view] iframe');
    await waitFor(() => watched.getByTestId('demo-name').count(), 'the page for the supervisor');
    await supervisor.getByTestId('watch-take-over').click();
    await supervisor.getByTestId('watch-notice').waitFor();
    await supervisor.screenshot({ path: `${SHOTS}/handover-supervisor-took-over.png` });

    await hasNotice(agent, 'agent-notice', /Sam Supervisor \(supervisor\) took over the session/);
    await agent.getByText('No co-browse session').waitFor();
    await hasNotice(customer, 'cobrowse-notice', /Sam Supervisor hat Ihre Co-Browsing-Sitzung übernommen/);

    await waitFor(() => watched.getByTestId('demo-name').count(), 'the page in the supervisor’s view after the take-over');
    await pointsAt(supervisor, watched, customer, 'demo-name');
    assert.equal(await supervisor.getByTestId('watch-take-over').count(), 0);

    const row = await suite.server.deps.db.auditEvent.findFirst({ where: { sessionId: id, type: 'SUPERVISOR_TOOK_OVER' } });
    assert.ok(row);
    await supervisor.getByTestId('exit-session').click();
    await waitFor(async () => (await suite.server.deps.db.session.findUniqueOrThrow({ where: { id } })).status === 'ENDED', 'the end');
    await Promise.all([customer.close(), agent.close(), supervisor.close()]);
  });
});
