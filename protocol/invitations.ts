/**
 * Agent-initiated co-browse: an agent asks a customer who is on the site now, named by the identity
 * the site's backend signed, and the customer's widget asks them. Shared by the widget, the server
 * and the agent page.
 */

/** How long a customer has to answer before the request expires and the agent is told "no answer". */
export const INVITATION_TTL_MS = 60_000;

/** The longest e-mail address or account id an agent may look a customer up by. */
export const MAX_INVITATION_IDENTITY_LENGTH = 254;

/** Requests one agent may send per minute, whoever they are for. */
export const INVITATIONS_PER_AGENT_PER_MINUTE = 10;

/** Requests one customer may receive per ten minutes, from all agents together. */
export const INVITATIONS_PER_CUSTOMER_PER_10_MINUTES = 3;

/** What becomes of a request: each ends in exactly one of the last three. */
export type InvitationStatus = 'PENDING' | 'ACCEPTED' | 'DECLINED' | 'EXPIRED';

/**
 * What a reachable customer's widget hears: a request to show (`open`), or that one was settled —
 * answered in another tab, or expired — so every tab drops its prompt.
 */
export interface InvitationPrompt {
  invitationId: string;
  open: boolean;
  /** The asking agent's display name. */
  agentName: string;
  /** ISO time the request lapses unanswered. */
  expiresAt: string;
}
