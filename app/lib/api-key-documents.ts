import { graphql } from '../../graphql/generated/client';
import type { ApiKeyFieldsFragment, ApiKeyScope } from '../../graphql/generated/client/graphql';

/** The admin API keys page's GraphQL operations. */
graphql(`
  fragment ApiKeyFields on ApiKey {
    id
    name
    prefix
    createdAt
    lastUsedAt
    revokedAt
    scopes
    expiresAt
    requestsPerMinute
  }
`);

export const API_KEYS = graphql(`
  query ApiKeys($first: Int, $after: ID) {
    apiKeys(first: $first, after: $after) {
      ...ApiKeyFields
    }
  }
`);

export const CREATE_API_KEY = graphql(`
  mutation CreateApiKey($name: String!, $scopes: [ApiKeyScope!], $expiresAt: DateTime, $requestsPerMinute: Int) {
    createApiKey(name: $name, scopes: $scopes, expiresAt: $expiresAt, requestsPerMinute: $requestsPerMinute) {
      key
      apiKey {
        ...ApiKeyFields
      }
    }
  }
`);

export const REVOKE_API_KEY = graphql(`
  mutation RevokeApiKey($id: ID!) {
    revokeApiKey(id: $id) {
      ...ApiKeyFields
    }
  }
`);

export type ApiKey = ApiKeyFieldsFragment;

/** Keys per page of the admin list; a full page shows "Load more". */
export const API_KEYS_PAGE = 50;
export type { ApiKeyScope };

/** The scopes an admin can give a key, in the order the form lists them, with what each opens. */
export const API_KEY_SCOPE_CHOICES: { scope: ApiKeyScope; label: string }[] = [
  { scope: 'SESSIONS_READ', label: 'Sessions: history, stats, recordings, live lifecycle' },
  { scope: 'AUDIT_READ', label: 'Audit trails and their verification' },
  { scope: 'CHATS_READ', label: 'Chats and their messages' },
];
