import { gql } from '@urql/core';

/** The admin API keys page's GraphQL operations (B9). */
const API_KEY_FIELDS = `
  id
  name
  prefix
  createdAt
  lastUsedAt
  revokedAt
`;

export const API_KEYS = gql`
  query ApiKeys {
    apiKeys { ${API_KEY_FIELDS} }
  }
`;

export const CREATE_API_KEY = gql`
  mutation CreateApiKey($name: String!) {
    createApiKey(name: $name) {
      key
      apiKey { ${API_KEY_FIELDS} }
    }
  }
`;

export const REVOKE_API_KEY = gql`
  mutation RevokeApiKey($id: ID!) {
    revokeApiKey(id: $id) { ${API_KEY_FIELDS} }
  }
`;

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}
