import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signInAs } from './support/browser.ts';
import { browserSuite } from './support/cobrowse-pages.ts';
import { gql, signIn, startCustomerSession } from './support/graphql-client.ts';
import { waitFor } from './support/wait-for.ts';

const JOIN = 'mutation($c: String!){ joinSession(code: $c){ id } }';
const EXIT = 'mutation($id: ID!){ exitSession(sessionId: $id){ id } }';
const REQUEST = 'mutation($id: ID!){ requestWriteMode(sessionId: $id){ writeRequestId } }';
const ANSWER = 'mutation($id: ID!, $r: ID!, $a: Boolean!){ answerWriteMode(sessionId: $id, requestId: $r, approve: $a){ mode } }';
const DAY_MS = 24 * 60 * 60 * 1000;

const shown = (code: string) => code.replace(/(\d{3})(\d{3})(\d{3})/, '$1 $2 $3');
const localDay = (date: Date) =>
  `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;

describe('the supervisor’s history, filters and charts in Chromium', () => {
  const suite = browserSuite();

  it('pages and filters past sessions, charts them, and keeps the live list current without a reload', async () => {
    const url = suite.server.url;
    const db = suite.server.deps.db;
    const cookies = { agent: await signIn(url, 'agent@example.com'), agent2: await signIn(url, 'agent2@example.com') };

    // 30 ended sessions over the last week: agents alternate, Write Mode asked in most, 1–3 minutes each.
    const now = Date.now();
    const made: { code: string; agent: 'agent' | 'agent2'; createdAt: Date }[] = [];
    let requested = 0;
    let approved = 0;
    for (let i = 0; i < 30; i++) {
      const agent = i % 3 === 0 ? 'agent2' : 'agent';
      const session = await startCustomerSession(url);
      await gql(url, JOIN, { c: session.code }, { cookie: cookies[agent] });
      if (i % 4 !== 3) {
        const asked = await gql<{ requestWriteMode: { writeRequestId: string } }>(
          url,
          REQUEST,
          { id: session.id },
          { cookie: cookies[agent] },
        );
        const approve = i % 4 !== 1;
        await gql(
          url,
          ANSWER,
          { id: session.id, r: asked.data!.requestWriteMode.writeRequestId, a: approve },
          { customerToken: session.customerToken },
        );
        requested += 1;
        if (approve) approved += 1;
      }
      await gql(url, EXIT, { id: session.id }, { cookie: cookies[agent] });
      const createdAt = new Date(now - (i % 7) * DAY_MS - 10 * 60_000 - i * 1000);
      const endedAt = new Date(createdAt.getTime() + ((i % 3) + 1) * 60_000);
      await db.session.update({ where: { id: session.id }, data: { createdAt, endedAt } });
      made.push({ code: session.code, agent, createdAt });
    }

    const page = await suite.newPage(1440, 1000);
    await signInAs(page, url, 'supervisor@example.com', '/supervisor');
    const rows = page.getByTestId('supervisor-history-row');

    // Charts: two weeks of bars adding up to the 30 sessions, 2 minutes on average, the approval rate.
    const chart = page.getByTestId('supervisor-chart-sessions-per-day');
    await waitFor(async () => (await chart.locator('rect.value').count()) === 14, 'fourteen bars');
    const perDay = (await chart.locator('.bar title').allTextContents()).map((title) => Number(/: (\d+) session/.exec(title)?.[1]));
    assert.equal(
      perDay.reduce((sum, count) => sum + count, 0),
      30,
    );
    assert.ok(perDay.filter((count) => count > 0).length >= 6, `sessions on several days: ${perDay.join()}`);
    assert.equal(await page.getByTestId('supervisor-avg-duration').textContent(), '2 min');
    assert.equal(await page.getByTestId('supervisor-approval-rate').textContent(), `${Math.round((approved / requested) * 100)}%`);

    // History: 25 newest first, then Load more brings the rest.
    await waitFor(async () => (await rows.count()) === 25, 'the first page of history');
    const newest = [...made].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
    assert.equal(await rows.first().getByRole('button').textContent(), shown(newest[0]!.code));
    await page.getByTestId('supervisor-load-more').click();
    await waitFor(async () => (await rows.count()) === 30, 'all 30 sessions');
    assert.equal(await page.getByTestId('supervisor-load-more').count(), 0);
    const listed = (await rows.getByRole('button').allTextContents()).map((text) => text.replace(/\s/g, ''));
    assert.deepEqual(
      listed,
      newest.map((session) => session.code),
    );

    // Filters: one agent, then one day.
    await page.getByTestId('supervisor-filter-agent').selectOption({ label: 'Blair Agent' });
    const ofAgent2 = made.filter((session) => session.agent === 'agent2').length;
    await waitFor(async () => (await rows.count()) === ofAgent2, `the ${ofAgent2} sessions of agent2`);
    for (const text of await rows.allTextContents()) assert.match(text, /Blair Agent/);
    await page.getByTestId('supervisor-filter-agent').selectOption({ label: 'All agents' });
    const day = localDay(made[2]!.createdAt);
    await page.getByTestId('supervisor-filter-from').fill(day);
    await page.getByTestId('supervisor-filter-to').fill(day);
    const thatDay = made.filter((session) => localDay(session.createdAt) === day).length;
    await waitFor(async () => (await rows.count()) === thatDay, `the ${thatDay} sessions of ${day}`);
    await waitFor(async () => (await chart.locator('rect.value').count()) === 1, 'the chart following the dates');
    await page.getByTestId('supervisor-filter-status').selectOption('WAITING');
    await waitFor(async () => (await rows.count()) === 0, 'no waiting sessions that day');
    await page.getByRole('button', { name: 'Reset' }).click();
    await waitFor(async () => (await rows.count()) === 25, 'the unfiltered history again');

    // Live: a session that starts, is joined and ends shows in the lists as it happens.
    const liveList = page.getByTestId('supervisor-live-list');
    const session = await startCustomerSession(url);
    const liveRow = liveList.getByRole('listitem').filter({ hasText: shown(session.code) });
    await liveRow.waitFor({ timeout: 10_000 });
    assert.match((await liveRow.textContent()) ?? '', /Waiting/);
    await gql(url, JOIN, { c: session.code }, { cookie: cookies.agent });
    await waitFor(async () => /Active.*Alex Agent/.test((await liveRow.textContent()) ?? ''), 'the join in the live list');
    await gql(url, EXIT, { id: session.id }, { cookie: cookies.agent });
    await liveRow.waitFor({ state: 'detached', timeout: 10_000 });
    await waitFor(async () => (await rows.first().getByRole('button').textContent()) === shown(session.code), 'the ended session on top');

    // Its audit timeline: events with the time between them, and the page it started on.
    await rows.first().getByRole('button').click();
    const history = page.getByTestId('audit-history');
    await waitFor(async () => /Chain intact \(4 events\)/.test((await history.textContent()) ?? ''), 'the timeline');
    assert.equal(await history.locator('.timeline .gap').count(), 3);
    assert.match((await history.locator('.pages-visited').textContent()) ?? '', /\/demo.*co-browse started here/);
  });
});
