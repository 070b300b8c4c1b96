import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { WebSocketServer } from 'ws';
import { launchBrowser } from './support/browser.ts';
import { waitFor } from './support/wait-for.ts';

/** The widget's transport as the browser runs it, exposed as `window.transport`. */
const bundleTransport = async () =>
  (
    await build({
      entryPoints: [new URL('../widget/transport.ts', import.meta.url).pathname],
      bundle: true,
      format: 'iife',
      globalName: 'transport',
      write: false,
      target: 'es2022',
    })
  ).outputFiles[0]!.text;

/** How long the page's main thread stays busy right after handing the socket a large frame. */
const BUSY_MS = 1500;
/** Larger than what a page's socket can write without its main thread (about 128–256 KB in Chromium). */
const LARGE_FRAME_CHARS = 1_000_000;

describe('the widget’s socket runs in a worker (a large batch leaves while the page lays out)', () => {
  let browser: Browser;
  let site: Server;
  let peer: WebSocketServer;
  let script = '';
  /** Every frame the peer got: when, how long, and its operation's id. */
  const frames: { at: number; length: number; type: string }[] = [];

  before(async () => {
    script = await bundleTransport();
    peer = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((resolve) => peer.once('listening', resolve));
    peer.on('connection', (socket) =>
      socket.on('message', (data) => {
        const text = String(data);
        const frame = JSON.parse(text) as { type: string };
        frames.push({ at: Date.now(), length: text.length, type: frame.type });
        if (frame.type === 'connection_init') socket.send('{"type":"connection_ack"}');
        if (frame.type === 'ping') socket.send('{"type":"pong"}');
      }),
    );
    // The customer's site: one page, with a policy refusing workers under /strict.
    site = createServer((request, response) => {
      const headers: Record<string, string> = { 'content-type': 'text/html' };
      if (request.url === '/strict') headers['content-security-policy'] = "worker-src 'none'";
      response.writeHead(200, headers).end('<!doctype html><title>site</title><p>site</p>');
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    peer?.close();
    site?.close();
  });

  /** Opens the transport in a page of the site; resolves once the socket is acknowledged. */
  async function connectedPage(path: string): Promise<Page> {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${(site.address() as AddressInfo).port}${path}`);
    await page.addScriptTag({ content: script });
    const server = `http://127.0.0.1:${(peer.address() as AddressInfo).port}`;
    await page.evaluate(
      `new Promise((resolve, reject) => {
        window.client = transport.openSocket(${JSON.stringify(server)}, 'token', { connected: resolve, closed: () => {} });
        setTimeout(() => reject(new Error('the socket never connected')), 10000);
      })`,
    );
    return page;
  }

  it('sends a large frame while the page’s main thread is busy', async () => {
    const page = await connectedPage('/');
    const before = frames.length;
    // In one task: the frame is handed over, then the main thread is busy (as while laying out a storm).
    const busyUntil = (await page.evaluate(`(() => {
      window.client.subscribe({ query: 'mutation { large }', variables: { batch: 'x'.repeat(${LARGE_FRAME_CHARS}) } }, { next() {}, error() {}, complete() {} });
      const end = Date.now() + ${BUSY_MS};
      while (Date.now() < end);
      return end;
    })()`)) as number;
    await waitFor(() => frames.slice(before).some((frame) => frame.length > LARGE_FRAME_CHARS), 'the large frame');
    const arrived = frames.slice(before).find((frame) => frame.length > LARGE_FRAME_CHARS)!.at;
    assert.ok(arrived < busyUntil - BUSY_MS / 2, `the frame arrived ${arrived - busyUntil} ms after the page was free again`);
    await page.evaluate('window.client.dispose()');
    await page.close();
  });

  it('falls back to the page’s own socket where the site’s policy refuses workers', async () => {
    const page = await connectedPage('/strict');
    const before = frames.length;
    await page.evaluate(
      `window.client.subscribe({ query: 'mutation { small }', variables: {} }, { next() {}, error() {}, complete() {} })`,
    );
    await waitFor(() => frames.slice(before).some((frame) => frame.type === 'subscribe'), 'the operation over the page’s socket');
    await page.evaluate('window.client.dispose()');
    await page.close();
  });
});
