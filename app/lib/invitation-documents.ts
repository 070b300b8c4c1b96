import { graphql } from '../../graphql/generated/client';

graphql(`
  fragment InvitationFields on Invitation {
    id
    status
    site
    customerEmail
    customerAccountId
    expiresAt
    sessionId
  }
`);

export const INVITATIONS_ALLOWED = graphql(`
  query InvitationsAllowed {
    invitationsAllowed
  }
`);

export const REACHABLE_CUSTOMER = graphql(`
  query ReachableCustomer($email: String, $accountId: String) {
    reachableCustomer(email: $email, accountId: $accountId) {
      online
      sites
    }
  }
`);

export const INVITE_CUSTOMER = graphql(`
  mutation InviteCustomer($input: InviteCustomerInput!) {
    inviteCustomer(input: $input) {
      ...InvitationFields
    }
  }
`);

export const INVITATION_UPDATES = graphql(`
  subscription InvitationUpdates($invitationId: ID!) {
    invitationUpdates(invitationId: $invitationId) {
      ...InvitationFields
    }
  }
`);

export const JOIN_INVITED_SESSION = graphql(`
  mutation JoinInvitedSession($sessionId: ID!) {
    joinInvitedSession(sessionId: $sessionId) {
      ...SessionSummaryFields
    }
  }
`);
