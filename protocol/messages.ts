import type { ShownCustomer } from './customer-metadata.ts';
import type { Capabilities } from './guided-mode.ts';
import type { StreamEventName } from './session-events.ts';

/** A recorded rrweb event as it travels; the protocol does not look inside beyond `type`. */
export interface RecordedEvent {
  type: number;
  data: unknown;
  timestamp: number;
  delay?: number;
}

// The enums are the GraphQL schema's, spelled out for the widget; test/enum-sources.test.ts holds them to it.
/** Who did something in a session. */
export type ActorKind = 'CUSTOMER' | 'AGENT' | 'SUPERVISOR' | 'ADMIN' | 'SYSTEM';

/** Every session status, in lifecycle order; the one list code iterates (test/enum-sources.test.ts holds it to the schema). */
export const SESSION_STATUSES = ['WAITING', 'ACTIVE', 'PAUSED', 'ENDED'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

/** The statuses of a session that has not ended. */
export const LIVE_SESSION_STATUSES = /* @__PURE__ */ SESSION_STATUSES.filter((status) => status !== 'ENDED');
/** POINTER: see and point; GUIDED: also scroll and highlight; WRITE: also click, type and navigate. */
export type SessionMode = 'POINTER' | 'GUIDED' | 'WRITE';

/** What both sides know about the session at any moment. */
export interface SessionState {
  id: string;
  code: string;
  status: SessionStatus;
  mode: SessionMode;
  agentName: string | null;
  endedBy: ActorKind | null;
  endReason: string | null;
  /** The agent's Write Mode request awaiting the customer's answer. */
  writeRequest: { id: string; expiresAt: string } | null;
  /** The agent's Guided Mode request awaiting the customer's answer. */
  guidedRequest: { id: string; expiresAt: string } | null;
  /** Whether the customer's page has a live connection; false from the moment its last socket closed. */
  customerConnected: boolean;
  /** Since when the customer has had no connection (ISO time), or null while connected. */
  customerGoneAt: string | null;
  /** Who the customer is, as the site told the widget (not masked: see protocol/customer-metadata.ts). */
  customer: ShownCustomer | null;
}

/** Site rules both sides apply during a session. */
export interface SessionRules {
  /** When false the agent has no pencil and the server refuses Write Mode. */
  writeModeEnabled: boolean;
  /** What the session's agent may use at all (each mode still needs the customer's consent). */
  capabilities: Capabilities;
  /** Whether the widget sends the page's font files and same-site images for agents whose browsers cannot fetch them. */
  captureAssets: boolean;
  /** Controls agents may not use (submit buttons by default); shown with a green border. */
  disabledSelectors: string[];
  /** Inputs whose value, and elements whose text, agents see as `*` (the built-in ones included). */
  maskedFieldSelectors: string[];
  /** Elements recorded as a same-size placeholder. */
  maskedElementSelectors: string[];
  /** Images recorded as a grey area of the same size, without their URL. */
  maskedImageSelectors: string[];
  /** Canvases recorded as a grey area of the same size: none of their pixels leave the browser. */
  maskedCanvasSelectors: string[];
  /** Pages (URL patterns, `*` matches anything) not recorded at all. */
  maskedPagePatterns: string[];
  /**
   * Query parameters (by name) page addresses keep when they leave the customer's browser; every
   * other one, and the fragment, is stripped (protocol/page-address.ts).
   */
  keptQueryParameters: string[];
  /**
   * Other sites (origins) whose frames in the page are mirrored to the agent: each runs the widget
   * as a child frame (`Cobrowse.init({ frame: true })`) and records itself under the site's rules.
   */
  frameOrigins: string[];
}

/** How a masked element is marked in the recorded page (`data-cobrowse-masked`), for the agent's view. */
export type MaskKind = 'field' | 'element' | 'image';

/**
 * The attribute the widget gives an open popover in the recorded page (not in the customer's):
 * rrweb records no popover state, and the agent's view opens the marked ones.
 */
export const OPEN_POPOVER_ATTRIBUTE = 'data-cobrowse-popover-open';

/**
 * The rrweb custom event naming the page's font and image files this server keeps (payload:
 * `{ files: { [absolute address]: hex SHA-256 } }`): the agent's view loads them from here,
 * where its own browser could not fetch them from the site.
 */
export const PAGE_ASSETS_EVENT_TAG = 'cobrowse-page-assets';

/** Where the server serves a kept file, by its SHA-256. */
export const ASSETS_PATH = '/api/assets';

/**
 * The attribute the widget gives a frame whose page it cannot record (another site's, without
 * the widget): its value is that site's origin, and the agent's view shows a labelled placeholder.
 */
export const OTHER_SITE_FRAME_ATTRIBUTE = 'data-cobrowse-frame';

/**
 * The rrweb custom event telling which of the page's elements the customer's pointer and keyboard
 * are on, sent whenever that changes and after every snapshot: rrweb ids (0 for none), never
 * anything typed. The replay shows the page's `:hover`, `:active`, `:focus`, `:focus-visible` and
 * `:focus-within` styles on them.
 */
export const POINTER_STATES_EVENT_TAG = 'cobrowse-pointer-states';

/** The payload of a pointer-states event: the deepest element in each state, by rrweb id. */
export interface PointerStates {
  hover: number;
  active: number;
  focus: number;
  /** Whether the focused element shows focus as from the keyboard (`:focus-visible`). */
  focusVisible: boolean;
}

/**
 * The rrweb custom event carrying how the customer's browser answers the media features that
 * differ between browsers (payload: `{ features: { 'prefers-color-scheme': 'dark', hover: 'none', … } }`),
 * sent when one changes and after every snapshot: the replay evaluates the page's media queries
 * for them as the customer's browser does, not as the agent's.
 */
export const CUSTOMER_MEDIA_EVENT_TAG = 'cobrowse-customer-media';

/** The media features, with the values each can take, whose customer's value the widget sends. */
export const CUSTOMER_MEDIA_FEATURES: Record<string, readonly string[]> = {
  'prefers-color-scheme': ['dark', 'light'],
  'prefers-reduced-motion': ['reduce', 'no-preference'],
  hover: ['hover', 'none'],
  'any-hover': ['hover', 'none'],
  pointer: ['fine', 'coarse', 'none'],
  'any-pointer': ['fine', 'coarse', 'none'],
};

/**
 * The rrweb custom event describing the page's `@import` rules that hold only in a layer, for a
 * media query or a `supports()` condition: rrweb writes an imported sheet's rules in place of the
 * `@import`, without that condition. Payload: `{ sheets: [{ id, imports }] }`, `id` the `<style>`
 * or `<link>` (rrweb id), `imports` in order, each `{ at, rules, layer?, media?, supports? }`: the
 * imported rules are the `rules` top-level rules from index `at` of the replayed sheet.
 */
export const CONDITIONAL_IMPORTS_EVENT_TAG = 'cobrowse-conditional-imports';

/** One `@import` with a condition, as the conditional-imports event describes it. */
export interface ConditionalImport {
  at: number;
  rules: number;
  /** The layer's name; empty for an anonymous layer. */
  layer?: string;
  media?: string;
  supports?: string;
}

/** The rrweb custom event the widget sends instead of a page hidden from agents. */
export const MASKED_PAGE_EVENT_TAG = 'cobrowse-masked-page';

/**
 * The rrweb custom event carrying one frame of a canvas: what it shows now, encoded in the
 * customer's browser, drawn by the agent's view into the mirrored canvas (the rrweb node `id`).
 */
export const CANVAS_FRAME_EVENT_TAG = 'cobrowse-canvas';

/** What a canvas frame carries. */
export interface CanvasFrame {
  /** rrweb's id of the canvas element. */
  id: number;
  /** The image's MIME type (`image/webp` or `image/jpeg`) and bytes, in base64. */
  type: string;
  data: string;
}

/**
 * The rrweb custom event tag of a packed run of events: a large batch (a full snapshot, a big
 * mutation) deflated by the widget and passed through the server unopened (protocol/packed-events.ts).
 * It takes the place of the events it packs, so the stream's order holds.
 */
export const PACKED_EVENTS_TAG = 'cobrowse-packed';

/** What a packed event carries. */
export interface PackedEvents {
  encoding: 'deflate-raw';
  /** The events' JSON, deflated, in base64. */
  data: string;
  /** The JSON's length in bytes once inflated; more than this is never inflated. */
  size: number;
  /** The page's address when the packed events hold rrweb's Meta event (for the audit trail). */
  href?: string;
}

/** A packed run of events, as it travels in a batch. */
export interface PackedEventsEvent extends RecordedEvent {
  type: 5;
  data: { tag: typeof PACKED_EVENTS_TAG; payload: PackedEvents };
}

/**
 * What an agent does in Write Mode: click, type and navigate. Elements travel as rrweb node ids, which the
 * customer's recorder maps back to its own nodes.
 */
export type AgentAction =
  | { kind: 'click'; nodeId: number }
  | { kind: 'input'; nodeId: number; value: string }
  | { kind: 'navigate'; to: 'back' | 'forward' | 'reload' }
  | { kind: 'open'; url: string };

/**
 * A pointer position that survives different window sizes: the rrweb node under the pointer
 * and the fraction of its box, plus viewport coordinates as a fallback when the node is unknown.
 */
export interface PointerTarget {
  x: number;
  y: number;
  nodeId?: number;
  /** 0..1 across the node's box. */
  rx?: number;
  /** 0..1 down the node's box. */
  ry?: number;
}

/** The agent's annotation tools: a pen whose strokes fade after a few seconds, and a laser trail that fades at once. */
export type AnnotationTool = 'draw' | 'laser';

/**
 * A piece of one annotation stroke, sent once per frame while the agent draws. The stroke is
 * anchored to the element under its start point (like the pointer), and its points are offsets
 * from that point in CSS pixels, so it stays on that element when the customer scrolls.
 */
export interface AnnotationStroke {
  /** The agent's number for the stroke; later pieces of the same stroke carry the same id. */
  id: number;
  tool: AnnotationTool;
  anchor: PointerTarget;
  /** The points since the previous piece, as flat x, y pairs relative to the start point. */
  points: number[];
  /** A pen stroke that stays until cleared instead of fading (a laser trail always fades). */
  pinned?: boolean;
}

/** Guided Mode's signals, agent → customer: scroll the page by a distance, outline the element under a point. */
export type GuidedSignal = { type: 'scroll'; dx: number; dy: number } | { type: 'highlight'; target: PointerTarget };

/** Customer → agent: a batch of recorded events; a large one comes as a single packed event. */
export interface EventBatch {
  seq: number;
  /** Customer clock (ms since epoch) when the batch left, for the latency meter. */
  sentAt: number;
  events: RecordedEvent[];
}

/** Agent → customer signals. */
export type AgentSignal =
  | { type: 'pointer'; target: PointerTarget }
  | { type: 'click'; target: PointerTarget }
  | { type: 'request-snapshot' }
  /** Pointer Mode too: annotations change nothing on the page. */
  | { type: 'annotate'; stroke: AnnotationStroke }
  | { type: 'clear-annotations' }
  /** Guided and Write Mode: scroll the customer's page, outline an element on it. */
  | GuidedSignal
  /** Write Mode only; `target` describes the element for the audit trail (never a value). */
  | { type: 'action'; id: number; action: AgentAction; target?: string };

/** The customer's widget reports what became of an agent action. */
export interface ActionResult {
  id: number;
  ok: boolean;
  /** Why the widget refused, in words for the agent. */
  reason?: string;
  /** Refused because the element is masked: only the customer may fill it in or use it. */
  masked?: true;
}

/** Lifecycle moments both sides are told about. */
/** A `session` stream message's event: the first message of a subscription (`state`), or a named session event. */
export type SessionEventKind = 'state' | StreamEventName;

/** Everything the server pushes on a `sessionStream` subscription. */
export type StreamMessage =
  /** To both sides: the session's state changed (the first message of every subscription). */
  | {
      type: 'session';
      event: SessionEventKind;
      session: SessionState;
      by?: ActorKind;
      byName?: string;
      /**
       * On the agent's side of a hand-over or take-over: the user who holds the session now, so
       * the agent who held it before knows their view has ended.
       */
      agentId?: string;
    }
  /** To both sides, once per subscription: the site's rules for this session. */
  | { type: 'rules'; rules: SessionRules }
  /** To the customer: an agent action to apply (Write Mode). */
  | { type: 'action'; id: number; action: AgentAction }
  /** To the agent: what the customer's widget did with an action. */
  | ({ type: 'action-result' } & ActionResult)
  /** To the agent: recorded events from the customer's page. */
  | { type: 'events'; batch: EventBatch }
  /** To the customer: where the agent's pointer is, and where the agent clicked. */
  | { type: 'pointer'; target: PointerTarget }
  | { type: 'click'; target: PointerTarget }
  /** To the customer: a piece of the agent's annotation stroke, and the agent's "Clear". */
  | { type: 'annotate'; stroke: AnnotationStroke }
  | { type: 'clear-annotations' }
  /** To the customer (Guided or Write Mode): scroll the page, outline an element. */
  | GuidedSignal
  /** To the customer: send a fresh full snapshot (an agent joined or resynced). */
  | { type: 'snapshot-request' };

/**
 * The masking preview, where an admin sees a page as an agent would: an admin page of the co-browse server frames a page of the site; the
 * widget there says it is ready, gets the rules, and posts back what it would send to an agent.
 * Window messages only — no session, nothing leaves the admin's browser.
 */
export type PreviewMessage =
  | { type: 'cobrowse-preview-ready' }
  | { type: 'cobrowse-preview-rules'; rules: SessionRules }
  | { type: 'cobrowse-preview-events'; batch: EventBatch };

/**
 * The rrweb custom event carrying what a trusted frame of another site recorded of itself:
 * `{ frame, events }`, `frame` the rrweb id of the `<iframe>` in the customer's page and `events`
 * the frame's own rrweb events, ids as the frame numbered them (the agent's view moves them into
 * ids of their own and attaches the frame's page to the iframe).
 */
export const FRAME_EVENTS_TAG = 'cobrowse-frame-events';

/** What a frame-events event carries. */
export interface FrameEvents {
  frame: number;
  events: RecordedEvent[];
}

/**
 * Window messages between the customer's page and a frame of another site that runs the widget
 * as a child (`Cobrowse.init({ frame: true })`). The child says it is ready (to the parent origins
 * the server names for it, nothing else), is asked to record while the parent's session is being
 * watched, posts its batches (recorded and masked in its own browser context), and stops when told.
 * Each side checks the other's origin and window before it listens.
 */
export type FrameMessage =
  | { type: 'cobrowse-frame-ready' }
  | { type: 'cobrowse-frame-record' }
  | { type: 'cobrowse-frame-stop' }
  | { type: 'cobrowse-frame-events'; batch: EventBatch };

/**
 * Where a child frame's widget asks the server, with its page's origin, which parent origins it
 * may post to and under which masking rules it records (an answer of the site's settings).
 */
export const FRAME_RULES_PATH = '/api/frame-rules';

/** The server's answer at `FRAME_RULES_PATH`: no parent origins when the frame's site is not trusted. */
export interface FrameRules {
  parentOrigins: string[];
  rules: SessionRules | null;
}
