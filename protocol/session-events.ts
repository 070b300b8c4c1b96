/**
 * The one vocabulary of what happens to a session or a chat. Each event is named here once, by its
 * canonical name — the name of its audit row — and every other spelling is derived from it:
 *
 * | channel                       | spelling               | derived by            |
 * | ----------------------------- | ---------------------- | --------------------- |
 * | audit rows                    | `AGENT_JOINED`         | the name itself       |
 * | the live stream (`event`)     | `agent-joined`         | {@link streamEventName}  |
 * | webhook payloads (`type`)     | `session.agent_joined` | {@link webhookEventName} |
 * | the API's `WebhookEvent` enum | `SESSION_AGENT_JOINED` | {@link apiEventName}     |
 *
 * A leading `SESSION_` is dropped on the stream (`SESSION_ENDED` → `ended`) and stands for the
 * `session.` group of webhooks.
 */

interface EventSpec {
  /** How people read it: the admin's webhook form, the supervisor's timeline. */
  label: string;
  /** Written to the session's audit trail. */
  audited: boolean;
  /** Sent to webhook endpoints that subscribe to it. */
  webhook: boolean;
}

export const SESSION_EVENTS = {
  SESSION_STARTED: { label: 'Session started', audited: true, webhook: true },
  AGENT_JOINED: { label: 'Agent joined', audited: true, webhook: true },
  AGENT_LEFT: { label: 'Agent left', audited: true, webhook: false },
  /** Presence only: the customer's page has, or no longer has, a live connection. */
  CUSTOMER_CONNECTED: { label: 'Customer connected', audited: false, webhook: false },
  CUSTOMER_DISCONNECTED: { label: 'Customer disconnected', audited: false, webhook: false },
  WRITE_REQUESTED: { label: 'Write Mode requested', audited: true, webhook: true },
  WRITE_APPROVED: { label: 'Write Mode approved', audited: true, webhook: true },
  WRITE_DECLINED: { label: 'Write Mode declined', audited: true, webhook: true },
  WRITE_EXPIRED: { label: 'Write Mode request expired', audited: true, webhook: true },
  POINTER_MODE: { label: 'Back to pointer mode', audited: true, webhook: true },
  /** Guided Mode: the agent may scroll the customer's page and outline elements, never click, type or navigate. */
  GUIDED_REQUESTED: { label: 'Guided Mode requested', audited: true, webhook: true },
  GUIDED_APPROVED: { label: 'Guided Mode approved', audited: true, webhook: true },
  GUIDED_DECLINED: { label: 'Guided Mode declined', audited: true, webhook: true },
  GUIDED_EXPIRED: { label: 'Guided Mode request expired', audited: true, webhook: true },
  /** Either side ended Guided Mode (or dropped its pending request): back to Pointer Mode. */
  GUIDED_ENDED: { label: 'Guided Mode ended', audited: true, webhook: true },
  /** The customer is on a page hidden from agents; nothing of it is shown until they leave it. */
  SESSION_PAUSED: { label: 'Session paused', audited: true, webhook: true },
  SESSION_RESUMED: { label: 'Session resumed', audited: true, webhook: true },
  /** A supervisor started or stopped watching, read-only; both sides are told. */
  SUPERVISOR_JOINED: { label: 'Supervisor joined', audited: true, webhook: false },
  SUPERVISOR_LEFT: { label: 'Supervisor left', audited: true, webhook: false },
  /** An agent offered the session to another agent, who may accept or decline until it expires. */
  HANDOVER_OFFERED: { label: 'Hand-over offered', audited: true, webhook: true },
  HANDOVER_DECLINED: { label: 'Hand-over declined', audited: true, webhook: true },
  /** An offer closed unanswered: it expired, or the session ended first. */
  HANDOVER_EXPIRED: { label: 'Hand-over offer expired', audited: true, webhook: true },
  /** The offered agent accepted: the session is theirs, in Pointer Mode, and the first agent's view ends. */
  SESSION_HANDED_OVER: { label: 'Session handed over', audited: true, webhook: true },
  /** A supervisor watching the session made it theirs, in Pointer Mode; the agent's view ends. */
  SUPERVISOR_TOOK_OVER: { label: 'Supervisor took over', audited: true, webhook: true },
  SESSION_ENDED: { label: 'Session ended', audited: true, webhook: true },
  /**
   * An agent asked a customer who is on the site to co-browse. A request has no session until it is
   * accepted, so requests, declines and expiries are kept as the invitation's own row (and its
   * webhooks); an accepted one is also written to the session it started.
   */
  INVITATION_SENT: { label: 'Co-browse request sent', audited: false, webhook: true },
  INVITATION_ACCEPTED: { label: 'Co-browse request accepted', audited: true, webhook: true },
  INVITATION_DECLINED: { label: 'Co-browse request declined', audited: false, webhook: true },
  INVITATION_EXPIRED: { label: 'Co-browse request unanswered', audited: false, webhook: true },
  /** A page the customer's browser showed (origin and path only). */
  PAGE_VISITED: { label: 'Page visited', audited: true, webhook: false },
  /** An agent's click, typing or navigation in Write Mode: kind and target only. */
  AGENT_ACTION: { label: 'Agent action', audited: true, webhook: false },
  /** An agent drew or used the laser on the customer's page: one row per burst of strokes, never per point. */
  AGENT_ANNOTATED: { label: 'Agent annotated', audited: true, webhook: false },
  /** An agent's join by the session's code was refused (taken, ended or expired). */
  JOIN_REFUSED: { label: 'Join refused', audited: true, webhook: false },
  /** The session reached its audit cap: later high-volume events are not stored. */
  AUDIT_CAPPED: { label: 'Audit trail full', audited: true, webhook: false },
  /** The recording reached its byte cap or a storage quota and stopped; the live stream went on. */
  RECORDING_CAPPED: { label: 'Recording stopped at its cap', audited: true, webhook: false },
  /** The session reached its page-visit cap: later page visits are not audited. */
  PAGE_VISITS_CAPPED: { label: 'Page visits no longer audited', audited: true, webhook: false },
} as const satisfies Record<string, EventSpec>;

export const CHAT_EVENTS = {
  CHAT_STARTED: { label: 'Chat started', audited: false, webhook: true },
  CHAT_ENDED: { label: 'Chat ended', audited: false, webhook: true },
} as const satisfies Record<string, EventSpec>;

export type SessionEventName = keyof typeof SESSION_EVENTS;

/** The session events written to the audit trail. */
export type AuditedEventName = {
  [N in SessionEventName]: (typeof SESSION_EVENTS)[N] extends { audited: true } ? N : never;
}[SessionEventName];
export type ChatEventName = keyof typeof CHAT_EVENTS;
export type EventName = SessionEventName | ChatEventName;

type Kebab<S extends string> = S extends `${infer A}_${infer B}` ? `${Lowercase<A>}-${Kebab<B>}` : Lowercase<S>;
type Unprefixed<N extends string> = N extends `SESSION_${infer Rest}` ? Rest : N;

/** A session event as the live stream names it, e.g. `write-requested`. */
export type StreamEventName<N extends SessionEventName = SessionEventName> = Kebab<Unprefixed<N>>;

export const streamEventName = <N extends SessionEventName>(name: N): StreamEventName<N> =>
  name
    .replace(/^SESSION_/, '')
    .toLowerCase()
    .replaceAll('_', '-') as StreamEventName<N>;

type WebhookEventOf<N extends EventName> = N extends `CHAT_${infer Rest}`
  ? `chat.${Lowercase<Rest>}`
  : `session.${Lowercase<Unprefixed<N>>}`;

type WebhookEventNames = {
  [N in EventName]: (N extends SessionEventName ? (typeof SESSION_EVENTS)[N] : (typeof CHAT_EVENTS)[N & ChatEventName]) extends {
    webhook: true;
  }
    ? N
    : never;
}[EventName];

/** The events webhooks announce, by canonical name. */
export type WebhookEventName = WebhookEventNames;

/** A webhook payload's `type`, e.g. `session.write_requested`. */
export type WebhookEventType = WebhookEventOf<WebhookEventName>;

export const webhookEventName = <N extends EventName>(name: N): WebhookEventOf<N> =>
  (name.startsWith('CHAT_')
    ? `chat.${name.slice(5).toLowerCase()}`
    : `session.${name.replace(/^SESSION_/, '').toLowerCase()}`) as WebhookEventOf<N>;

/** The API's spelling of a webhook event type: `session.write_requested` → `SESSION_WRITE_REQUESTED`. */
export const apiEventName = (type: string): string => type.replace('.', '_').toUpperCase();

/** The webhook event type behind an API enum value: `SESSION_WRITE_REQUESTED` → `session.write_requested`. */
export const webhookTypeOfApiName = (value: string): string => value.toLowerCase().replace('_', '.');

const ALL_EVENTS: Record<EventName, EventSpec> = { ...SESSION_EVENTS, ...CHAT_EVENTS };

/** Every event webhooks can announce, sessions' first, in the vocabulary's order. */
export const WEBHOOK_EVENT_NAMES = (Object.keys(ALL_EVENTS) as EventName[]).filter(
  (name): name is WebhookEventName => ALL_EVENTS[name].webhook,
);

export const eventLabel = (name: EventName): string => ALL_EVENTS[name].label;

export const isSessionEventName = (value: string): value is SessionEventName => Object.hasOwn(SESSION_EVENTS, value);
