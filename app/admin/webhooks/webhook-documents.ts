import { graphql } from '../../../graphql/generated/client';
import type { WebhookDeliveryFieldsFragment, WebhookEndpointFieldsFragment } from '../../../graphql/generated/client/graphql';

/** The admin webhooks page's GraphQL operations. */
graphql(`
  fragment WebhookEndpointFields on WebhookEndpoint {
    id
    url
    events
    enabled
    secretPrefix
    createdAt
  }
`);

graphql(`
  fragment WebhookDeliveryFields on WebhookDelivery {
    id
    event
    status
    attempts
    nextAttemptAt
    lastStatusCode
    lastError
    responseExcerpt
    createdAt
    deliveredAt
  }
`);

export const WEBHOOK_ENDPOINTS = graphql(`
  query WebhookEndpoints {
    webhookEndpoints {
      ...WebhookEndpointFields
    }
  }
`);

export const WEBHOOK_DELIVERIES = graphql(`
  query WebhookDeliveries($endpointId: ID!) {
    webhookDeliveries(endpointId: $endpointId, first: 50) {
      ...WebhookDeliveryFields
    }
  }
`);

export const CREATE_WEBHOOK_ENDPOINT = graphql(`
  mutation CreateWebhookEndpoint($input: CreateWebhookEndpointInput!) {
    createWebhookEndpoint(input: $input) {
      secret
      endpoint {
        ...WebhookEndpointFields
      }
    }
  }
`);

export const UPDATE_WEBHOOK_ENDPOINT = graphql(`
  mutation UpdateWebhookEndpoint($id: ID!, $enabled: Boolean) {
    updateWebhookEndpoint(id: $id, enabled: $enabled) {
      ...WebhookEndpointFields
    }
  }
`);

export const DELETE_WEBHOOK_ENDPOINT = graphql(`
  mutation DeleteWebhookEndpoint($id: ID!) {
    deleteWebhookEndpoint(id: $id) {
      id
    }
  }
`);

export const PING_WEBHOOK_ENDPOINT = graphql(`
  mutation PingWebhookEndpoint($id: ID!) {
    pingWebhookEndpoint(id: $id) {
      ...WebhookDeliveryFields
    }
  }
`);

export type WebhookEndpoint = WebhookEndpointFieldsFragment;
export type WebhookDelivery = WebhookDeliveryFieldsFragment;
