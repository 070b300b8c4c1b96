import { MASKED_PAGE_EVENT_TAG, type EventBatch } from '../../../protocol/index.ts';
import { recordAuditEvent } from '../../../server/audit/record-audit-event.ts';
import { loadSiteSettings } from '../../../server/settings/site-settings.ts';
import type { GraphQLContext } from '../../context.ts';

const META_EVENT = 4;
const CUSTOM_EVENT = 5;

/** The page a batch shows, from rrweb's Meta event or the widget's hidden-page event: origin and path only. */
function pageIn(batch: EventBatch): { url: string; hidden: boolean } | null {
  for (const event of batch.events) {
    const data = event.data as { href?: unknown; tag?: unknown; payload?: { href?: unknown } } | null;
    const hidden = event.type === CUSTOM_EVENT && data?.tag === MASKED_PAGE_EVENT_TAG;
    const href = hidden ? data?.payload?.href : event.type === META_EVENT ? data?.href : undefined;
    if (typeof href !== 'string') continue;
    try {
      const url = new URL(href);
      return { url: url.origin + url.pathname, hidden };
    } catch {
      return null;
    }
  }
  return null;
}

/** B11: whether the site keeps this session's events; read once per connection, not per batch. */
async function isRecorded(ctx: GraphQLContext, sessionId: string): Promise<boolean> {
  const key = `recorded:${sessionId}`;
  if (!ctx.memo.has(key)) ctx.memo.set(key, (await loadSiteSettings(ctx.db)).recordingEnabled);
  return ctx.memo.get(key) as boolean;
}

/** Audits each page the customer's browser shows once per page load (resync snapshots repeat it). */
function auditPageVisit(ctx: GraphQLContext, sessionId: string, batch: EventBatch): void {
  const page = pageIn(batch);
  const key = `page-of:${sessionId}`;
  if (!page || ctx.memo.get(key) === page.url) return;
  ctx.memo.set(key, page.url);
  void recordAuditEvent(ctx.db, sessionId, { kind: 'CUSTOMER', id: null }, { type: 'PAGE_VISITED', data: page }).catch(console.error);
}

/**
 * What a customer's batch leaves behind besides reaching the agent: the page it shows, in the
 * audit trail, and — when the site keeps recordings (B11) — its events.
 */
export async function keepTraceOfBatch(ctx: GraphQLContext, sessionId: string, batch: EventBatch): Promise<void> {
  auditPageVisit(ctx, sessionId, batch);
  if (await isRecorded(ctx, sessionId)) ctx.recordings.append(sessionId, batch.events);
}
