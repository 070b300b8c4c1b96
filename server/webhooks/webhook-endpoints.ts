import { AppError, badInput, ErrorCode, notFound } from '../core/errors.ts';
import type { PrismaClient } from '../core/db/index.ts';
import { deliveryRow, webhookPayload } from './enqueue-webhook-event.ts';
import { newWebhookSecret, SHOWN_SECRET_CHARACTERS } from './sign-webhook.ts';
import { resolveTarget, TargetRefused, type TargetPolicy } from './target-address.ts';
import { isWebhookEvent, PING_EVENT, type WebhookEventType } from './webhook-events.ts';
import { webhookUrlProblem } from './webhook-url.ts';

export type WebhookEndpointRow = Awaited<ReturnType<PrismaClient['webhookEndpoint']['findUniqueOrThrow']>>;
export type WebhookDeliveryRow = Awaited<ReturnType<PrismaClient['webhookDelivery']['findUniqueOrThrow']>>;

export interface EndpointRules {
  policy: TargetPolicy;
  maxEndpoints: number;
}

/** The event names an endpoint subscribes to, checked: at least one, each known, no repeats. */
function checkedEvents(events: readonly string[]): WebhookEventType[] {
  const unique = [...new Set(events)];
  if (unique.length === 0) throw badInput('Choose at least one event to send.');
  const unknown = unique.find((event) => !isWebhookEvent(event));
  if (unknown !== undefined) throw badInput(`There is no webhook event “${unknown}”.`);
  return unique as WebhookEventType[];
}

/** Refuses a URL by its form, or by where its host resolves (private targets only when configured). */
async function checkTarget(url: string, policy: TargetPolicy): Promise<string> {
  const trimmed = url.trim();
  const problem = webhookUrlProblem(trimmed);
  if (problem) throw badInput(problem);
  try {
    await resolveTarget(new URL(trimmed).hostname, policy);
  } catch (error) {
    if (error instanceof TargetRefused) throw badInput(error.message);
    throw error;
  }
  return trimmed;
}

export const endpointEvents = (row: Pick<WebhookEndpointRow, 'events'>): WebhookEventType[] => JSON.parse(row.events) as WebhookEventType[];

export const listWebhookEndpoints = (db: PrismaClient) =>
  db.webhookEndpoint.findMany({ where: { deletedAt: null }, orderBy: { createdAt: 'desc' } });

/** A new endpoint, with its signing secret returned this once. */
export async function createWebhookEndpoint(
  db: PrismaClient,
  rules: EndpointRules,
  input: { url: string; events: readonly string[]; enabled?: boolean | null },
  createdById: string,
): Promise<{ secret: string; row: WebhookEndpointRow }> {
  const events = checkedEvents(input.events);
  const url = await checkTarget(input.url, rules.policy);
  if ((await db.webhookEndpoint.count({ where: { deletedAt: null } })) >= rules.maxEndpoints) {
    throw new AppError(
      ErrorCode.LIMIT_REACHED,
      `This site has ${rules.maxEndpoints} webhook endpoints, the most it may have: delete one first.`,
    );
  }
  const secret = newWebhookSecret();
  const row = await db.webhookEndpoint.create({
    data: {
      url,
      events: JSON.stringify(events),
      enabled: input.enabled ?? true,
      secret,
      secretPrefix: secret.slice(0, SHOWN_SECRET_CHARACTERS),
      createdById,
    },
  });
  return { secret, row };
}

async function liveEndpoint(db: PrismaClient, id: string): Promise<WebhookEndpointRow> {
  const row = await db.webhookEndpoint.findUnique({ where: { id } });
  if (!row || row.deletedAt) throw notFound('No such webhook endpoint.');
  return row;
}

/** Turns an endpoint on or off, or changes its events; off, it is sent nothing new. */
export async function updateWebhookEndpoint(
  db: PrismaClient,
  id: string,
  change: { enabled?: boolean | null; events?: readonly string[] | null },
): Promise<WebhookEndpointRow> {
  await liveEndpoint(db, id);
  return db.webhookEndpoint.update({
    where: { id },
    data: {
      ...(change.enabled != null ? { enabled: change.enabled } : {}),
      ...(change.events != null ? { events: JSON.stringify(checkedEvents(change.events)) } : {}),
    },
  });
}

/** Deletes an endpoint: it is kept on record (who, when) but receives nothing more, pending retries included. */
export async function deleteWebhookEndpoint(db: PrismaClient, id: string, deletedById: string): Promise<WebhookEndpointRow> {
  await liveEndpoint(db, id);
  return db.webhookEndpoint.update({ where: { id }, data: { deletedAt: new Date(), deletedById, enabled: false } });
}

/** Queues a `webhook.ping` for one endpoint (enabled or not), so an admin can see it arrive. */
export async function pingWebhookEndpoint(db: PrismaClient, id: string): Promise<WebhookDeliveryRow> {
  const endpoint = await liveEndpoint(db, id);
  const payload = webhookPayload({ type: PING_EVENT, data: { endpointId: endpoint.id, message: 'A test ping from Cobrowse.' } });
  return db.webhookDelivery.create({ data: deliveryRow(endpoint.id, payload) });
}

/** An endpoint's deliveries, newest first. */
export const listWebhookDeliveries = (
  db: PrismaClient,
  endpointId: string,
  page: { take: number; cursor?: { id: string }; skip?: number },
) => db.webhookDelivery.findMany({ where: { endpointId }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], ...page });
