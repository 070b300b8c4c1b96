import type { ActorKind } from '../../protocol/index.ts';
import type { AuditedEventName } from '../../protocol/session-events.ts';

/** Every kind of audit event and its data; data never holds masked values. */
export type AuditEventInput =
  | { type: 'SESSION_STARTED'; data: { origin: string; url: string } }
  | { type: 'AGENT_JOINED'; data: { agentId: string; agentName: string } }
  | { type: 'AGENT_LEFT'; data: { agentId: string; reason: string } }
  | { type: 'SESSION_ENDED'; data: { by: ActorKind; reason: string } }
  | { type: 'WRITE_REQUESTED'; data: { requestId: string } }
  | { type: 'WRITE_APPROVED'; data: { requestId: string } }
  | { type: 'WRITE_DECLINED'; data: { requestId: string } }
  | { type: 'WRITE_EXPIRED'; data: { requestId: string } }
  | { type: 'POINTER_MODE'; data: { by: ActorKind } }
  | { type: 'GUIDED_REQUESTED'; data: { requestId: string } }
  | { type: 'GUIDED_APPROVED'; data: { requestId: string } }
  | { type: 'GUIDED_DECLINED'; data: { requestId: string } }
  | { type: 'GUIDED_EXPIRED'; data: { requestId: string } }
  | { type: 'GUIDED_ENDED'; data: { by: ActorKind } }
  /** The customer went to a page hidden from agents (origin and path only), and came back to one they may see. */
  | { type: 'SESSION_PAUSED'; data: { url: string | null } }
  | { type: 'SESSION_RESUMED'; data: { url: string | null } }
  /** A supervisor watched the session, read-only. */
  | { type: 'SUPERVISOR_JOINED'; data: { supervisorId: string; supervisorName: string } }
  | { type: 'SUPERVISOR_LEFT'; data: { supervisorId: string } }
  /** Hand-over between agents: ids and names of both, and the offer they belong to. */
  | { type: 'HANDOVER_OFFERED'; data: HandoverRowData & { expiresAt: string } }
  | { type: 'HANDOVER_DECLINED'; data: HandoverRowData }
  | { type: 'HANDOVER_EXPIRED'; data: HandoverRowData & { reason: 'expired' | 'session-ended' | 'taken-over' } }
  | { type: 'SESSION_HANDED_OVER'; data: HandoverRowData }
  | {
      type: 'SUPERVISOR_TOOK_OVER';
      data: { fromAgentId: string | null; fromAgentName: string | null; supervisorId: string; supervisorName: string };
    }
  /** The customer accepted an agent's request to co-browse, which started this session. */
  | { type: 'INVITATION_ACCEPTED'; data: { invitationId: string; agentId: string; agentName: string; requestedAt: string } }
  /** A page the customer's browser showed in the session (origin and path only). */
  | { type: 'PAGE_VISITED'; data: { url: string; hidden: boolean } }
  /** Kind and target only: typed values are never stored. */
  | { type: 'AGENT_ACTION'; data: { kind: string; target: string | null; to?: string } }
  /** A burst of annotation strokes (those started within a few seconds of its first), by the tool that began it. */
  | { type: 'AGENT_ANNOTATED'; data: { tool: 'draw' | 'laser' } }
  /** The session reached its audit cap: later high-volume events (this kind first) are not stored. */
  | { type: 'AUDIT_CAPPED'; data: { limit: number; firstDropped: string } }
  /** An agent's join by this session's code was refused (it was taken, ended or expired). */
  | { type: 'JOIN_REFUSED'; data: { agentId: string; reason: 'taken' | 'ended' | 'expired' | 'digits' } }
  /** The session's recording reached its byte cap and stopped; the live stream went on. */
  | {
      type: 'RECORDING_CAPPED';
      /** The limit reached: the session's own cap, its address's or site origin's hourly quota, or the site's total. */
      data: { limit: 'session' | 'address-hourly' | 'origin-hourly' | 'site-total'; maxBytes: number };
    }
  /** The session reached its page-visit cap: later page visits are not audited. */
  | { type: 'PAGE_VISITS_CAPPED'; data: { limit: number } };

export type AuditEventType = AuditEventInput['type'];

/** What every hand-over row says: which offer, from whom, to whom. */
export interface HandoverRowData {
  offerId: string;
  fromAgentId: string;
  fromAgentName: string;
  toAgentId: string;
  toAgentName: string;
}

// Every audit row's type is an audited event of the one vocabulary, and every audited event has a row shape here.
const auditTypesAreTheVocabularys: [Exclude<AuditEventType, AuditedEventName>, Exclude<AuditedEventName, AuditEventType>] extends [
  never,
  never,
]
  ? true
  : never = true;
void auditTypesAreTheVocabularys;

/** Kinds a session can produce without bound; past the cap they are dropped, lifecycle events never are. */
const HIGH_VOLUME: ReadonlySet<AuditEventType> = new Set([
  'AGENT_ACTION',
  'AGENT_ANNOTATED',
  'PAGE_VISITED',
  'SESSION_PAUSED',
  'SESSION_RESUMED',
]);

export const isHighVolume = (type: AuditEventType): boolean => HIGH_VOLUME.has(type);

export interface Actor {
  kind: ActorKind;
  id: string | null;
}

/**
 * A signed-in user acting on a session as its agent, audited under their own role: a supervisor
 * who took a session over stays a supervisor in the trail.
 */
export const staffActor = (user: { id: string; role: 'AGENT' | 'SUPERVISOR' | 'ADMIN' }): Actor => ({ kind: user.role, id: user.id });
