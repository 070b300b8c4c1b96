import { randomUUID } from 'node:crypto';
import type { TransactionClient } from '../core/db/index.ts';
import type { WebhookEvent } from './webhook-events.ts';

/** The body every endpoint receives for an event, byte for byte on every attempt. */
export interface WebhookPayload {
  id: string;
  type: string;
  createdAt: string;
  data: Record<string, unknown>;
}

/**
 * Queues an event for every enabled endpoint subscribed to it. Call inside the transaction that
 * records what the event announces, so a delivery exists exactly when its audit row (or chat) does;
 * the worker sends it once that transaction has committed.
 */
export async function enqueueWebhookEvent(tx: TransactionClient, event: WebhookEvent): Promise<number> {
  const endpoints = await tx.webhookEndpoint.findMany({ where: { enabled: true, deletedAt: null }, select: { id: true, events: true } });
  const subscribed = endpoints.filter((endpoint) => (JSON.parse(endpoint.events) as string[]).includes(event.type));
  if (subscribed.length === 0) return 0;
  const payload = webhookPayload(event);
  await tx.webhookDelivery.createMany({ data: subscribed.map((endpoint) => deliveryRow(endpoint.id, payload)) });
  return subscribed.length;
}

/** An event with the id every endpoint receives it under, and its time. */
export const webhookPayload = (event: WebhookEvent): WebhookPayload => ({
  id: `evt_${randomUUID()}`,
  type: event.type,
  createdAt: new Date().toISOString(),
  data: event.data,
});

/** The row that sends one payload to one endpoint. */
export const deliveryRow = (endpointId: string, payload: WebhookPayload) => ({
  endpointId,
  eventId: payload.id,
  eventType: payload.type,
  payload: JSON.stringify(payload),
});
