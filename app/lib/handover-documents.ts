import { graphql } from '../../graphql/generated/client';

graphql(`
  fragment HandoverOfferFields on HandoverOffer {
    id
    sessionId
    sessionCode
    fromAgentName
    toAgentName
    expiresAt
  }
`);

export const HANDOVER_ENABLED = graphql(`
  query HandoverEnabled {
    handoverEnabled
  }
`);

export const HANDOVER_CANDIDATES = graphql(`
  query HandoverCandidates($sessionId: ID!) {
    handoverCandidates(sessionId: $sessionId) {
      id
      name
      email
      unavailableReason
    }
  }
`);

export const OFFER_HANDOVER = graphql(`
  mutation OfferHandover($sessionId: ID!, $toAgentId: ID, $toEmail: String) {
    offerHandover(sessionId: $sessionId, toAgentId: $toAgentId, toEmail: $toEmail) {
      ...HandoverOfferFields
    }
  }
`);

export const HANDOVER_OFFERS = graphql(`
  subscription HandoverOffers {
    handoverOffers {
      open
      offer {
        ...HandoverOfferFields
      }
    }
  }
`);

export const ACCEPT_HANDOVER = graphql(`
  mutation AcceptHandover($offerId: ID!) {
    acceptHandover(offerId: $offerId) {
      ...SessionSummaryFields
    }
  }
`);

export const DECLINE_HANDOVER = graphql(`
  mutation DeclineHandover($offerId: ID!) {
    declineHandover(offerId: $offerId)
  }
`);

export const TAKE_OVER_SESSION = graphql(`
  mutation TakeOverSession($sessionId: ID!) {
    takeOverSession(sessionId: $sessionId) {
      ...SessionSummaryFields
    }
  }
`);
