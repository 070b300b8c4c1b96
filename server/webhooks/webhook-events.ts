import type { AuditEventInput, AuditEventType } from '../audit/audit-event-types.ts';

/** Every event an endpoint can subscribe to, as named in payloads (`type`) and in the API. */
export const WEBHOOK_EVENTS = [
  'session.started',
  'session.agent_joined',
  'session.write_requested',
  'session.write_approved',
  'session.write_declined',
  'session.write_expired',
  'session.pointer_mode',
  'session.ended',
  'chat.started',
  'chat.ended',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

/** Sent only by an admin's test ping, whatever the endpoint subscribed to. */
export const PING_EVENT = 'webhook.ping';

/** The audit events that are announced, and as what. */
const FROM_AUDIT: Partial<Record<AuditEventType, WebhookEventType>> = {
  SESSION_STARTED: 'session.started',
  AGENT_JOINED: 'session.agent_joined',
  WRITE_REQUESTED: 'session.write_requested',
  WRITE_APPROVED: 'session.write_approved',
  WRITE_DECLINED: 'session.write_declined',
  WRITE_EXPIRED: 'session.write_expired',
  POINTER_MODE: 'session.pointer_mode',
  SESSION_ENDED: 'session.ended',
};

export const webhookEventOfAudit = (type: AuditEventType): WebhookEventType | undefined => FROM_AUDIT[type];

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
