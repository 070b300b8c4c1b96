/**
 * The widget's public API: what `window.Cobrowse` (and the ESM build's `Cobrowse` export) offers.
 * dist/widget.d.mts is generated from this file (widget/build-types.ts).
 */
import type { ActorKind, SessionMode, SessionState } from '../protocol/messages.ts';
import type { CustomerMetadata } from '../protocol/customer-metadata.ts';

/** The session the customer started, as `start()` resolves and `started` reports it. */
export interface StartedSession {
  sessionId: string;
  /** The nine digits the customer reads to the agent. */
  code: string;
}

/** How a notice looks: information, or something that went wrong. */
export type NoticeKind = 'info' | 'error';

/** The events `Cobrowse.on` reports, with what each handler receives. */
export interface CobrowseEventMap {
  /** A session started on this page (not when one resumes after a page load: `state` says so). */
  started: StartedSession;
  /** An agent joined. */
  'agent-joined': { agentName: string | null };
  /** The session ended, by whom (CUSTOMER when this page exited). */
  ended: { endedBy: ActorKind | null };
  /** A notice for the customer (shown by the built-in UI unless `ui: false`). */
  notice: { message: string; kind: NoticeKind };
  /** The socket to the server went down or came back. */
  connection: { connected: boolean };
  /** The session's state as the server last told it (its `code` too, also after a page load). */
  state: SessionState;
  /** Write or Guided Mode went on (the customer approved) or off (either side went back to Pointer Mode). */
  mode: { mode: SessionMode; by: ActorKind | null };
  /** A supervisor started (`watching: true`) or stopped watching the session read-only. */
  supervisor: { watching: boolean; name: string | null };
  /** Something failed, with the message the customer was shown (and the server's code, if any). */
  error: { message: string; code: string | null };
}

/** An agent's Write Mode request, as `onWriteRequest` receives it. */
export interface WriteRequest {
  requestId: string;
  agentName: string | null;
  /** When the request expires (ISO time); an answer later than that counts as a decline. */
  expiresAt: string;
}

/**
 * Every text the widget shows. `{agent}`, `{name}` and `{ms}` are replaced by the agent's name,
 * the supervisor's name and a round-trip time.
 */
/**
 * The chat window's texts. English is built into the chat window (/widget-chat.js); a language
 * chunk or the site's overrides may give any of them.
 */
export interface ChatTexts {
  chatTitle: string;
  chatMinimise: string;
  /** The message list's accessible name. */
  chatMessages: string;
  /** The message field's accessible name. */
  chatMessage: string;
  chatSend: string;
  chatEnd: string;
  chatPlaceholder: string;
  /** The field's placeholder once a chat has ended. */
  chatPlaceholderNew: string;
  chatWelcome: string;
  chatWaiting: string;
  /** The status beside the title, with `{agent}`. */
  chatWith: string;
  /** `{agent}` when the agent has no name. */
  chatAnAgent: string;
  chatEnded: string;
  /** With `{agent}`. */
  chatJoined: string;
  chatEndedByYou: string;
  chatEndedByAgent: string;
  chatUnavailable: string;
  /** The unread count's accessible name, with `{count}`. */
  chatUnread: string;
}

export interface WidgetTexts extends Partial<ChatTexts> {
  start: string;
  starting: string;
  /** The card's title. */
  title: string;
  readId: string;
  exit: string;
  approve: string;
  decline: string;
  /** The Write Mode question's accessible name. */
  writeRequest: string;
  /** The Write Mode question, with `{agent}`. */
  writeAsk: string;
  /** `{agent}` when the agent has no name. */
  theAgent: string;
  /** `{agent}` in a joined notice when the agent has no name. */
  anAgent: string;
  /** The card's line while Write Mode is on. */
  writeOn: string;
  pointerMode: string;
  agentConnected: string;
  paused: string;
  waiting: string;
  connecting: string;
  reconnecting: string;
  started: string;
  /** With `{agent}`. */
  agentJoined: string;
  /** With `{agent}`: another agent (or a supervisor) took the session over. */
  tookOver: string;
  agentLeft: string;
  endedByAgent: string;
  endedByYou: string;
  ended: string;
  writeApproved: string;
  writeDeclined: string;
  writeExpired: string;
  /** With `{name}`. */
  supervisorJoined: string;
  supervisorLeft: string;
  pointerByAgent: string;
  pointerByYou: string;
  reconnected: string;
  connectionLost: string;
  /** The label on the agent's pointer. */
  agentPointer: string;
  /** With `{ms}`. */
  rtt: string;
  /** The button that opens the chat window. */
  chatOpen: string;
  /**
   * Shown when the customer focuses a masked field while an agent is in the session. Optional:
   * its English lives in the chunk that shows it, so the widget core does not carry it.
   */
  maskedFieldCue?: string;
  /**
   * Guided Mode's texts (the consent prompt with `{agent}`, the indicator, its notices). Optional,
   * like the cue's: their English lives in Guided Mode's chunk (/widget-guided.js).
   */
  guided?: string;
  guidedRequest?: string;
  guidedAsk?: string;
  guidedOn?: string;
  guidedStop?: string;
  guidedApproved?: string;
  guidedDeclined?: string;
  guidedExpired?: string;
  guidedEndedByAgent?: string;
  guidedEndedByYou?: string;
  /** An agent's request to co-browse (`inviteAsk` with `{agent}`); their English lives in /widget-invite.js. */
  inviteTitle?: string;
  inviteAsk?: string;
  inviteAccept?: string;
  inviteDecline?: string;
}

/** What `Cobrowse.init` takes; every field is optional. */
export interface InitOptions {
  /** The co-browse server's origin; by default where the script was loaded from. */
  server?: string;
  /** false: no built-in button, card or notices, for sites that draw their own (default true). */
  ui?: boolean;
  /**
   * true: this page is another site's frame inside the customer's page (a payment or booking
   * form) and runs the widget only to be mirrored with that page: it draws nothing, asks the
   * server which parent sites it may post to (the admin's trusted frames), and records itself
   * while the parent's session is watched by an agent, masked here, in its own browser context.
   */
  frame?: boolean;
  /** A built-in language (`en`, `de`); by default the page's `<html lang>`, then the browser's. */
  language?: string;
  /** Overrides of any text, on top of the language's. */
  texts?: Partial<WidgetTexts>;
  /**
   * Asks the site whether to approve an agent's Write Mode request, instead of the built-in
   * question. true approves; false, an error or no answer before the request expires declines.
   */
  onWriteRequest?: (request: WriteRequest) => boolean | Promise<boolean>;
  /** Who the customer is (see `start`). */
  metadata?: CustomerMetadata;
  /**
   * false: the socket runs on the page's main thread, never in a `blob:` worker, for sites whose
   * Content-Security-Policy has no `worker-src blob:` (default true; a refused worker is reported).
   */
  worker?: boolean;
  /**
   * true: while no session runs and `metadata` carries a signed `identityToken`, agents may ask this
   * customer to co-browse (the site's admin turns requests on too). The page keeps a light socket
   * that sends only the token; the prompt loads from /widget-invite.js. Default false.
   */
  invitations?: boolean;
}

/** The one global the widget exposes: `window.Cobrowse`. */
export interface CobrowseApi {
  /**
   * Sets the widget up before it draws; call it first (the snippet queues it), once. Without
   * it the widget draws with the defaults when it has loaded.
   */
  init(options?: InitOptions): Promise<void>;
  /**
   * Starts a session (or returns the running one) and shows its ID; rejects with the server's
   * message. `metadata` tells the agent who the customer is — it is sent as given, not masked.
   */
  start(options?: {
    metadata?: CustomerMetadata;
    /** The agent's request to co-browse the customer accepted (set by the widget's own prompt). */
    invitationId?: string;
  }): Promise<StartedSession>;
  /** Ends the running session, if any. */
  exit(): Promise<void>;
  /** Takes Write Mode back: the agent can only point again. */
  pointerMode(): Promise<void>;
  /** Listens to a widget event; returns a function that stops listening. */
  on<E extends keyof CobrowseEventMap>(event: E, handler: (detail: CobrowseEventMap[E]) => void): () => void;
}
