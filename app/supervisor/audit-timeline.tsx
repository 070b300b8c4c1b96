'use client';

import { useState } from 'react';
import { useClient, useQuery } from 'urql';
import { describeError } from '../lib/graphql-client';
import { useRefetchContext } from '../lib/refetch-context';
import { useMorePages } from '../lib/use-more-pages';
import { AUDIT_TIMELINE, type AuditTimelineResult, type TimelineEvent } from '../lib/supervision-documents';
import { between, formatClock, formatCode, formatDateTime, formatDuration, label, shortUrl } from './format';
import { SessionChat } from './session-chat';

/**
 * An event's data as words. Internal ids, the page address (listed under Pages visited) and
 * flags that are off are left out.
 */
const details = (data: Record<string, unknown>) =>
  Object.entries(data)
    .filter(([key, value]) => !key.endsWith('Id') && key !== 'url' && key !== 'origin' && value !== false && value !== null)
    .map(([key, value]) => (value === true ? key : `${key}: ${String(value)}`))
    .join(', ');

/** Where a page in the history came from, in words. */
function howVisited(event: TimelineEvent): string {
  if (event.type === 'SESSION_STARTED') return 'co-browse started here';
  if (event.type === 'AGENT_ACTION') return 'opened by the agent';
  return event.data.hidden === true ? 'hidden from the agent' : 'customer’s page';
}

/** Pages the session went through: the start page, each page the customer's browser showed, addresses the agent opened. */
function pagesVisited(events: TimelineEvent[]): { at: string; url: string; how: string }[] {
  const pages: { at: string; url: string; how: string }[] = [];
  for (const event of events) {
    const { url, kind, to } = event.data;
    const address = typeof url === 'string' ? url : event.type === 'AGENT_ACTION' && kind === 'open' && typeof to === 'string' ? to : null;
    // A page load after the start (or after the agent opened it) names the same page again.
    if (address && pages.at(-1)?.url !== address) pages.push({ at: event.at, url: address, how: howVisited(event) });
  }
  return pages;
}

type Loaded = Omit<AuditTimelineResult, 'session'> & { session: NonNullable<AuditTimelineResult['session']> };

/** The first page of events with the pages "Load more" appended (session and check from the newest answer). */
function joinPages(first: AuditTimelineResult, more: AuditTimelineResult[]): Loaded | null {
  const last = more.at(-1) ?? first;
  if (!last.session) return null;
  const nodes = [first, ...more].flatMap((page) => page.auditEvents.nodes);
  return { ...last, session: last.session, auditEvents: { ...last.auditEvents, nodes } };
}

/**
 * One session's tamper-evident audit history: its events with the time between them, the pages visited,
 * the hash-chain check and the exports. `version` changes when the session changed.
 */
export function AuditTimeline({ sessionId, version, onClose }: { sessionId: string; version: number; onClose: () => void }) {
  const client = useClient();
  const variables = { sessionId, after: null };
  const [firstPage] = useQuery({ query: AUDIT_TIMELINE, variables, context: useRefetchContext(version) });
  const first = firstPage.data as AuditTimelineResult | undefined;
  const more = useMorePages<AuditTimelineResult, AuditTimelineResult>(first);
  const [moreError, setMoreError] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const loaded = first ? joinPages(first, more.pages) : null;
  const missing = (error: Parameters<typeof describeError>[0]) => describeError(error)?.message ?? 'This session no longer exists.';
  const error = moreError ?? (firstPage.error || (first && !first.session) ? missing(firstPage.error) : null);

  async function loadMore() {
    if (!first || !loaded?.auditEvents.pageInfo.endCursor) return;
    setLoadingMore(true);
    const result = await client.query(AUDIT_TIMELINE, { sessionId, after: loaded.auditEvents.pageInfo.endCursor }).toPromise();
    setLoadingMore(false);
    setMoreError(result.data?.session ? null : missing(result.error));
    if (result.data?.session) more.append(first, result.data as AuditTimelineResult);
  }

  const shown = loaded?.session.id === sessionId ? loaded : null;
  const events = shown?.auditEvents.nodes ?? [];
  const pages = pagesVisited(events);
  const session = shown?.session;

  return (
    <section className="panel timeline-panel" aria-label="Audit history" data-testid="audit-history">
      <div className="panel-head">
        <h2>{session ? `Session ${formatCode(session.code)}` : 'Audit history'}</h2>
        <button type="button" className="icon-close" onClick={onClose} aria-label="Close the audit history">
          ×
        </button>
      </div>
      {error && (
        <p className="alert small" role="alert">
          {error}
        </p>
      )}
      {shown && session && (
        <>
          <div className="timeline-summary">
            <span className={`chain ${shown.verifyAudit.intact ? 'ok' : 'broken'}`} data-testid="audit-verification">
              {shown.verifyAudit.intact
                ? `Chain intact (${shown.verifyAudit.events} events)`
                : `Tampered at event ${shown.verifyAudit.brokenAt}`}
            </span>
            <span className="small">
              Export:{' '}
              <a href={`/api/sessions/${session.id}/audit.json`} download>
                JSON
              </a>{' '}
              ·{' '}
              <a href={`/api/sessions/${session.id}/audit.csv`} download>
                CSV
              </a>{' '}
              ·{' '}
              <a href={`/supervisor/replay?session=${session.id}`} data-testid="supervisor-replay">
                Replay
              </a>
            </span>
          </div>
          <dl className="facts small">
            <div>
              <dt>Agent</dt>
              <dd>{session.agent?.name ?? '—'}</dd>
            </div>
            <div>
              <dt>Started</dt>
              <dd>{formatDateTime(session.createdAt)}</dd>
            </div>
            <div>
              <dt>Duration</dt>
              <dd>{session.endedAt ? formatDuration(between(session.createdAt, session.endedAt)) : `${label(session.status)} now`}</dd>
            </div>
          </dl>

          {pages.length > 0 && (
            <div className="pages-visited">
              <h3>Pages visited</h3>
              <ol>
                {pages.map((page) => (
                  <li key={`${page.at}-${page.url}`}>
                    <span className="muted small">{formatClock(page.at)}</span>
                    <span className="page-url" title={page.url}>
                      {shortUrl(page.url)}
                    </span>
                    <span className="muted small">{page.how}</span>
                  </li>
                ))}
              </ol>
            </div>
          )}

          <SessionChat sessionId={sessionId} version={version} />

          <h3>Events</h3>
          <ol className="timeline">
            {events.map((event, i) => {
              const previous = events[i - 1];
              const gap = previous ? between(previous.at, event.at) : null;
              return (
                <li key={event.sequence} className={`event-${event.actorKind.toLowerCase()}`}>
                  <span className="muted small">
                    {formatClock(event.at)}
                    {gap !== null && (
                      <span className="gap" title="Time since the event before">
                        +{formatDuration(gap)}
                      </span>
                    )}
                  </span>
                  <strong>{label(event.type)}</strong>
                  <span className="muted small">
                    by {label(event.actorKind)}
                    {details(event.data) && ` · ${details(event.data)}`}
                  </span>
                </li>
              );
            })}
          </ol>
          {shown.auditEvents.pageInfo.hasNextPage && (
            <button type="button" className="button small" onClick={() => void loadMore()} disabled={loadingMore}>
              {loadingMore ? 'Loading…' : `Load more events (${shown.auditEvents.totalCount - events.length} left)`}
            </button>
          )}
        </>
      )}
    </section>
  );
}
