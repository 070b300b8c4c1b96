import { SESSION_EVENTS, WEBHOOK_EVENT_NAMES, webhookEventName, type WebhookEventType } from '../../protocol/session-events.ts';
import type { AuditEventInput, AuditEventType } from '../audit/audit-event-types.ts';

/** Every event an endpoint can subscribe to, as named in payloads (`type`) and in the API. */
export const WEBHOOK_EVENTS: readonly WebhookEventType[] = WEBHOOK_EVENT_NAMES.map(webhookEventName);

export type { WebhookEventType };

/** Sent only by an admin's test ping, whatever the endpoint subscribed to. */
export const PING_EVENT = 'webhook.ping';

/** The webhook event an audit row announces, if webhooks announce it. */
export const webhookEventOfAudit = (type: AuditEventType): WebhookEventType | undefined =>
  SESSION_EVENTS[type].webhook ? (webhookEventName(type) as WebhookEventType) : undefined;

export const isWebhookEvent = (value: string): value is WebhookEventType => (WEBHOOK_EVENTS as readonly string[]).includes(value);

/** What an event says: the payload's `type` and `data`; the id and time are added when it is queued. */
export interface WebhookEvent {
  type: WebhookEventType | typeof PING_EVENT;
  data: Record<string, unknown>;
}

/** A session's audit event as a webhook event: the session, the audit row's place and actor, and the row's data. */
export function sessionWebhookEvent(
  type: WebhookEventType,
  sessionId: string,
  row: { sequence: number; actorKind: string; actorId: string | null },
  event: AuditEventInput,
): WebhookEvent {
  return {
    type,
    data: { sessionId, auditSequence: row.sequence, actor: { kind: row.actorKind, id: row.actorId }, ...event.data },
  };
}
