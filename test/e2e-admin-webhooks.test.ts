import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WEBHOOK_EVENT_NAMES } from '../protocol/session-events.ts';
import { signInAs } from './support/browser.ts';
import { browserSuite } from './support/cobrowse-pages.ts';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.ts';

const SCREENSHOT = process.env.WEBHOOKS_SCREENSHOT ?? '/tmp/admin-webhooks.png';

describe('the admin webhooks page in Chromium', () => {
  // Receivers run on 127.0.0.1, which production refuses: this server allows private targets.
  const suite = browserSuite({ webhookAllowPrivateTargets: true, webhookPollIntervalMs: 100 });
  let receiver: WebhookReceiver;
  before(async () => {
    receiver = await startWebhookReceiver();
  });
  after(() => receiver.close());

  it('registers an endpoint, shows its secret once, sends a ping and shows the delivery in the log', async () => {
    const admin = await suite.newPage(1400, 1000);
    await signInAs(admin, suite.server.url, 'admin@example.com', '/admin/webhooks');
    await admin.getByTestId('admin-nav-webhooks').waitFor();
    await admin.getByText('No endpoints yet.').waitFor();

    await admin.getByTestId('webhook-url').fill(receiver.url);
    await admin.getByLabel('Chat ended').uncheck();
    await admin.getByTestId('webhook-create').click();
    const secret = (await admin.getByTestId('webhook-secret').textContent()) ?? '';
    assert.match(secret, /^whsec_[A-Za-z0-9_-]{43}$/);
    const row = admin.getByTestId('webhook-row').filter({ hasText: receiver.url });
    await row.waitFor();
    // Every event webhooks announce but the one unchecked.
    assert.match((await row.textContent()) ?? '', new RegExp(`${WEBHOOK_EVENT_NAMES.length - 1} events`));
    assert.match((await row.textContent()) ?? '', new RegExp(`${secret.slice(0, 10)}…`));

    await row.getByTestId('webhook-ping').click();
    await admin.getByTestId('webhook-notice').waitFor();
    const delivery = admin.getByTestId('webhook-delivery-row').filter({ hasText: 'webhook.ping' });
    await delivery.getByTestId('webhook-delivery-status').getByText('Delivered').waitFor({ timeout: 15_000 });
    assert.equal(await delivery.getByTestId('webhook-delivery-code').textContent(), '200');
    assert.equal(receiver.of('webhook.ping').length, 1, 'the receiver got the ping');
    await admin.screenshot({ path: SCREENSHOT, fullPage: true });

    await admin.reload();
    await admin.getByTestId('webhook-row').first().waitFor();
    assert.equal(await admin.getByTestId('webhook-secret').count(), 0, 'the secret is not shown again');
    assert.ok(!(await admin.content()).includes(secret));

    admin.once('dialog', (dialog) => void dialog.accept());
    await admin.getByTestId('webhook-delete').click();
    await admin.getByText('No endpoints yet.').waitFor();
  });
});
