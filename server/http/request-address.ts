/** Where an HTTP request or WebSocket upgrade came from, as rate limits see it. */

/**
 * The address a request came from: the socket's peer, or — behind `trustedHops` proxies
 * (TRUST_PROXY_HOPS) — the X-Forwarded-For entry the nearest trusted proxy did not write itself:
 * the `trustedHops`-th from the right. Each proxy appends the address it saw, so only the
 * right-most entries are theirs; everything left of them is whatever the client sent, and taking
 * it would let anyone pick a fresh address per attempt and walk past every rate limit. A header
 * with fewer entries did not pass all those proxies: the socket's peer counts then.
 */
export function clientAddressOf(
  request: { headers: Record<string, string | string[] | undefined>; socket: { remoteAddress?: string | undefined } },
  trustedHops: number,
): string {
  if (trustedHops > 0) {
    const header = request.headers['x-forwarded-for'];
    const entries = (Array.isArray(header) ? header.join(',') : (header ?? ''))
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '');
    const client = entries.at(-trustedHops);
    if (client !== undefined) return client;
  }
  return request.socket.remoteAddress ?? 'unknown';
}
