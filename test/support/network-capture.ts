import type { Page } from 'playwright-core';

/**
 * Everything a page puts on the wire or gets back, read through Chromium's DevTools protocol:
 * WebSocket frames both ways, every request body, and request URLs (all, or only the widget's).
 * For proving what never leaves.
 */
export async function captureNetwork(
  page: Page,
  { urls }: { urls: 'all' | 'widget' } = { urls: 'all' },
): Promise<{ texts: () => Promise<string[]> }> {
  const cdp = await page.context().newCDPSession(page);
  const texts: string[] = [];
  const pending: Promise<unknown>[] = [];
  // Binary frames (the widget's uploads) come base64-encoded: searched as the text they carry.
  const payload = ({ opcode, payloadData }: { opcode: number; payloadData: string }) =>
    opcode === 2 ? Buffer.from(payloadData, 'base64').toString() : payloadData;
  cdp.on('Network.webSocketFrameSent', (event) => texts.push(payload(event.response)));
  cdp.on('Network.webSocketFrameReceived', (event) => texts.push(payload(event.response)));
  cdp.on('Network.requestWillBeSent', (event) => {
    // On the customer's side the page loads its own images and scripts; what the widget requests
    // (its script in the initiator's stack, or the co-browse API) is what could leak.
    const byWidget =
      event.request.url.includes('/api/') || (event.initiator.stack?.callFrames ?? []).some((frame) => frame.url.includes('widget.js'));
    if (urls === 'all' || byWidget) texts.push(event.request.url);
    if (event.request.postData) texts.push(event.request.postData);
    else if (event.request.hasPostData) {
      // Large bodies are left out of the event; ask for them while the request is known.
      pending.push(
        cdp
          .send('Network.getRequestPostData', { requestId: event.requestId })
          .then(({ postData }) => texts.push(postData))
          .catch(() => texts.push(`<body of ${event.request.url} unavailable>`)),
      );
    }
  });
  await cdp.send('Network.enable');
  return {
    async texts() {
      await Promise.all(pending);
      return texts;
    },
  };
}
