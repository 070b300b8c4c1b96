/**
 * A receiver for Cobrowse webhooks (docs/webhooks.md) on plain node:http, with no dependencies:
 * it verifies each request's signature, refuses timestamps more than five minutes off, ignores a
 * delivery it has already handled, and prints one JSON line per event.
 *
 *   WEBHOOK_SECRET=whsec_… PORT=4000 node --import tsx docs/examples/webhook-receiver.ts
 *   … then register http(s)://<this host>:4000/webhooks at /admin/webhooks.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';

/** How far a request's timestamp may be from now: older ones may be replays. */
const TOLERANCE_SECONDS = 5 * 60;
/** Larger bodies are refused unread; Cobrowse's events are a few hundred bytes. */
const MAX_BODY_BYTES = 64 * 1024;

const secret = process.env.WEBHOOK_SECRET;
if (!secret?.startsWith('whsec_')) {
  console.error('Set WEBHOOK_SECRET to the endpoint’s signing secret (whsec_…), shown when it was registered.');
  process.exit(2);
}

/**
 * Checks `Cobrowse-Signature: t=<unix seconds>,v1=<hex>` against the raw body: v1 is
 * HMAC-SHA256(secret, `${t}.${body}`) in hex. Returns why it is refused, or null.
 */
function signatureProblem(header: string | undefined, body: string, nowSeconds: number): string | null {
  const parts = new Map((header ?? '').split(',').map((part) => part.trim().split('=', 2) as [string, string]));
  const timestamp = Number(parts.get('t'));
  const signatures = (header ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.startsWith('v1='))
    .map((part) => part.slice(3));
  if (!Number.isInteger(timestamp) || signatures.length === 0) return 'no signature';
  if (Math.abs(nowSeconds - timestamp) > TOLERANCE_SECONDS) return 'timestamp too old or in the future';
  const expected = createHmac('sha256', secret!).update(`${timestamp}.${body}`).digest();
  const matches = signatures.some((signature) => {
    const given = Buffer.from(signature, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  return matches ? null : 'signature does not match';
}

/** Deliveries already handled (a retry after a lost answer repeats one); keep these in your database. */
const seen = new Set<string>();

const server = createServer((req, res) => {
  if (req.method !== 'POST') return void res.writeHead(405, { allow: 'POST' }).end();
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return void req.destroy();
    chunks.push(chunk);
  });
  req.on('end', () => {
    // Verify the bytes as received: parsing and re-serialising JSON would change them.
    const body = Buffer.concat(chunks).toString('utf8');
    const problem = signatureProblem(req.headers['cobrowse-signature'] as string | undefined, body, Math.floor(Date.now() / 1000));
    if (problem) {
      console.error(`refused: ${problem}`);
      return void res.writeHead(400, { 'content-type': 'text/plain' }).end(problem);
    }
    const deliveryId = String(req.headers['cobrowse-webhook-id']);
    if (!seen.has(deliveryId)) {
      seen.add(deliveryId);
      const event = JSON.parse(body) as { id: string; type: string; createdAt: string; data: Record<string, unknown> };
      // Do the real work here, or better, queue it and answer at once: Cobrowse waits 10 s at most.
      console.log(JSON.stringify({ delivery: deliveryId, type: event.type, data: event.data }));
    }
    res.writeHead(204).end();
  });
});

server.listen(Number(process.env.PORT ?? 4000), process.env.HOST ?? '127.0.0.1', () => {
  const address = server.address() as { port: number };
  console.error(`Webhook receiver listening on port ${address.port}`);
});
