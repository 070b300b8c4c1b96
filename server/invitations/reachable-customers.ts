import { AppError, ErrorCode } from '../core/errors.ts';

/** Tabs one customer may keep reachable at once; more are refused (each prompt goes to every tab). */
export const MAX_REACHABLE_TABS_PER_CUSTOMER = 8;

/** A verified customer as agents name them: by e-mail (lower-cased) or by the site's own account id. */
export interface CustomerName {
  email?: string | null;
  accountId?: string | null;
}

/** The key of one way to name a customer: `e:<email>` or `a:<account id>`. */
export type IdentityKey = `e:${string}` | `a:${string}`;

/** The keys a verified identity is reachable under (one for each of its e-mail and account id). */
export function identityKeys(name: CustomerName): IdentityKey[] {
  const keys: IdentityKey[] = [];
  const email = name.email?.trim().toLowerCase();
  const accountId = name.accountId?.trim();
  if (email) keys.push(`e:${email}`);
  if (accountId) keys.push(`a:${accountId}`);
  return keys;
}

/** Where one customer's requests are published: their identity on one site. */
export const reachableTopicKey = (origin: string, key: IdentityKey) => `${origin} ${key}`;

/**
 * Who is reachable on this instance now: per identity key, the sites their open tabs are on and
 * how many tabs each. Nothing else is kept — no page, no address — and the whole is bounded, so a
 * site whose many visitors never co-browse costs a few map entries each.
 */
export interface ReachableCustomers {
  /** Counts one tab in; the returned function counts it out (once). Throws LIMIT_REACHED past the caps. */
  add(origin: string, keys: readonly IdentityKey[]): () => void;
  /** The sites a customer has tabs on now, by one of their keys. */
  sitesOf(key: IdentityKey): string[];
  /** Tabs counted in, on all sites. */
  readonly size: number;
}

export function createReachableCustomers(limits: { maxTabs: number; maxTabsPerCustomer: number }): ReachableCustomers {
  const byKey = new Map<IdentityKey, Map<string, number>>();
  let size = 0;
  const tabsOf = (key: IdentityKey) => [...(byKey.get(key)?.values() ?? [])].reduce((sum, count) => sum + count, 0);
  const full = (message: string) => new AppError(ErrorCode.LIMIT_REACHED, message);
  return {
    add(origin, keys) {
      if (size >= limits.maxTabs) throw full('This server holds as many reachable customers as it may; try again later.');
      if (keys.some((key) => tabsOf(key) >= limits.maxTabsPerCustomer))
        throw full('This customer has as many reachable tabs open as they may; the others stay reachable.');
      size++;
      for (const key of keys) {
        const sites = byKey.get(key) ?? byKey.set(key, new Map()).get(key)!;
        sites.set(origin, (sites.get(origin) ?? 0) + 1);
      }
      let counted = true;
      return () => {
        if (!counted) return;
        counted = false;
        size--;
        for (const key of keys) {
          const sites = byKey.get(key);
          const left = (sites?.get(origin) ?? 1) - 1;
          if (left > 0) sites!.set(origin, left);
          else sites?.delete(origin);
          if (sites?.size === 0) byKey.delete(key);
        }
      };
    },
    sitesOf: (key) => [...(byKey.get(key)?.keys() ?? [])],
    get size() {
      return size;
    },
  };
}
