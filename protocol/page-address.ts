import { MASKED_PAGE_EVENT_TAG, PACKED_EVENTS_TAG, type RecordedEvent } from './messages.ts';

/**
 * Page addresses as they may leave the customer's browser. A query string and a fragment often
 * carry secrets — password-reset and sign-in tokens, OAuth access tokens after `#`, e-mail
 * addresses, order numbers — so neither reaches an agent, a recording or the audit trail: the
 * widget strips them before anything is sent, and the server strips what it is sent again
 * before passing it on or storing it. An admin may keep query parameters known to be harmless
 * (`page`, `product`), by name.
 */

const META_EVENT = 4;
const CUSTOM_EVENT = 5;

/** A query parameter's name as the page reads it (decoded as URLSearchParams does), or null when it cannot be decoded. */
function parameterName(pair: string): string | null {
  try {
    return decodeURIComponent(pair.split('=', 1)[0]!.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

/**
 * The address without its fragment, user name and password, and of its query only the kept
 * parameters (as written, in their order). What is not a URL keeps what comes before any `?` or `#`.
 */
export function pageAddress(href: string, keptQueryParameters: readonly string[] = []): string {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return href.split(/[?#]/, 1)[0]!;
  }
  const kept = url.search
    .slice(1)
    .split('&')
    .filter((pair) => {
      const name = parameterName(pair);
      return !!name && keptQueryParameters.includes(name);
    });
  url.hash = url.search = url.username = url.password = '';
  return url.href + (kept.length ? `?${kept.join('&')}` : '');
}

/**
 * Replaces, in place, every occurrence of `addresses` (longest first) in the strings of a
 * recorded event — attribute values, text, style sheets — by `shown`. rrweb records a link to
 * `#top` or to `""` as the page's full address, query included, since it resolves links against
 * the page; and a page may print its own address.
 */
export function replaceAddresses(value: unknown, addresses: readonly string[], shown: string): void {
  const pending = [value];
  while (pending.length) {
    const item = pending.pop();
    if (typeof item !== 'object' || item === null) continue;
    const record = item as Record<string, unknown>;
    // Walked for every node of a snapshot: for…in makes no list of keys per node.
    for (const key in record) {
      const child = record[key];
      if (typeof child === 'object' && child !== null) pending.push(child);
      else if (typeof child === 'string' && addresses.some((address) => child.includes(address)))
        record[key] = addresses.reduce((text, address) => text.split(address).join(shown), child);
    }
  }
}

/**
 * Strips, in place, the addresses a batch shows outside packed data: rrweb's Meta event, and
 * the address beside a packed run or a hidden page. Returns whether any changed. What a packed
 * run holds inside is the widget's to strip: the server never opens it.
 */
export function stripBatchAddresses(events: readonly RecordedEvent[], keptQueryParameters: readonly string[]): boolean {
  let changed = false;
  for (const event of events) {
    const data = event.data as { href?: unknown; tag?: unknown; payload?: unknown } | null;
    const tag = event.type === CUSTOM_EVENT ? data?.tag : undefined;
    const holder = event.type === META_EVENT ? data : tag === PACKED_EVENTS_TAG || tag === MASKED_PAGE_EVENT_TAG ? data?.payload : null;
    if (typeof holder !== 'object' || holder === null) continue;
    const { href } = holder as { href?: unknown };
    if (typeof href !== 'string') continue;
    const stripped = pageAddress(href, keptQueryParameters);
    if (stripped === href) continue;
    (holder as { href: string }).href = stripped;
    changed = true;
  }
  return changed;
}
