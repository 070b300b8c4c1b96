import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { signatureHeader } from './sign-webhook.ts';
import { resolveTarget, TargetRefused, type ResolvedAddress, type TargetPolicy } from './target-address.ts';

/** How much of a receiver's answer is kept for the delivery log; the rest is never read into memory. */
export const RESPONSE_EXCERPT_BYTES = 256;
const ERROR_MAX_LENGTH = 300;

export interface SendOptions {
  timeoutMs: number;
  policy: TargetPolicy;
}

export interface AttemptResult {
  /** A 2xx answer. */
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  excerpt: string | null;
}

/**
 * A `lookup` for the request that answers with the addresses already checked, so the socket
 * connects to exactly what was vetted (a second DNS answer, DNS rebinding, never gets a say).
 */
function pinnedLookup(addresses: ResolvedAddress[]): LookupFunction {
  return ((_hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options.all) callback(null, addresses);
    else callback(null, addresses[0]!.address, addresses[0]!.family);
  }) as LookupFunction;
}

const failure = (error: string, statusCode: number | null = null, excerpt: string | null = null): AttemptResult => ({
  ok: false,
  statusCode,
  error: error.slice(0, ERROR_MAX_LENGTH),
  excerpt,
});

/**
 * One attempt: POSTs the signed body, checking the target's addresses again at send time. Only a
 * 2xx answer counts; redirects are not followed. Never throws.
 */
export async function sendWebhook(
  target: { url: string; secret: string },
  delivery: { id: string; eventType: string; payload: string },
  options: SendOptions,
): Promise<AttemptResult> {
  const url = new URL(target.url);
  let addresses: ResolvedAddress[];
  try {
    addresses = await resolveTarget(url.hostname, options.policy);
  } catch (error) {
    return failure(error instanceof TargetRefused ? error.message : String(error));
  }
  const timestamp = Math.floor(Date.now() / 1000);
  const body = Buffer.from(delivery.payload);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<AttemptResult>((resolve) => {
    let settled = false;
    const settle = (result: AttemptResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const req = request(
      url,
      {
        method: 'POST',
        agent: false,
        lookup: pinnedLookup(addresses),
        headers: {
          'content-type': 'application/json',
          'content-length': body.length,
          'user-agent': 'Cobrowse-Webhooks/1',
          'cobrowse-webhook-id': delivery.id,
          'cobrowse-event': delivery.eventType,
          'cobrowse-signature': signatureHeader(target.secret, timestamp, delivery.payload),
        },
      },
      (response: IncomingMessage) => {
        const status = response.statusCode ?? 0;
        const chunks: Buffer[] = [];
        let kept = 0;
        const finish = () => {
          const excerpt = Buffer.concat(chunks).subarray(0, RESPONSE_EXCERPT_BYTES).toString('utf8') || null;
          settle(
            status >= 200 && status < 300
              ? { ok: true, statusCode: status, error: null, excerpt }
              : failure(`HTTP ${status}`, status, excerpt),
          );
        };
        response.on('data', (chunk: Buffer) => {
          if (kept < RESPONSE_EXCERPT_BYTES) {
            chunks.push(chunk);
            kept += chunk.length;
          }
          // Enough to show in the log: stop reading instead of buffering a large answer.
          if (kept >= RESPONSE_EXCERPT_BYTES) response.destroy();
        });
        response.on('end', finish);
        response.on('close', finish);
        response.on('error', finish);
      },
    );
    const timer = setTimeout(() => req.destroy(new Error(`No answer within ${options.timeoutMs} ms.`)), options.timeoutMs);
    req.on('error', (error) => settle(failure(error.message || String(error))));
    req.end(body);
  });
}
