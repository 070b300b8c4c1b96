import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  endpointEvents,
  listWebhookDeliveries,
  listWebhookEndpoints,
  pingWebhookEndpoint,
  updateWebhookEndpoint,
  type EndpointRules,
  type WebhookDeliveryRow,
  type WebhookEndpointRow,
} from '../../../server/webhooks/webhook-endpoints.ts';
import { requireUser } from '../../authorize.ts';
import { idPage } from '../../pagination.ts';
import type { GraphQLContext } from '../../context.ts';
import type { Resolvers, WebhookEvent } from '../../generated/resolvers-types.ts';
import { apiEventName, webhookTypeOfApiName } from '../../../protocol/session-events.ts';

const MAX_DELIVERIES_PAGE = 200;

/** SESSION_AGENT_JOINED ⇄ session.agent_joined: the API's enum and the payload's type name. */
const toEnum = (name: string) => apiEventName(name) as WebhookEvent;
const fromEnum = (value: WebhookEvent) => webhookTypeOfApiName(value);

const endpointView = (row: WebhookEndpointRow) => ({
  id: row.id,
  url: row.url,
  events: endpointEvents(row).map(toEnum),
  enabled: row.enabled,
  secretPrefix: row.secretPrefix,
  createdAt: row.createdAt,
});

const deliveryView = (row: WebhookDeliveryRow) => ({
  ...row,
  event: row.eventType,
  nextAttemptAt: row.status === 'PENDING' ? row.nextAttemptAt : null,
});

const rulesOf = (ctx: GraphQLContext): EndpointRules => ({
  policy: { allowPrivateTargets: ctx.config.webhookAllowPrivateTargets, allowedPrivateHosts: ctx.config.webhookAllowedPrivateHosts },
  maxEndpoints: ctx.config.webhookMaxEndpoints,
});

export const webhooksResolvers: Resolvers = {
  Query: {
    async webhookEndpoints(_parent, _args, ctx) {
      requireUser(ctx, 'ADMIN');
      return (await listWebhookEndpoints(ctx.db)).map(endpointView);
    },
    async webhookDeliveries(_parent, { endpointId, first, after }, ctx) {
      requireUser(ctx, 'ADMIN');
      return (await listWebhookDeliveries(ctx.db, endpointId, idPage({ first, after }, 50, MAX_DELIVERIES_PAGE))).map(deliveryView);
    },
  },
  Mutation: {
    async createWebhookEndpoint(_parent, { input }, ctx) {
      const admin = requireUser(ctx, 'ADMIN');
      const { secret, row } = await createWebhookEndpoint(ctx.db, rulesOf(ctx), { ...input, events: input.events.map(fromEnum) }, admin.id);
      ctx.log(`Admin ${admin.email} registered webhook endpoint ${row.id} (${row.url}) for ${row.events}`);
      return { secret, endpoint: endpointView(row) };
    },
    async updateWebhookEndpoint(_parent, { id, enabled, events }, ctx) {
      const admin = requireUser(ctx, 'ADMIN');
      const row = await updateWebhookEndpoint(ctx.db, id, { enabled, events: events?.map(fromEnum) });
      ctx.log(`Admin ${admin.email} changed webhook endpoint ${row.id}: enabled ${row.enabled}, events ${row.events}`);
      return endpointView(row);
    },
    async deleteWebhookEndpoint(_parent, { id }, ctx) {
      const admin = requireUser(ctx, 'ADMIN');
      const row = await deleteWebhookEndpoint(ctx.db, id, admin.id);
      ctx.log(`Admin ${admin.email} deleted webhook endpoint ${row.id} (${row.url})`);
      return endpointView(row);
    },
    async pingWebhookEndpoint(_parent, { id }, ctx) {
      requireUser(ctx, 'ADMIN');
      const delivery = await pingWebhookEndpoint(ctx.db, id);
      ctx.webhooks.nudge();
      return deliveryView(delivery);
    },
  },
};
