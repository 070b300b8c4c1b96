import { graphql } from '../../graphql/generated/client';

/** The admin's identity secret: when it was made, and making a new one (shown once). */
export const IDENTITY_SECRET_STATUS = graphql(`
  query IdentitySecretStatus {
    siteSettings {
      identitySecretCreatedAt
    }
  }
`);

export const ROTATE_IDENTITY_SECRET = graphql(`
  mutation RotateIdentitySecret {
    rotateIdentitySecret {
      secret
      createdAt
    }
  }
`);

export const REMOVE_IDENTITY_SECRET = graphql(`
  mutation RemoveIdentitySecret {
    removeIdentitySecret {
      identitySecretCreatedAt
    }
  }
`);

/** The agent's ways into a customer's session besides the nine digits. */
export const WAITING_SESSIONS_OF_CUSTOMER = graphql(`
  query WaitingSessionsOfCustomer($email: String, $accountId: String) {
    waitingSessionsOfCustomer(email: $email, accountId: $accountId) {
      sessionId
      url
      startedAt
      customer {
        name
        email
        accountId
        verified
      }
    }
  }
`);

/** Opens the session a chat's customer started; the server named it, so it is no guess. */
export const JOIN_CHAT_SESSION = graphql(`
  mutation JoinChatSession($sessionId: ID!) {
    joinChatSession(sessionId: $sessionId) {
      ...SessionSummaryFields
    }
  }
`);
