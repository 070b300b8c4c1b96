/**
 * The customer's tabs of a session: the widget keeps one session across the tabs of a site, and
 * only the tab the customer is looking at streams. That tab tells the agent's view which of the
 * session's tabs it is, in an rrweb custom event sent when the tabs change and after every
 * snapshot (the page's address is the stream's own, stripped as always).
 */

/** The rrweb custom event naming the streaming tab: payload `{ index, count }`. */
export const CUSTOMER_TAB_EVENT_TAG = 'cobrowse-tab';

/**
 * The most tabs of one session the widget counts (a page that opens more is shown as this many):
 * each tab keeps a list of the others, which must not grow without limit.
 */
export const MAX_CUSTOMER_TABS = 20;

/** Which tab streams: the `index`-th (from 1, in the order the tabs joined) of `count`. */
export interface CustomerTab {
  index: number;
  count: number;
}

const isTabNumber = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_CUSTOMER_TABS;

/** The tab a custom event's payload names, or null when it is not a valid one. */
export function customerTabOf(payload: unknown): CustomerTab | null {
  if (typeof payload !== 'object' || payload === null) return null;
  const { index, count } = payload as Record<string, unknown>;
  return isTabNumber(index) && isTabNumber(count) && index <= count ? { index, count } : null;
}
