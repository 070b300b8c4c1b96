import { graphql } from '../../graphql/generated/client';
import type {
  AgentsQuery,
  AuditTimelineQuery,
  HistorySessionFieldsFragment,
  SessionStatsQuery,
} from '../../graphql/generated/client/graphql';

export type { ActorKind } from '../../graphql/generated/client/graphql';

/** The supervisor page's GraphQL operations: live sessions, history, audit timeline, stats. */
graphql(`
  fragment HistorySessionFields on Session {
    id
    code
    status
    customer {
      name
      email
      accountId
    }
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
  }
`);

export const SESSION_HISTORY_PAGE = graphql(`
  query SessionHistoryPage($filter: SessionFilter, $first: Int, $after: String) {
    sessionHistory(filter: $filter, first: $first, after: $after) {
      nodes {
        ...HistorySessionFields
      }
      pageInfo {
        hasNextPage
        endCursor
      }
      totalCount
    }
  }
`);

export const AUDIT_TIMELINE = graphql(`
  query AuditTimeline($sessionId: ID!, $after: String) {
    session(id: $sessionId) {
      ...HistorySessionFields
    }
    auditEvents(sessionId: $sessionId, first: 200, after: $after) {
      nodes {
        sequence
        at
        actorKind
        type
        data
      }
      pageInfo {
        hasNextPage
        endCursor
      }
      totalCount
    }
    verifyAudit(sessionId: $sessionId) {
      intact
      events
      brokenAt
    }
  }
`);

export const SESSION_STATS = graphql(`
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
`);

export const AGENTS = graphql(`
  query Agents {
    agents {
      id
      name
    }
  }
`);

/** The lifecycle stream; each value is a protocol StreamMessage of type `session` (a JSON scalar). */
export const SESSION_LIFECYCLE = graphql(`
  subscription SessionLifecycle {
    sessionLifecycle
  }
`);

export type HistorySession = HistorySessionFieldsFragment;

/** An audit event; its `data` (a JSON scalar) is always an object. */
export type TimelineEvent = Omit<AuditTimelineQuery['auditEvents']['nodes'][number], 'data'> & { data: Record<string, unknown> };

export type AuditTimelineResult = Omit<AuditTimelineQuery, 'auditEvents'> & {
  auditEvents: Omit<AuditTimelineQuery['auditEvents'], 'nodes'> & { nodes: TimelineEvent[] };
};

export type SessionStats = SessionStatsQuery['sessionStats'];

export type AgentOption = AgentsQuery['agents'][number];
