import { MAX_CUSTOMER_TABS, type CustomerTab } from '../../protocol/customer-tabs.ts';

/** The tabs of one session this tab knows of, itself included, in the order they joined. */
export interface TabRoster {
  /** Counts a tab (again); false when the roster is full and the tab was not counted. */
  add(tab: string, since: number): boolean;
  remove(tab: string): void;
  /** Which of the tabs this one is, and how many there are. */
  position(): CustomerTab;
  /** The tab that joined first: the one that takes the session's socket when no tab is shown. */
  first(): string;
}

/** A roster holding `me` (joined at `since`) and at most MAX_CUSTOMER_TABS tabs in all. */
export function createTabRoster(me: string, since: number): TabRoster {
  const tabs = new Map<string, number>([[me, since]]);
  const ordered = () => [...tabs].sort(([a, at], [b, bt]) => at - bt || (a < b ? -1 : a > b ? 1 : 0)).map(([tab]) => tab);
  return {
    add(tab, joined) {
      if (!tabs.has(tab) && tabs.size >= MAX_CUSTOMER_TABS) return false;
      tabs.set(tab, joined);
      return true;
    },
    remove: (tab) => void (tab !== me && tabs.delete(tab)),
    position: () => ({ index: ordered().indexOf(me) + 1, count: tabs.size }),
    first: () => ordered()[0]!,
  };
}
