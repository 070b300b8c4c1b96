/** Where an HTTP request or WebSocket upgrade came from, as rate limits and origin checks see it. */
/** The origin a browser at this Host sees, honouring a proxy's X-Forwarded-Proto. */
export function selfOriginOf(headers: Record<string, string | string[] | undefined>): string {
  const forwarded = headers['x-forwarded-proto'];
  const proto = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim() || 'http';
  return `${proto}://${headers.host ?? 'localhost'}`;
}

/**
 * The address a request came from: the socket's peer, or — behind a proxy the operator trusts
 * (TRUST_PROXY=true) — the left-most X-Forwarded-For entry. Never trusted by default, or anyone
 * could pick a fresh address per attempt and walk past every rate limit.
 */
export function clientAddressOf(
  request: { headers: Record<string, string | string[] | undefined>; socket: { remoteAddress?: string | undefined } },
  trustProxy: boolean,
): string {
  if (trustProxy) {
    const forwarded = request.headers['x-forwarded-for'];
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
    if (first) return first;
  }
  return request.socket.remoteAddress ?? 'unknown';
}
