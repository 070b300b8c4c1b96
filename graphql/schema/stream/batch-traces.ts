import { MASKED_PAGE_EVENT_TAG, PACKED_EVENTS_TAG, type EventBatch } from '../../../protocol/index.ts';
import { pageAddress } from '../../../protocol/page-address.ts';
import { isAllowedOrigin } from '../../../server/settings/allowed-origins.ts';
import { loadSiteSettings } from '../../../server/settings/site-settings.ts';
import { followCustomerPage } from '../../../server/sessions/pause-session.ts';
import { createPageVisitCap } from '../../../server/limits/page-visit-cap.ts';
import type { GraphQLContext } from '../../context.ts';

const META_EVENT = 4;
const CUSTOM_EVENT = 5;

type PageVisitCap = ReturnType<typeof createPageVisitCap>;

/**
 * The page a batch shows, from rrweb's Meta event, the address beside packed events (which are
 * never opened here) or the widget's hidden-page event: origin, path and the kept query parameters only.
 */
function pageIn(batch: EventBatch, kept: readonly string[]): { url: string; hidden: boolean } | null {
  for (const event of batch.events) {
    const data = event.data as { href?: unknown; tag?: unknown; payload?: { href?: unknown } } | null;
    const custom = event.type === CUSTOM_EVENT ? data?.tag : undefined;
    const hidden = custom === MASKED_PAGE_EVENT_TAG;
    const href = hidden || custom === PACKED_EVENTS_TAG ? data?.payload?.href : event.type === META_EVENT ? data?.href : undefined;
    if (typeof href !== 'string') continue;
    try {
      return { url: pageAddress(new URL(href).href, kept), hidden };
    } catch {
      return null;
    }
  }
  return null;
}

/**
 * The query parameters page addresses keep, as the site said when this connection first asked
 * (a page load runs under one set of rules, as the widget does). Unreadable: none is kept.
 */
export async function keptQueryParameters(ctx: GraphQLContext): Promise<readonly string[]> {
  const known = ctx.memo.get('kept-query-parameters') as string[] | undefined;
  if (known) return known;
  const settings = await loadSiteSettings(ctx.db).catch(() => null);
  if (settings) ctx.memo.set('kept-query-parameters', settings.keptQueryParameters);
  return settings?.keptQueryParameters ?? [];
}

/** Whether the site keeps this session's events for replay; read once per connection, not per batch. */
async function isRecorded(ctx: GraphQLContext, sessionId: string): Promise<boolean> {
  const key = `recorded:${sessionId}`;
  if (!ctx.memo.has(key)) ctx.memo.set(key, (await loadSiteSettings(ctx.db)).recordingEnabled);
  return ctx.memo.get(key) as boolean;
}

/** Whether a page is on this server's own site (the demo) or an allowed one; cached by isAllowedOrigin. */
async function isOnAllowedSite(ctx: GraphQLContext, pageUrl: string): Promise<boolean> {
  const { origin } = new URL(pageUrl);
  return origin === ctx.selfOrigin || isAllowedOrigin(ctx, origin);
}

/** Audits a page visit while the session is under its page-visit cap; at the cap, says so once. */
async function auditWithinCap(ctx: GraphQLContext, sessionId: string, page: { url: string; hidden: boolean }): Promise<void> {
  let cap = ctx.memo.get('page-visit-cap') as PageVisitCap | undefined;
  if (!cap) ctx.memo.set('page-visit-cap', (cap = createPageVisitCap(ctx.db, ctx.config.maxPageVisitsPerSession)));
  const outcome = await cap.next(sessionId);
  const customer = { kind: 'CUSTOMER', id: null } as const;
  if (outcome === 'audit') ctx.audit.enqueue(sessionId, customer, { type: 'PAGE_VISITED', data: page });
  else if (outcome === 'cap')
    ctx.audit.enqueue(sessionId, customer, { type: 'PAGE_VISITS_CAPPED', data: { limit: ctx.config.maxPageVisitsPerSession } });
}

/**
 * Audits each page the customer's browser shows once per page load (resync snapshots repeat it),
 * on allowed sites only: a page elsewhere is not co-browsed, and a hostile client must not fill the
 * audit trail with addresses of its choosing. A page agents may not see (hidden, or elsewhere)
 * pauses the session until the customer is back on one they may.
 */
function auditPageVisit(ctx: GraphQLContext, sessionId: string, batch: EventBatch, kept: readonly string[]): void {
  const page = pageIn(batch, kept);
  const key = `page-of:${sessionId}`;
  if (!page || ctx.memo.get(key) === page.url) return;
  ctx.memo.set(key, page.url);
  // Checked one after the other, so the trail keeps the order the pages were shown in.
  const queueKey = `page-audits-of:${sessionId}`;
  const previous = (ctx.memo.get(queueKey) as Promise<void> | undefined) ?? Promise.resolve();
  const next = previous
    .then(async () => {
      const allowed = await isOnAllowedSite(ctx, page.url);
      if (allowed) await auditWithinCap(ctx, sessionId, page);
      await followCustomerPage(ctx, sessionId, { url: allowed ? page.url : null, visible: allowed && !page.hidden });
    })
    .catch(console.error);
  ctx.memo.set(queueKey, next);
}

/**
 * What a customer's batch leaves behind besides reaching the agent: the page it shows, in the
 * audit trail, and — when the site keeps recordings — its events, packed ones as they came.
 */
export async function keepTraceOfBatch(ctx: GraphQLContext, sessionId: string, batch: EventBatch, kept: readonly string[]): Promise<void> {
  auditPageVisit(ctx, sessionId, batch, kept);
  if (await isRecorded(ctx, sessionId)) ctx.recordings.append(sessionId, batch.events, ctx.clientAddress);
}
