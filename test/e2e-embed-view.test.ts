import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import { updateSiteSettings } from '../server/settings/site-settings.ts';
import { browserSuite, customerStarts, hasNotice } from './support/cobrowse-pages.ts';
import { signInAs } from './support/browser.ts';
import { waitFor } from './support/wait-for.ts';

const EXAMPLE = new URL('../docs/examples/embed-helpdesk.html', import.meta.url);

/**
 * A site on `localhost` (another site than the co-browse server on 127.0.0.1, so the framed view
 * is a third-party frame, as in a real CRM): each path is a page of its own.
 */
function helpdeskSite(pages: () => Record<string, string>) {
  let server: Server;
  const site = { origin: '' };
  before(async () => {
    server = createServer((request, response) => {
      const body = pages()[new URL(request.url!, 'http://x').pathname];
      response.writeHead(body ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
      response.end(body ?? 'not found');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    site.origin = `http://localhost:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return site;
}

const events = (page: Page) => page.getByTestId('helpdesk-event').allTextContents();
const hasEvent = (page: Page, pattern: RegExp) =>
  waitFor(async () => (await events(page)).some((text) => pattern.test(text)), `a helpdesk event matching ${pattern}`, 30_000);
const viewFrame = (page: Page) => page.frameLocator('#view');

describe('the embeddable agent view in a helpdesk on another site', () => {
  const suite = browserSuite();
  let example = '';
  // The helpdesk (allowed) and a stranger's site (never allowed): two origins of their own.
  const helpdesk = helpdeskSite(() => ({ '/helpdesk.html': example }));
  const stranger = helpdeskSite(() => ({
    '/frame.html': `<!doctype html><title>Stranger</title><h1>Stranger</h1><iframe id="view" title="view" src="${suite.server.url}/embed/agent"></iframe>`,
    // Framed by the helpdesk beside the view: it posts to the view, whose origin check must ignore it.
    '/poster.html': `<!doctype html><title>Poster</title><script>
      window.heard = [];
      addEventListener('message', (event) => window.heard.push(event.data));
      window.post = (message) => parent.frames[0].postMessage(message, '*');
    </script>`,
  }));

  before(async () => {
    example = await readFile(EXAMPLE, 'utf8');
    await updateSiteSettings(suite.server.deps.db, { embedOrigins: [helpdesk.origin] });
  });

  it('frames only for the allowed sites: frame-ancestors on /embed/agent, self on every other page', async () => {
    const embed = await fetch(`${suite.server.url}/embed/agent`);
    assert.match(embed.headers.get('content-security-policy') ?? '', new RegExp(`frame-ancestors 'self' ${helpdesk.origin}(;|$)`));
    assert.equal(embed.headers.get('x-frame-options'), null);
    // A header a client sends cannot add origins to what the page trusts.
    const forged = await fetch(`${suite.server.url}/embed/agent`, { headers: { 'x-cobrowse-embed-origins': stranger.origin } });
    assert.doesNotMatch(await forged.text(), new RegExp(stranger.origin));
    // The bridge's client and its types are served to any site, like the widget.
    const types = await fetch(`${suite.server.url}/embed-client.d.mts`);
    assert.match(
      await types.text(),
      /export declare function connectAgentView\(frame: HTMLIFrameElement, options\?: AgentViewOptions\): AgentView;/,
    );
    assert.equal(types.headers.get('access-control-allow-origin'), '*');
    for (const path of ['/login', '/agent', '/admin']) {
      const response = await fetch(`${suite.server.url}${path}`, { redirect: 'manual' });
      assert.match(response.headers.get('content-security-policy') ?? '', /frame-ancestors 'self'(;|$)/, path);
    }
  });

  it('signs in inside the frame, then joins, asks for Write Mode and ends through the bridge, telling each event', async () => {
    const host = await suite.newPage(1400, 900);
    await host.goto(`${helpdesk.origin}/helpdesk.html?server=${encodeURIComponent(suite.server.url)}`);
    await hasEvent(host, /^ready signedIn=false$/);
    // The sign-in cookie of /agent is not sent to a frame under another site: the agent signs in here.
    await viewFrame(host).getByTestId('login-email').fill('agent@example.com');
    await viewFrame(host).getByTestId('login-password').fill('cobrowse-demo');
    await viewFrame(host).getByTestId('login-submit').click();
    await hasEvent(host, /^ready signedIn=true$/);
    const [cookie] = (await host.context().cookies(suite.server.url)).filter((each) => each.name === 'cobrowse_embed');
    assert.equal(cookie?.sameSite, 'None');
    assert.equal((cookie as { partitionKey?: string }).partitionKey, 'http://localhost');

    const customer = await suite.newPage(1100, 800);
    const code = await customerStarts(customer, suite.server.url, '/demo');
    await host.getByTestId('helpdesk-code').fill(code);
    await host.getByTestId('helpdesk-join').click();
    await hasEvent(host, new RegExp(`^joined ${code} POINTER$`));
    await hasEvent(host, /^presence connected$/);
    await hasEvent(host, /^join: ok$/);
    assert.ok(!(await events(host)).includes('presence gone'), 'the customer was connected all along');
    await hasNotice(customer, 'cobrowse-notice', /agent/i);
    // The customer's page is live in the framed view.
    await waitFor(() => viewFrame(host).frameLocator('[data-testid=cobrowse-view] iframe').locator('body').count(), 'the replay');
    await viewFrame(host).getByTestId('exit-session').waitFor();

    await host.getByTestId('helpdesk-request-write').click();
    await hasEvent(host, /^request-write: ok$/);
    await hasEvent(host, /^mode POINTER \(requested\)$/);
    await customer.getByTestId('cobrowse-approve-write').click();
    await hasEvent(host, /^mode WRITE$/);
    await viewFrame(host).getByTestId('pointer-mode').waitFor();
    assert.equal((await events(host)).filter((text) => text.startsWith('ready')).length, 2, 'ready once signed out, once signed in');
    await host.screenshot({ path: 'test-results/embed-helpdesk-session.png' });

    await host.getByTestId('helpdesk-end').click();
    await hasEvent(host, new RegExp(`^ended ${code}$`));
    await hasEvent(host, /^end: ok$/);
    await hasNotice(customer, 'cobrowse-notice', /ended/i);
    await viewFrame(host).getByTestId('session-id-input').waitFor();
    await host.screenshot({ path: 'test-results/embed-helpdesk.png' });

    // A command the view cannot run is answered with its reason.
    await host.getByTestId('helpdesk-request-write').evaluate((button: HTMLButtonElement) => ((button.disabled = false), button.click()));
    await hasEvent(host, /^request-write: NO_SESSION /);
    await host.context().close();
    await customer.context().close();
  });

  it('answers bad messages with a clear error, refuses more than four commands at once, and ignores other origins', async () => {
    const host = await suite.newPage(1400, 900);
    await host.goto(`${helpdesk.origin}/helpdesk.html?server=${encodeURIComponent(suite.server.url)}`);
    await hasEvent(host, /^ready signedIn=false$/);
    const view = await waitFor(() => host.frames().find((frame) => frame.url().startsWith(suite.server.url)), 'the view frame');
    const post = (message: unknown) =>
      host.evaluate(
        ([message, origin]) => (document.getElementById('view') as HTMLIFrameElement).contentWindow!.postMessage(message, origin),
        [message, suite.server.url] as const,
      );

    // The capture sees what the allowed origin sends: each bad message comes back as an error event.
    await post({ type: 'cobrowse-embed', version: 1, id: 'a', command: 'fly' });
    await hasEvent(host, /^error BAD_MESSAGE: command must be one of join, request-write, end\.$/);
    await post({ type: 'cobrowse-embed', version: 2, id: 'b', command: 'end' });
    await hasEvent(host, /^error BAD_MESSAGE: version must be 1\.$/);
    await post({ type: 'cobrowse-embed', version: 1, id: 'c', command: 'join', code: '1'.repeat(33) });
    await hasEvent(host, /^error BAD_MESSAGE: join: code must be the 9-digit session ID .*at most 32 characters/);
    await post({ type: 'cobrowse-embed', version: 1, id: 'd', command: 'end', extra: true });
    await hasEvent(host, /^error BAD_MESSAGE: end takes no field "extra"\.$/);
    await post({ type: 'cobrowse-embed', version: 1, command: 'end' });
    await hasEvent(host, /^error BAD_MESSAGE: id must be/);
    // Signed out, a well-formed command is refused by name.
    await assertNotSignedInReply(view);

    // Sign in (the view reloads), then five joins at once: the fifth finds four pending.
    await viewFrame(host).getByTestId('login-email').fill('agent@example.com');
    await viewFrame(host).getByTestId('login-password').fill('cobrowse-demo');
    await viewFrame(host).getByTestId('login-submit').click();
    await hasEvent(host, /^ready signedIn=true$/);
    const replies = await host.evaluate(async (origin) => {
      const frame = (document.getElementById('view') as HTMLIFrameElement).contentWindow!;
      const answers: { reply: string; ok: boolean; code: string }[] = [];
      const allFive = new Promise<void>((resolve) =>
        addEventListener('message', (event) => {
          if (event.origin === origin && 'reply' in event.data && answers.push(event.data) === 5) resolve();
        }),
      );
      for (let id = 1; id <= 5; id++)
        frame.postMessage({ type: 'cobrowse-embed', version: 1, id: `busy-${id}`, command: 'join', code: '000000000' }, origin);
      await allFive;
      return answers;
    }, suite.server.url);
    assert.deepEqual(
      replies.find((reply) => reply.reply === 'busy-5'),
      {
        type: 'cobrowse-embed',
        version: 1,
        reply: 'busy-5',
        ok: false,
        code: 'BUSY',
        message: 'At most 4 commands at once; wait for a reply.',
      },
    );
    assert.deepEqual(
      replies.filter((reply) => reply.reply !== 'busy-5').map((reply) => reply.code),
      ['REFUSED', 'REFUSED', 'REFUSED', 'REFUSED'],
    );

    // A frame of another origin beside the view posts to it: a bad message and a real join.
    const customer = await suite.newPage(1100, 800);
    const code = await customerStarts(customer, suite.server.url, '/demo');
    await host.evaluate((src) => {
      const poster = document.createElement('iframe');
      poster.src = src;
      poster.title = 'poster';
      document.body.append(poster);
      return new Promise((resolve) => (poster.onload = resolve));
    }, `${stranger.origin}/poster.html`);
    const poster = await waitFor(() => host.frames().find((frame) => frame.url().startsWith(stranger.origin)), 'the stranger frame');
    const before = (await events(host)).length;
    await poster.evaluate((code) => {
      const post = (window as unknown as { post: (message: unknown) => void }).post;
      post({ type: 'cobrowse-embed', version: 1, id: 'x', command: 'fly' });
      post({ type: 'cobrowse-embed', version: 1, id: 'y', command: 'join', code });
    }, code);
    // A message from the allowed origin after them: once its answer is here, theirs would be too.
    await post({ type: 'cobrowse-embed', version: 1, id: 'fence', command: 'fly' });
    await waitFor(async () => (await events(host)).length > before, 'the answer to the fence');
    const all = await events(host);
    // Newest first: only the fence's answer is new.
    assert.deepEqual(all.slice(0, all.length - before), ['error BAD_MESSAGE: command must be one of join, request-write, end.']);
    assert.deepEqual(await poster.evaluate(() => (window as unknown as { heard: unknown[] }).heard), []);
    assert.equal(await viewFrame(host).getByTestId('exit-session').count(), 0);
    await host.context().close();
    await customer.context().close();
  });

  it('takes the embedding sites from the admin page: a bad entry named, a saved one framing at once', async () => {
    const admin = await suite.newPage(1300, 1000);
    await signInAs(admin, suite.server.url, 'admin@example.com', '/admin');
    const field = admin.getByTestId('admin-embedOrigins');
    await waitFor(async () => (await field.inputValue()) === helpdesk.origin, 'the saved embedding site');
    await field.fill(`${helpdesk.origin}\n${stranger.origin}/frame.html`);
    await admin.getByTestId('admin-save').click();
    await waitFor(
      async () =>
        /^Embedding sites: ".*\/frame\.html" is not a site origin/.test((await admin.getByTestId('admin-message').textContent()) ?? ''),
      'the refusal naming the entry',
    );
    await field.fill(`${helpdesk.origin}\n${stranger.origin}`);
    await admin.getByTestId('admin-save').click();
    await waitFor(async () => /^Saved/.test((await admin.getByTestId('admin-message').textContent()) ?? ''), 'the saved message');
    const policy = (await fetch(`${suite.server.url}/embed/agent`)).headers.get('content-security-policy') ?? '';
    assert.match(policy, new RegExp(`frame-ancestors 'self' ${helpdesk.origin} ${stranger.origin}(;|$)`));
    await field.fill(helpdesk.origin);
    await admin.getByTestId('admin-save').click();
    await waitFor(
      async () => !(await fetch(`${suite.server.url}/embed/agent`)).headers.get('content-security-policy')!.includes(stranger.origin),
      'the stranger removed',
    );
    await admin.context().close();
  });

  it('cannot be framed by a site the admin did not allow', async () => {
    // First the capture: the allowed helpdesk's frame shows the view.
    const host = await suite.newPage(1200, 800);
    await host.goto(`${helpdesk.origin}/helpdesk.html?server=${encodeURIComponent(suite.server.url)}`);
    await viewFrame(host).getByTestId('login-email').waitFor();
    await host.context().close();

    const page = await suite.newPage(1200, 800);
    const refusals: string[] = [];
    page.on('console', (message) => /frame-ancestors/.test(message.text()) && refusals.push(message.text()));
    await page.goto(`${stranger.origin}/frame.html`);
    await waitFor(() => refusals.length > 0, 'the browser refusing to frame the view');
    const frame = page.frames().find((each) => each !== page.mainFrame()) as Frame;
    assert.equal(await frame.locator('[data-testid=login-email]').count(), 0);
    await page.context().close();
  });
});

/** The view answered a well-formed command while nobody was signed in with NOT_SIGNED_IN. */
async function assertNotSignedInReply(view: Frame) {
  const host = view.page();
  const reply = await host.evaluate(
    (origin) =>
      new Promise((resolve) => {
        addEventListener('message', (event) => event.origin === origin && event.data.reply === 'f' && resolve(event.data));
        (document.getElementById('view') as HTMLIFrameElement).contentWindow!.postMessage(
          { type: 'cobrowse-embed', version: 1, id: 'f', command: 'end' },
          origin,
        );
      }),
    new URL(view.url()).origin,
  );
  assert.deepEqual(reply, {
    type: 'cobrowse-embed',
    version: 1,
    reply: 'f',
    ok: false,
    code: 'NOT_SIGNED_IN',
    message: 'No agent is signed in in the view; the agent signs in inside it first.',
  });
}
