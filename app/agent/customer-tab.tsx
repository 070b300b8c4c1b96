'use client';

import type { CustomerTab } from '../../protocol/customer-tabs';

/** The path of a page address (already stripped by the customer's widget), for a short label. */
function pathOf(url: string | null): string {
  if (!url) return '';
  try {
    return new URL(url).pathname;
  } catch {
    return '';
  }
}

/**
 * Which of the customer's tabs the view shows, when the session is open in more than one:
 * "Tab 2 of 3 · /demo/help". It follows the customer as they switch, open and close tabs.
 */
export function CustomerTabIndicator({ tab, url }: { tab: CustomerTab | null; url: string | null }) {
  if (!tab || tab.count < 2) return null;
  const path = pathOf(url);
  return (
    <span
      className="badge customer-tab"
      data-testid="tab-indicator"
      role="status"
      title="The customer has this session open in several tabs; you see the one they are looking at."
    >
      Tab {tab.index} of {tab.count}
      {path && <span className="customer-tab-path"> · {path}</span>}
    </span>
  );
}
