import { gql } from '@urql/core';
import type { SessionSummary } from './documents';

/** The supervisor page's GraphQL operations (B3, B5): history, audit timeline, stats. */
const HISTORY_SESSION_FIELDS = `
  id
  code
  status
  customer { name email accountId }
  mode
  url
  createdAt
  joinedAt
  endedAt
  endedBy
  endReason
  agent {
    id
    name
  }
`;

const PAGE_INFO = `
  pageInfo {
    hasNextPage
    endCursor
  }
  totalCount
`;

export const SESSION_HISTORY_PAGE = gql`
  query SessionHistoryPage($filter: SessionFilter, $first: Int, $after: String) {
    sessionHistory(filter: $filter, first: $first, after: $after) {
      nodes { ${HISTORY_SESSION_FIELDS} }
      ${PAGE_INFO}
    }
  }
`;

export const AUDIT_TIMELINE = gql`
  query AuditTimeline($sessionId: ID!, $after: String) {
    session(id: $sessionId) { ${HISTORY_SESSION_FIELDS} }
    auditEvents(sessionId: $sessionId, first: 200, after: $after) {
      nodes {
        sequence
        at
        actorKind
        type
        data
      }
      ${PAGE_INFO}
    }
    verifyAudit(sessionId: $sessionId) {
      intact
      events
      brokenAt
    }
  }
`;

export const SESSION_STATS = gql`
  query SessionStats($from: DateTime, $to: DateTime, $timeZone: String, $agentId: ID) {
    sessionStats(from: $from, to: $to, timeZone: $timeZone, agentId: $agentId) {
      totalSessions
      sessionsPerDay {
        day
        sessions
      }
      endedSessions
      averageDurationSeconds
      writeModeRequested
      writeModeApproved
      writeModeDeclined
      writeModeExpired
      writeModeApprovalRate
    }
  }
`;

export const AGENTS = gql`
  query Agents {
    agents {
      id
      name
    }
  }
`;

/** The lifecycle stream; each value is a protocol StreamMessage of type `session`. */
export const SESSION_LIFECYCLE = 'subscription SessionLifecycle { sessionLifecycle }';

export type ActorKind = 'CUSTOMER' | 'AGENT' | 'SUPERVISOR' | 'ADMIN' | 'SYSTEM';

export interface HistorySession {
  id: string;
  code: string;
  status: SessionSummary['status'];
  mode: SessionSummary['mode'];
  url: string;
  createdAt: string;
  joinedAt: string | null;
  endedAt: string | null;
  endedBy: ActorKind | null;
  endReason: string | null;
  agent: { id: string; name: string } | null;
  /** Who the customer is, as their site said (issue 9). */
  customer: { name: string | null; email: string | null; accountId: string | null } | null;
}

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface SessionHistoryPage {
  sessionHistory: { nodes: HistorySession[]; pageInfo: PageInfo; totalCount: number };
}

export interface TimelineEvent {
  sequence: number;
  at: string;
  actorKind: ActorKind;
  type: string;
  data: Record<string, unknown>;
}

export interface AuditTimelineResult {
  session: HistorySession | null;
  auditEvents: { nodes: TimelineEvent[]; pageInfo: PageInfo; totalCount: number };
  verifyAudit: { intact: boolean; events: number; brokenAt: number | null };
}

export interface SessionStats {
  totalSessions: number;
  sessionsPerDay: { day: string; sessions: number }[];
  endedSessions: number;
  averageDurationSeconds: number | null;
  writeModeRequested: number;
  writeModeApproved: number;
  writeModeDeclined: number;
  writeModeExpired: number;
  writeModeApprovalRate: number | null;
}

export interface AgentOption {
  id: string;
  name: string;
}
