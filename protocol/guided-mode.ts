/**
 * The tools an admin grants each role in a session. Point and annotate change nothing on the
 * customer's page; scroll moves it (Guided Mode); control clicks and types in it and navigate
 * changes its address (both Write Mode). Each mode still needs the customer's consent: a
 * capability only says whether the role may ask for it and use it at all.
 */
export interface Capabilities {
  /** The agent's pointer and click rings. */
  point: boolean;
  /** Draw, laser and outline (highlight) marks. */
  annotate: boolean;
  /** Scrolling the customer's page: what Guided Mode is for. */
  scroll: boolean;
  /** Clicking and typing in the customer's page (Write Mode). */
  control: boolean;
  /** Back, forward, refresh and opening addresses (Write Mode). */
  navigate: boolean;
  /** Asking a customer who is on the site now (by their signed identity) to co-browse. */
  invite: boolean;
}

export type Capability = keyof Capabilities;

/** Every capability, in the order the admin page lists them. */
export const CAPABILITIES: readonly Capability[] = ['point', 'annotate', 'scroll', 'control', 'navigate', 'invite'];

/** The roles capabilities are set for: agents in their own sessions, supervisors watching one. */
export type CapabilityRole = 'agent' | 'supervisor';

/** What each role may use until an admin says otherwise: agents everything, watching supervisors nothing (read-only). */
export const DEFAULT_CAPABILITIES: Readonly<Record<CapabilityRole, Capabilities>> = {
  agent: { point: true, annotate: true, scroll: true, control: true, navigate: true, invite: true },
  supervisor: { point: false, annotate: false, scroll: false, control: false, navigate: false, invite: false },
};

/** How long the customer has to answer a Guided Mode request. */
export const GUIDED_REQUEST_TTL_MS = 60_000;

/** Scroll and highlight signals a session takes per second (counted over two seconds); more are refused. */
export const MAX_GUIDED_SIGNALS_PER_SECOND = 30;

/** How far one scroll signal moves the page, in CSS pixels either way. */
export const MAX_SCROLL_DELTA_PX = 5000;

/** How long an outline stays on the customer's page. */
export const HIGHLIGHT_MS = 4000;
