import { parse as parseCookies } from 'cookie';
import { AUTH_COOKIE, EMBED_AUTH_COOKIE } from './auth-sessions.ts';

/** What a request says about where it came from; set by the browser, never by a page's script. */
export interface RequestSource {
  cookieHeader: string | undefined;
  /** The Origin header. */
  origin: string | undefined;
  /** The Sec-Fetch-Site header (fetch metadata). */
  fetchSite: string | undefined;
}

const header = (value: string | string[] | undefined) => (typeof value === 'string' ? value : undefined);

/** The parts of an HTTP request (or WebSocket upgrade) that say who sent it and from where. */
export const requestSource = (request: { headers: Record<string, string | string[] | undefined> }): RequestSource => ({
  cookieHeader: header(request.headers.cookie),
  origin: header(request.headers.origin),
  fetchSite: header(request.headers['sec-fetch-site']),
});

/**
 * The sign-in token a request carries: the sign-in cookie, or else the embedded view's cookie, but
 * that one only on requests from this server's own pages (the framed view's fetches and sockets).
 * Every page of the CRM's site sends the partitioned cookie along on its requests to this server
 * too; without this check any of them could act as the agent (cross-site request forgery).
 */
export function signInToken(source: RequestSource, selfOrigin: string): string | undefined {
  if (!source.cookieHeader) return undefined;
  const cookies = parseCookies(source.cookieHeader);
  if (cookies[AUTH_COOKIE]) return cookies[AUTH_COOKIE];
  const fromOwnPage = source.origin === selfOrigin || (source.origin === undefined && source.fetchSite === 'same-origin');
  return fromOwnPage ? cookies[EMBED_AUTH_COOKIE] : undefined;
}
