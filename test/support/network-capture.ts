import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { withUnpacked } from './packed-frames.ts';
import { waitFor } from './wait-for.ts';

/** What a capture holds: `sent` is what left the page (and its workers), `texts` that and what came back. */
export interface NetworkCapture {
  sent(): Promise<string[]>;
  texts(): Promise<string[]>;
}

/**
 * Everything a page puts on the wire or gets back, for proving what never leaves: WebSocket frames
 * both ways, every request body, and request URLs (all, or only the widget's).
 *
 * The frames come from Playwright's `websocket` events, which report the sockets of the page's
 * dedicated workers too: the widget runs its socket in one, where the page's own DevTools session
 * (`Network.webSocketFrameSent`) never sees it (Chromium 156, playwright-core 1.65). Requests come
 * from that session, which can ask for a large body the event leaves out.
 */
export async function captureNetwork(page: Page, { urls }: { urls: 'all' | 'widget' } = { urls: 'all' }): Promise<NetworkCapture> {
  const sent: string[] = [];
  const received: string[] = [];
  const pending: Promise<unknown>[] = [];
  // Binary frames (the widget's uploads) are searched as the text they carry.
  page.on('websocket', (socket) => {
    socket.on('framesent', ({ payload }) => sent.push(payload.toString()));
    socket.on('framereceived', ({ payload }) => received.push(payload.toString()));
  });
  const cdp = await page.context().newCDPSession(page);
  cdp.on('Network.requestWillBeSent', (event) => {
    // On the customer's side the page loads its own images and scripts; what the widget requests
    // (its script in the initiator's stack, or the co-browse API) is what could leak.
    const byWidget =
      event.request.url.includes('/api/') || (event.initiator.stack?.callFrames ?? []).some((frame) => frame.url.includes('widget.js'));
    if (urls === 'all' || byWidget) sent.push(event.request.url);
    if (event.request.postData) sent.push(event.request.postData);
    else if (event.request.hasPostData) {
      // Large bodies are left out of the event; ask for them while the request is known.
      pending.push(
        cdp
          .send('Network.getRequestPostData', { requestId: event.requestId })
          .then(({ postData }) => sent.push(postData))
          .catch(() => sent.push(`<body of ${event.request.url} unavailable>`)),
      );
    }
  });
  await cdp.send('Network.enable');
  return {
    async sent() {
      await Promise.all(pending);
      return [...sent];
    },
    async texts() {
      await Promise.all(pending);
      return [...sent, ...received];
    },
  };
}

/**
 * Proves a capture blind to nothing that matters, then that no secret is in it: waits until every
 * control (a value that may travel, sent after the secrets were typed) shows in the captured texts,
 * packed batches inflated, and only then looks for the secrets. Returns the texts searched.
 */
export async function assertNoneCaptured(
  capture: () => Promise<string[]> | string[],
  { controls, secrets, where }: { controls: Record<string, string>; secrets: Record<string, string>; where: string },
): Promise<string[]> {
  let texts: string[] = [];
  for (const [name, control] of Object.entries(controls))
    await waitFor(
      async () => (texts = (await withUnpacked(await capture())).texts).some((text) => text.includes(control)),
      `the control ${name} (${control}) in ${where}`,
    );
  for (const [name, secret] of Object.entries(secrets))
    assert.ok(!texts.some((text) => text.includes(secret)), `${name} (${secret}) is in ${where}`);
  return texts;
}
