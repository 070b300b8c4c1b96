import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  at: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** How the receiver answers the n-th request (0-based): a status and body, or 'hang' to never answer. */
export type Answer = (index: number, request: ReceivedWebhook) => { status: number; body?: string } | 'hang';

/** A real HTTP receiver on 127.0.0.1 that keeps every request it gets. */
export async function startWebhookReceiver(answer: Answer = () => ({ status: 200, body: 'ok' })) {
  const received: ReceivedWebhook[] = [];
  const hanging: ServerResponse[] = [];
  let respond = answer;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = { at: Date.now(), headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(request);
      const reply = respond(received.length - 1, request);
      if (reply === 'hang') return void hanging.push(res);
      res.writeHead(reply.status, { 'content-type': 'text/plain' }).end(reply.body ?? '');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    port,
    received,
    /** Requests of one event type (the Cobrowse-Event header). */
    of: (event: string) => received.filter((request) => request.headers['cobrowse-event'] === event),
    answerWith(next: Answer) {
      respond = next;
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>;
