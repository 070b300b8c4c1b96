import type { AgentSignal } from '../../../protocol/index.ts';
import { MAX_ANNOTATION_SIGNALS_PER_SECOND } from '../../../protocol/limits.ts';
import { recordAuditEvent } from '../../../server/audit/record-audit-event.ts';
import type { Actor } from '../../../server/audit/audit-event-types.ts';
import { AppError, ErrorCode } from '../../../server/core/errors.ts';
import type { GraphQLContext } from '../../context.ts';

/** Strokes started within this long of a burst's first make one audit row. */
export const ANNOTATION_BURST_SECONDS = 5;

type AnnotationSignal = Extract<AgentSignal, { type: 'annotate' | 'clear-annotations' }>;

/**
 * Lets an agent's annotation signal through, within the session's rate (more are refused with
 * RATE_LIMITED), and audits the first stroke of each burst: one row per few seconds of drawing,
 * never one per point. Limiters are shared by every instance when Redis is configured.
 */
export async function admitAnnotation(
  ctx: GraphQLContext,
  sessionId: string,
  /** Who drew: audited under their own role (a watching or taking-over supervisor's strokes are theirs). */
  actor: Actor,
  signal: AnnotationSignal,
): Promise<void> {
  await ctx.limits
    .limiter('annotation-signals', {
      points: MAX_ANNOTATION_SIGNALS_PER_SECOND * 2,
      durationSeconds: 2,
      message: 'Too many annotations at once; wait a moment.',
    })
    .consume(sessionId);
  if (signal.type !== 'annotate') return;
  try {
    await ctx.limits.limiter('annotation-bursts', { points: 1, durationSeconds: ANNOTATION_BURST_SECONDS }).consume(sessionId);
  } catch (error) {
    if (error instanceof AppError && error.code === ErrorCode.RATE_LIMITED) return; // within the burst already audited
    throw error;
  }
  // Annotations change nothing on the page: an audit trail that is full or down does not stop them.
  await recordAuditEvent(
    ctx.db,
    sessionId,
    actor,
    { type: 'AGENT_ANNOTATED', data: { tool: signal.stroke.tool } },
    { maxEvents: ctx.config.maxAuditEventsPerSession },
  ).catch((error: unknown) => {
    if (!(error instanceof AppError)) console.error(error);
  });
}
