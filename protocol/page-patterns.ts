/**
 * Masked-page patterns (pages hidden from agents entirely), shared by the widget (which hides the page) and the server (which
 * saves patterns normalized). A URL is normalized before it is matched, so the same page cannot
 * slip past a pattern by being spelled differently:
 * - percent-escapes are decoded (`/%61ccount` is `/account`); `%2F` is tried both as data and as a
 *   separator, so it can only ever hide more, never less;
 * - runs of slashes collapse (`//account` is `/account`) and a trailing slash is ignored;
 * - a hash route (`#/account/x`, `#!/account/x`) is matched like a path, as well as the real path;
 * - the query counts only when the pattern has a `?`; matching ignores case.
 * `*` matches anything, and a pattern ending in `/*` also matches the bare prefix (`/account`).
 */

const ENCODED_SLASH = /%2f/gi;

/** Decodes every escape but `%2F` (a run of escapes decodes together, for UTF-8). */
const decodeEscapes = (text: string) =>
  text.replace(/(%(?!2f)[\da-f]{2})+/gi, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });

/** `//a//b/` → `/a/b`; the root stays `/`. */
const tidySlashes = (path: string) => path.replace(/\/+/g, '/').replace(/(.)\/$/, '$1');

/** The ways a path may be read: `%2F` as data, and as a separator. */
const readingsOf = (path: string) => {
  const decoded = decodeEscapes(path);
  return [decoded.replace(ENCODED_SLASH, '%2F'), decoded.replace(ENCODED_SLASH, '/')].map(tidySlashes);
};

/** Normalizes a pattern the way a path is (its `*`s and any `?query` kept as written). */
export function normalizePagePattern(pattern: string): string {
  const [, prefix = '', path = '', rest = ''] = /^(https?:\/\/[^/?#]*)?([^?]*)(.*)$/i.exec(pattern)!;
  return prefix + (path ? tidySlashes(decodeEscapes(path)) : prefix ? '/' : '') + rest;
}

const escapeRegExp = (text: string) => text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');

function patternRegExp(pattern: string): RegExp {
  const normalized = normalizePagePattern(pattern);
  const open = normalized.endsWith('/*');
  const body = (open ? normalized.slice(0, -2) : normalized).split('*').map(escapeRegExp).join('.*');
  return new RegExp(`^${body}${open ? '(?:/.*)?' : ''}$`, 'i');
}

/** Whether a masked-page pattern (`/account/*`, `https://shop.example/checkout*`) covers this URL. */
export function pageMatches(pattern: string, url: string): boolean {
  const parsed = new URL(url);
  const route = /^#!?(\/[^?]*)(\?.*)?$/.exec(parsed.hash);
  const paths = [[parsed.pathname, parsed.search]];
  if (route) paths.push([route[1]!, route[2] ?? '']);
  const withQuery = pattern.includes('?');
  const base = pattern.startsWith('/') ? '' : parsed.origin;
  const regex = patternRegExp(pattern);
  return paths.some(([path, search]) => readingsOf(path!).some((read) => regex.test(base + read + (withQuery ? search : ''))));
}
