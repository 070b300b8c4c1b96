import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { describe, it } from 'node:test';
import type { FrameLocator, Page } from 'playwright-core';
import { signInAs } from './support/browser.ts';
import { agentJoins, agentView, browserSuite, startOnPage } from './support/cobrowse-pages.ts';
import { assertNoneCaptured, captureNetwork } from './support/network-capture.ts';
import { withUnpacked } from './support/packed-frames.ts';
import { waitFor } from './support/wait-for.ts';

const PURPLE = 'rgb(147, 51, 234)';
const GREY = 'rgb(209, 213, 219)';

/** What the customer types or shows that must never leave their browser. */
const SECRETS = {
  password: 'Pw-Secret-7731',
  card: '4111111111111111',
  ssn: '987-65-4321',
  notes: 'Notes-Secret-5521', // masked by the admin's rule, not by default
  coApplicantCard: '5500005555555559', // a field added after the page loaded
  toggledEmail: 'toggled-secret@example.com', // masked once the page gives it a class
  afterReload: 'After-Reload-Secret-42', // typed on the page loaded again mid-session
  idImage: 'id-card.svg', // a masked image's address
  idNumber: 'D123-4567-8901', // a masked element's text
  helpPage: 'business days', // text of a page hidden by URL pattern
};

/** Values that do travel, each shown on the page when (or after) the secrets above are: the capture sees them. */
const CONTROLS = {
  beforeStart: 'Jane Before-Start', // in the first snapshot, with the password and card
  pageText: 'Photo ID on file', // beside the masked image and element
  during: 'Jane Visible', // typed during the session
  afterReload: 'Jane After-Reload', // typed on the page loaded again
  afterHiddenPage: 'Jane Back-From-Help', // typed back on the apply page, after the hidden one
};

const maskKind = (view: FrameLocator, testId: string) => view.getByTestId(testId).getAttribute('data-cobrowse-masked');
const style = (view: FrameLocator, selector: string, property: 'outlineColor' | 'backgroundColor') =>
  view
    .locator(selector)
    .first()
    .evaluate((element, name) => getComputedStyle(element)[name], property);

describe('Sensitive data in Chromium', () => {
  const suite = browserSuite();

  async function signInAdmin() {
    const admin = await suite.newPage(1400, 1000);
    await signInAs(admin, suite.server.url, 'admin@example.com', '/admin');
    await admin.getByTestId('admin-save').waitFor();
    return admin;
  }

  /** Fills the lists, saves, and waits for the page's answer to match `expected`. */
  async function save(admin: Page, fields: Record<string, string>, expected: RegExp) {
    for (const [list, value] of Object.entries(fields)) await admin.getByTestId(`admin-${list}`).fill(value);
    await admin.getByTestId('admin-save').click();
    await waitFor(async () => expected.test((await admin.getByTestId('admin-message').textContent()) ?? ''), `the message ${expected}`);
  }

  it('lets an admin set masking rules, rejecting a bad selector with a clear message and saving nothing', async () => {
    const admin = await signInAdmin();
    await save(
      admin,
      { maskedFieldSelectors: 'textarea[name=notes]', maskedElementSelectors: 'a[href' },
      /Masked elements: "a\[href" is not a valid CSS selector/,
    );
    await admin.reload();
    await admin.getByTestId('admin-save').waitFor();
    assert.equal(await admin.getByTestId('admin-maskedFieldSelectors').inputValue(), '');

    await save(admin, { maskedElementSelectors: '', maskedPagePatterns: 'demo help' }, /Masked pages: "demo help" contains spaces/);
    await save(admin, { maskedFieldSelectors: 'textarea[name=notes]\n.private', maskedPagePatterns: '/demo/help*' }, /Saved/);
    await admin.reload();
    await admin.getByTestId('admin-save').waitFor();
    assert.equal(await admin.getByTestId('admin-maskedFieldSelectors').inputValue(), 'textarea[name=notes]\n.private');
  });

  it('previews a page exactly as an agent would see it, borders included, without a session', async () => {
    const admin = await signInAdmin();
    await admin.goto(`${suite.server.url}/admin/preview`);
    const view = admin.frameLocator('.preview-browser iframe');
    await waitFor(() => view.getByTestId('demo-notes').count(), 'the apply page in the preview');
    assert.equal(await maskKind(view, 'demo-password'), 'field');
    assert.equal(await maskKind(view, 'demo-card'), 'field');
    assert.equal(await maskKind(view, 'demo-notes'), 'field', 'the admin’s own rule applies');
    assert.equal(await maskKind(view, 'demo-name'), null);
    assert.equal(await style(view, '[data-testid=demo-notes]', 'outlineColor'), PURPLE);
    assert.equal(await style(view, 'img[data-cobrowse-masked=image]', 'backgroundColor'), GREY);
    assert.equal(await style(view, '[data-testid=demo-submit]', 'outlineColor'), 'rgb(22, 163, 74)');

    // Another page of the site, typed into the address bar: the masked page pattern hides it.
    await admin.getByTestId('preview-url').fill(`${suite.server.url}/demo/help`);
    await admin.getByTestId('preview-open').click();
    await admin.getByTestId('agent-page-hidden').waitFor();
    assert.equal(await suite.server.deps.db.session.count(), 0, 'the preview starts no session');
  });

  it('never lets a masked value, image or page leave the customer’s browser', async () => {
    const customer = await suite.newPage(1280, 900);
    const agent = await suite.newPage(1440, 1000);
    const customerWire = await captureNetwork(customer, { urls: 'widget' });
    const agentWire = await captureNetwork(agent);

    // Typed before the session starts, on the first page.
    await customer.goto(`${suite.server.url}/demo/apply`);
    await customer.getByTestId('demo-password').fill(SECRETS.password);
    await customer.getByTestId('demo-card').fill(SECRETS.card);
    await customer.getByTestId('demo-name').fill(CONTROLS.beforeStart);
    const code = await startOnPage(customer);
    await agentJoins(agent, suite.server.url, code);
    const view = agentView(agent);
    await waitFor(() => view.getByTestId('demo-notes').count(), 'the apply page in the agent view');
    assert.equal(await view.getByTestId('demo-name').inputValue(), CONTROLS.beforeStart, 'the first snapshot has what was typed before');

    // Typed during the session; a field added after load; a class that masks a field later.
    await customer.getByTestId('demo-ssn').pressSequentially(SECRETS.ssn);
    await customer.getByTestId('demo-notes').pressSequentially(SECRETS.notes);
    await customer.getByTestId('demo-add-coapplicant').click();
    await customer.getByTestId('demo-coapplicant-card').pressSequentially(SECRETS.coApplicantCard);
    await customer.getByTestId('demo-email').evaluate((email) => email.classList.add('private'));
    await customer.getByTestId('demo-email').pressSequentially(SECRETS.toggledEmail);
    await customer.getByTestId('demo-name').clear();
    await customer.getByTestId('demo-name').pressSequentially(CONTROLS.during);
    await waitFor(async () => (await view.getByTestId('demo-name').inputValue()) === CONTROLS.during, 'the name in the agent view');

    for (const testId of ['demo-password', 'demo-card', 'demo-ssn', 'demo-notes', 'demo-coapplicant-card', 'demo-email'])
      await waitFor(async () => (await maskKind(view, testId)) === 'field', `${testId} marked masked for the agent`);
    assert.equal(await view.getByTestId('demo-notes').inputValue(), '****', 'the mask has one length');
    assert.equal(await view.getByTestId('demo-coapplicant-card').inputValue(), '****');
    assert.equal(await style(view, '[data-testid=demo-coapplicant-card]', 'outlineColor'), PURPLE);
    const image = view.locator('img[data-cobrowse-masked=image]');
    assert.equal(await image.getAttribute('src'), null);
    const size = (element: Element) => [Math.round(element.clientWidth), Math.round(element.clientHeight)];
    assert.deepEqual(
      await image.evaluate(size),
      await customer.getByTestId('demo-id-image').evaluate(size),
      'a grey area of the same size',
    );
    assert.equal(await style(view, 'img[data-cobrowse-masked=image]', 'backgroundColor'), GREY);
    assert.equal(await view.locator('[data-cobrowse-masked=element]').textContent(), '');
    await mkdir('test-results', { recursive: true });
    await agent.getByTestId('cobrowse-view').screenshot({ path: 'test-results/agent-view-masking.png' });

    // The page loaded again mid-session: the rules hold from its first snapshot.
    await customer.reload();
    await waitFor(() => view.getByTestId('demo-password').count(), 'the reloaded page in the agent view');
    await customer.getByTestId('demo-password').pressSequentially(SECRETS.afterReload);
    await customer.getByTestId('demo-name').fill(CONTROLS.afterReload);
    await waitFor(async () => (await view.getByTestId('demo-password').inputValue()) === '****', 'the masked retyped password');

    // A page hidden by URL pattern: the agent is told, and sees nothing of it.
    await customer.getByTestId('demo-nav-help').click();
    await agent.getByTestId('agent-page-hidden').waitFor();
    assert.match((await agent.getByTestId('agent-page-hidden').textContent()) ?? '', /\/demo\/help/);
    // …and back on a page that may be shown, the view returns.
    await customer.getByTestId('demo-nav-apply').click();
    await waitFor(() => view.getByTestId('demo-notes').count(), 'the apply page again');
    await customer.getByTestId('demo-name').fill(CONTROLS.afterHiddenPage);

    // What the customer's browser sent (its worker's socket included), then all both sides saw.
    const sent = await assertNoneCaptured(() => customerWire.sent(), {
      controls: CONTROLS,
      secrets: SECRETS,
      where: 'what the customer’s browser sent',
    });
    assert.ok((await withUnpacked(await customerWire.sent())).packed > 0, 'the packed snapshots were searched too, inflated');
    assert.ok(!sent.some((text) => text.includes('unavailable>')), 'every request body was read');
    await assertNoneCaptured(async () => [...(await customerWire.texts()), ...(await agentWire.texts())], {
      controls: CONTROLS,
      secrets: SECRETS,
      where: 'the traffic of both pages',
    });
    const audit = await suite.server.deps.db.auditEvent.findMany();
    assert.ok(audit.length >= 2);
    const auditTexts = audit.map((row) => JSON.stringify(row));
    assert.ok(
      auditTexts.some((text) => text.includes('/demo/help')),
      'the audit rows read hold what the session wrote last',
    );
    for (const [name, secret] of Object.entries(SECRETS))
      assert.ok(!auditTexts.some((text) => text.includes(secret)), `${name} is in the audit trail`);
  });
});
