'use client';

import { useEffect, useMemo, useRef, useState } from 'react';
import { useClient, useQuery, type CombinedError } from 'urql';
import { LIVE_SESSION_STATUSES, type StreamMessage } from '../../protocol/messages';
import { AdminNav } from '../admin/admin-nav';
import { ME } from '../lib/documents';
import { describeError } from '../lib/graphql-client';
import { useConnected } from '../lib/graphql-provider';
import { AGENTS, SESSION_HISTORY_PAGE, SESSION_LIFECYCLE, SESSION_STATS } from '../lib/supervision-documents';
import { TopBar } from '../lib/top-bar';
import { useMorePages } from '../lib/use-more-pages';
import { useStreamEvents } from '../lib/use-stream-events';
import type { SessionHistoryPageQuery } from '../../graphql/generated/client/graphql';
import { AuditTimeline } from './audit-timeline';
import { formatDay } from './format';
import { DEFAULT_FILTERS, dayBoundary, toSessionFilter, type HistoryFilterValues } from './history-filters';
import { LiveSessions } from './live-sessions';
import { PastSessions, type HistoryList } from './past-sessions';
import { SessionCharts } from './session-charts';

const PAGE_SIZE = 25;
/** Charts cover two weeks unless the filters name a range. */
const DEFAULT_CHART_DAYS = 14;
/** Lifecycle events come in bursts (start, join, mode change…); one reload per burst is enough. */
const RELOAD_DEBOUNCE_MS = 250;

const dayKey = (date: Date) =>
  `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;

/** The charts' range in local days: the filter's dates, else the last two weeks. */
function chartRange(filters: HistoryFilterValues) {
  const toDay = filters.to || dayKey(new Date());
  const fromDay = filters.from || dayKey(new Date(dayBoundary(toDay, false).getTime() - (DEFAULT_CHART_DAYS - 1) * 86_400_000));
  return {
    from: dayBoundary(fromDay, false).toISOString(),
    to: dayBoundary(toDay, true).toISOString(),
    label: `${formatDay(fromDay)} – ${formatDay(toDay)}`,
  };
}

/** A failed answer's message, or null. */
const errorText = (error: CombinedError | undefined, fallback: string) => (error ? (describeError(error)?.message ?? fallback) : null);

/** The first page of the history and the pages "Load more" appended, as one list. */
function joinPages(first: SessionHistoryPageQuery, more: SessionHistoryPageQuery[]): HistoryList {
  const last = (more.at(-1) ?? first).sessionHistory;
  return {
    sessions: [first, ...more].flatMap((page) => page.sessionHistory.nodes),
    totalCount: last.totalCount,
    endCursor: last.pageInfo.endCursor ?? null,
    hasNextPage: last.pageInfo.hasNextPage,
  };
}

const LIVE_VARIABLES = { filter: { status: [...LIVE_SESSION_STATUSES] }, first: 200 };

/** The supervisor page: live sessions, the filtered history, charts, and one session's audit timeline. */
export function SessionHistory() {
  const client = useClient();
  const socketUp = useConnected() === true;
  const [streamFailed, setStreamFailed] = useState(false);
  const connected = socketUp && !streamFailed;
  const [filters, setFilters] = useState<HistoryFilterValues>(DEFAULT_FILTERS);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<string | null>(null);
  const [newerAvailable, setNewerAvailable] = useState(false);
  const [selected, setSelected] = useState<string | null>(null);
  const [selectedVersion, setSelectedVersion] = useState(0);

  const range = useMemo(() => chartRange(filters), [filters]);
  const listVariables = useMemo(() => ({ filter: toSessionFilter(filters), first: PAGE_SIZE }), [filters]);
  const statsVariables = useMemo(
    () => ({
      from: range.from,
      to: range.to,
      timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
      agentId: filters.agentId || null,
    }),
    [range, filters.agentId],
  );
  const [{ data: meData }] = useQuery({ query: ME });
  const [{ data: agentsData }] = useQuery({ query: AGENTS });
  const [liveResult, reloadLive] = useQuery({ query: SESSION_HISTORY_PAGE, variables: LIVE_VARIABLES });
  const [firstPage, reloadFirstPage] = useQuery({ query: SESSION_HISTORY_PAGE, variables: listVariables });
  const [statsResult, reloadStats] = useQuery({ query: SESSION_STATS, variables: statsVariables });
  const more = useMorePages<SessionHistoryPageQuery, SessionHistoryPageQuery>(firstPage.data);

  const me = meData?.me ?? null;
  const agents = agentsData?.agents ?? [];
  const live = liveResult.data?.sessionHistory.nodes ?? null;
  const list = firstPage.data ? joinPages(firstPage.data, more.pages) : null;
  const stats = statsResult.data?.sessionStats ?? null;
  const statsError = errorText(statsResult.error, 'Could not load the statistics.');
  const error =
    moreError ??
    errorText(liveResult.error, 'Could not load the live sessions.') ??
    errorText(firstPage.error, 'Could not load the history.');

  async function loadMore() {
    const after = firstPage.data;
    if (!after || !list?.endCursor) return;
    setLoadingMore(true);
    const result = await client.query(SESSION_HISTORY_PAGE, { ...listVariables, after: list.endCursor }).toPromise();
    setLoadingMore(false);
    setMoreError(result.data ? null : errorText(result.error, 'Could not load more sessions.'));
    if (result.data) more.append(after, result.data);
  }

  const refresh = () => {
    setNewerAvailable(false);
    setMoreError(null);
    reloadFirstPage();
  };
  const changeFilters = (values: HistoryFilterValues) => {
    setNewerAvailable(false);
    setMoreError(null);
    setFilters(values);
  };

  // Every lifecycle event refreshes the live list and the charts. The history reloads too,
  // unless the supervisor paged further down it, where a reload would lose their place. The
  // timer fires after renders, so it reads what to reload from `latest`.
  const latest = useRef({ reloadLive, reloadStats, refresh, pagedFurther: false, selected });
  latest.current = { reloadLive, reloadStats, refresh, pagedFurther: more.pages.length > 0, selected };
  const burst = useRef<{ timer?: ReturnType<typeof setTimeout>; sessions: Set<string> }>({ sessions: new Set() });
  useEffect(() => () => clearTimeout(burst.current.timer), []);
  useStreamEvents(
    SESSION_LIFECYCLE,
    {},
    (data) => {
      const id = (data.sessionLifecycle as Extract<StreamMessage, { type: 'session' }> | null)?.session?.id;
      if (id) burst.current.sessions.add(id);
      clearTimeout(burst.current.timer);
      burst.current.timer = setTimeout(() => {
        const now = latest.current;
        now.reloadLive();
        now.reloadStats();
        if (now.pagedFurther) setNewerAvailable(true);
        else now.refresh();
        if (now.selected && burst.current.sessions.has(now.selected)) setSelectedVersion((version) => version + 1);
        burst.current.sessions.clear();
      }, RELOAD_DEBOUNCE_MS);
    },
    () => setStreamFailed(true),
  );

  const select = (id: string) => {
    setSelected(id);
    setSelectedVersion((version) => version + 1);
  };

  return (
    <div className="app-shell">
      <TopBar status={connected ? 'Supervisor · live' : 'Supervisor · connecting…'} statusTone={connected ? 'up' : 'down'} who={me?.name} />
      <div className="page-body">
        {me?.role === 'ADMIN' && <AdminNav />}
        <main className="supervisor-page">
          {error && (
            <p className="alert" role="alert">
              {error}
            </p>
          )}
          <SessionCharts stats={stats} rangeLabel={range.label} error={statsError} />
          <div className={`supervisor-columns${selected ? ' with-timeline' : ''}`}>
            <div className="supervisor-lists">
              <LiveSessions sessions={live} selectedId={selected} onSelect={select} />
              <PastSessions
                list={list}
                loading={firstPage.fetching || loadingMore}
                filters={filters}
                agents={agents}
                selectedId={selected}
                newerAvailable={newerAvailable}
                onFiltersChange={changeFilters}
                onLoadMore={() => void loadMore()}
                onRefresh={refresh}
                onSelect={select}
              />
            </div>
            {selected && <AuditTimeline sessionId={selected} version={selectedVersion} onClose={() => setSelected(null)} />}
          </div>
        </main>
      </div>
    </div>
  );
}
