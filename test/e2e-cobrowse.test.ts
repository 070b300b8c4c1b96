import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signInAs } from './support/browser.ts';
import { agentJoins, agentView, browserSuite, customerStarts, hasNotice } from './support/cobrowse-pages.ts';
import { assertNoneCaptured, captureNetwork } from './support/network-capture.ts';
import { waitFor } from './support/wait-for.ts';

const SECRET_PASSWORD = 'Hunter2-Sup3rSecret';

describe('co-browse end to end in Chromium', () => {
  const suite = browserSuite();
  const newPage = ({ width, height }: { width: number; height: number }) => suite.newPage(width, height);

  it('mirrors the customer’s page live, with pointers both ways, and never leaks a password', async () => {
    const customer = await newPage({ width: 1280, height: 800 });
    const agent = await newPage({ width: 1440, height: 900 });
    const customerWire = await captureNetwork(customer, { urls: 'widget' });
    const agentWire = await captureNetwork(agent);

    const code = await customerStarts(customer, suite.server.url, '/demo');
    await agentJoins(agent, suite.server.url, code);

    // The customer is told the agent joined.
    await hasNotice(customer, 'cobrowse-notice', /joined/i);
    await hasNotice(agent, 'agent-notice', /connected to session/i);

    // The agent sees the same page, rebuilt in a sandboxed iframe.
    const iframe = agent.locator('[data-testid=cobrowse-view] iframe');
    assert.equal(await iframe.getAttribute('sandbox'), 'allow-same-origin');
    const view = agentView(agent);
    const counterBefore = await waitFor(
      () => view.getByTestId('demo-counter').textContent({ timeout: 500 }),
      'the counter in the agent view',
    );

    // A DOM change on the customer's side appears in the agent's view.
    await customer.getByTestId('demo-counter-button').click();
    const counterNow = await customer.getByTestId('demo-counter').textContent();
    assert.notEqual(counterNow, counterBefore);
    await waitFor(
      async () => (await view.getByTestId('demo-counter').textContent()) === counterNow,
      'the counter change in the agent view',
    );

    // The customer moves on to the form: the session follows, the agent's view resyncs.
    await customer.getByTestId('demo-nav-apply').click();
    await customer.waitForURL(/\/demo\/apply/);
    await waitFor(() => view.getByTestId('demo-name').count(), 'the form in the agent view');
    await waitFor(
      async () => (await agent.getByTestId('customer-url').textContent())?.endsWith('/demo/apply'),
      'the new address in the agent’s URL bar',
    );

    // Typed text appears; a typed password does not.
    await customer.getByTestId('demo-name').pressSequentially('Jane Customer');
    await waitFor(async () => (await view.getByTestId('demo-name').inputValue()) === 'Jane Customer', 'typed text in the agent view');
    await customer.getByTestId('demo-password').pressSequentially(SECRET_PASSWORD);
    await customer.getByTestId('demo-email').pressSequentially('jane@example.com');
    await waitFor(async () => (await view.getByTestId('demo-email').inputValue()) === 'jane@example.com', 'the email in the agent view');
    const mirroredPassword = await view.getByTestId('demo-password').inputValue();
    assert.notEqual(mirroredPassword, SECRET_PASSWORD);
    assert.match(mirroredPassword, /^\**$/);
    // Typed before and after the password, both seen on the wire: the captures would see it too.
    const controls = { typedBefore: 'Jane Customer', typedAfter: 'jane@example.com' };
    const secrets = { password: SECRET_PASSWORD };
    await assertNoneCaptured(() => customerWire.sent(), { controls, secrets, where: 'what the customer’s browser sent' });
    await assertNoneCaptured(() => agentWire.texts(), { controls, secrets, where: 'the agent page’s traffic' });

    // The agent's pointer shows on the customer's page, on the element the agent points at whatever the window sizes.
    const layer = agent.getByTestId('agent-pointer-layer');
    const nameInView = await view.getByTestId('demo-name').boundingBox();
    const layerBox = await layer.boundingBox();
    assert.ok(nameInView && layerBox);
    await agent.mouse.move(nameInView.x + 10, nameInView.y + nameInView.height / 2, { steps: 5 });
    const pointer = customer.getByTestId('cobrowse-agent-pointer');
    await waitFor(() => pointer.isVisible(), 'the agent pointer on the customer page');
    const nameOnCustomer = (await customer.getByTestId('demo-name').boundingBox())!;
    await waitFor(async () => {
      const box = await pointer.boundingBox();
      return (
        box &&
        box.x >= nameOnCustomer.x - 2 &&
        box.x <= nameOnCustomer.x + 60 &&
        Math.abs(box.y - (nameOnCustomer.y + nameOnCustomer.height / 2)) < 12
      );
    }, 'the agent pointer over the name field');

    // …and an agent click draws a red circle on the customer's page (and the agent's view).
    await agent.mouse.click(nameInView.x + 10, nameInView.y + nameInView.height / 2);
    await waitFor(() => customer.getByTestId('cobrowse-click-ring').count(), 'the red circle on the customer page');
    assert.ok((await agent.locator('.click-ring').count()) > 0);
    // Pointer Mode: the click did not reach the customer's field.
    assert.equal(await customer.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'demo-email');

    // The customer's pointer shows in the agent's view.
    await customer.mouse.move(400, 300, { steps: 4 });
    await customer.mouse.move(420, 320, { steps: 4 });
    await waitFor(async () => {
      const style = (await agent.locator('.replayer-mouse').getAttribute('style')) ?? '';
      return /left: 420px/.test(style) && /top: 320px/.test(style);
    }, 'the customer pointer in the agent view');

    // The customer exits; the agent is told and the view is cleared.
    await customer.getByTestId('cobrowse-exit').click();
    await hasNotice(agent, 'agent-notice', /customer ended/i);
    await waitFor(async () => (await agent.locator('[data-testid=cobrowse-view] iframe').count()) === 0, 'the agent view to clear');
    await hasNotice(customer, 'cobrowse-notice', /ended/i);
  });

  it('pauses while the customer is on another site, and resumes when they come back', async () => {
    const customer = await newPage({ width: 1280, height: 800 });
    const agent = await newPage({ width: 1280, height: 800 });
    // The other site is answered in the browser: nothing leaves this machine.
    await customer.route('https://example.org/**', (route) => route.fulfill({ contentType: 'text/html', body: '<h1>Partner site</h1>' }));
    const code = await customerStarts(customer, suite.server.url, '/demo/help');
    await agentJoins(agent, suite.server.url, code, 'agent2@example.com');
    await waitFor(() => agentView(agent).getByText('Help centre').count(), 'the page in the agent view');
    await customer.getByTestId('demo-offsite-link').click();
    await customer.waitForURL('https://example.org/');
    await hasNotice(agent, 'agent-notice', /paused/i);
    await customer.goBack();
    await customer.waitForURL(/\/demo\/help$/);
    await hasNotice(agent, 'agent-notice', /page is back/i);
    await customer.getByTestId('demo-nav-home').click();
    await waitFor(() => agentView(agent).getByTestId('demo-counter').count(), 'the agent view to follow again');
    await agent.getByTestId('exit-session').click();
  });

  it('tells the customer when the agent exits', async () => {
    const customer = await newPage({ width: 1024, height: 768 });
    const agent = await newPage({ width: 1280, height: 800 });
    const code = await customerStarts(customer, suite.server.url, '/demo/help');
    await agentJoins(agent, suite.server.url, code, 'agent2@example.com');
    await hasNotice(customer, 'cobrowse-notice', /joined/i);
    await agent.getByTestId('exit-session').click();
    await hasNotice(customer, 'cobrowse-notice', /agent ended/i);
    await waitFor(() => customer.getByTestId('cobrowse-start').isVisible(), 'the Start button to come back');
    await hasNotice(agent, 'agent-notice', /you ended/i);
  });

  it('explains a wrong session ID to the agent', async () => {
    const agent = await newPage({ width: 1280, height: 800 });
    await signInAs(agent, suite.server.url, 'agent@example.com');
    await agent.getByTestId('session-id-input').fill('000 000 000');
    await agent.getByTestId('session-join').click();
    await hasNotice(agent, 'agent-notice', /session ID cannot be joined/i);
  });
});
