import { appendAuditEvent } from '../audit/append-audit-event.ts';
import { runAudited } from '../audit/run-audited.ts';
import type { SessionDeps } from './deps.ts';
import { publishSessionEvent } from './session-state.ts';
import { applyTransition, SESSION_TRANSITIONS } from './session-transitions.ts';

/**
 * Pauses a session while the customer is on a page agents may not see — one hidden from agents,
 * or one off the allowed sites — and resumes it when they are back on one they may. Supervisors,
 * the API and webhooks see the pause. `url` is the page's origin and path, or null for a page off
 * the allowed sites, whose address is not the customer's site's to keep.
 */
export async function followCustomerPage(
  deps: SessionDeps,
  sessionId: string,
  page: { url: string | null; visible: boolean },
): Promise<void> {
  const transition = page.visible ? 'resume' : 'pause';
  const changed = await runAudited(deps.db, async (tx) => {
    if ((await applyTransition(tx, transition, sessionId)) === 0) return null;
    const type = SESSION_TRANSITIONS[transition].event;
    await appendAuditEvent(tx, sessionId, { kind: 'CUSTOMER', id: null }, { type, data: { url: page.url } });
    return tx.session.findUniqueOrThrow({ where: { id: sessionId }, include: { agent: true } });
  });
  if (changed) await publishSessionEvent(deps, SESSION_TRANSITIONS[transition].event, changed, 'CUSTOMER');
}
