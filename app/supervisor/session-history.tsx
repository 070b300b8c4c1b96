'use client';

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { AdminNav } from '../admin/admin-nav';
import { ME, type Me } from '../lib/documents';
import { useClient } from 'urql';
import { describeError } from '../lib/graphql-client';
import { useConnected, useWsClient } from '../lib/graphql-provider';
import {
  AGENTS,
  SESSION_HISTORY_PAGE,
  SESSION_LIFECYCLE,
  SESSION_STATS,
  type AgentOption,
  type HistorySession,
  type SessionHistoryPage,
  type SessionStats,
} from '../lib/supervision-documents';
import { TopBar } from '../lib/top-bar';
import { AuditTimeline } from './audit-timeline';
import { formatDay } from './format';
import { DEFAULT_FILTERS, dayBoundary, toSessionFilter, type HistoryFilterValues } from './history-filters';
import { LiveSessions } from './live-sessions';
import { PastSessions, type HistoryList } from './past-sessions';
import { SessionCharts } from './session-charts';

const PAGE_SIZE = 25;
const LIVE_STATUSES = ['WAITING', 'ACTIVE', 'PAUSED'] as const;
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

/** The supervisor page: live sessions, the filtered history, charts, and one session's audit timeline. */
export function SessionHistory() {
  const socketUp = useConnected() === true;
  const [streamFailed, setStreamFailed] = useState(false);
  const connected = socketUp && !streamFailed;
  const urql = useClient();
  const ws = useWsClient();
  const [me, setMe] = useState<Me | null>(null);
  const [agents, setAgents] = useState<AgentOption[]>([]);
  const [live, setLive] = useState<HistorySession[] | null>(null);
  const [filters, setFilters] = useState<HistoryFilterValues>(DEFAULT_FILTERS);
  const [list, setList] = useState<HistoryList | null>(null);
  const [loading, setLoading] = useState(false);
  const [newerAvailable, setNewerAvailable] = useState(false);
  const [stats, setStats] = useState<SessionStats | null>(null);
  const [statsError, setStatsError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [selectedVersion, setSelectedVersion] = useState(0);
  const [error, setError] = useState<string | null>(null);

  const range = useMemo(() => chartRange(filters), [filters]);
  // Only the newest request for the list may fill it (filters can change faster than answers come).
  const listRequest = useRef(0);
  const state = useRef({ filters, pages: 0, selected });
  state.current.filters = filters;
  state.current.selected = selected;

  const fail = useCallback(
    (result: { error?: Parameters<typeof describeError>[0] }, fallback: string) =>
      setError(describeError(result.error)?.message ?? fallback),
    [],
  );

  const loadLive = useCallback(async () => {
    const result = await urql
      .query<SessionHistoryPage>(SESSION_HISTORY_PAGE, { filter: { status: LIVE_STATUSES }, first: 200 })
      .toPromise();
    if (result.data) setLive(result.data.sessionHistory.nodes);
    else fail(result, 'Could not load the live sessions.');
  }, [urql, fail]);

  const loadFirstPage = useCallback(
    async (values: HistoryFilterValues) => {
      const request = ++listRequest.current;
      setLoading(true);
      const result = await urql
        .query<SessionHistoryPage>(SESSION_HISTORY_PAGE, { filter: toSessionFilter(values), first: PAGE_SIZE })
        .toPromise();
      if (request !== listRequest.current) return;
      setLoading(false);
      if (!result.data) return fail(result, 'Could not load the history.');
      const { nodes, pageInfo, totalCount } = result.data.sessionHistory;
      state.current.pages = 1;
      setNewerAvailable(false);
      setList({ sessions: nodes, totalCount, endCursor: pageInfo.endCursor, hasNextPage: pageInfo.hasNextPage });
    },
    [urql, fail],
  );

  async function loadMore() {
    if (!list?.endCursor) return;
    const request = ++listRequest.current;
    setLoading(true);
    const result = await urql
      .query<SessionHistoryPage>(SESSION_HISTORY_PAGE, { filter: toSessionFilter(filters), first: PAGE_SIZE, after: list.endCursor })
      .toPromise();
    if (request !== listRequest.current) return;
    setLoading(false);
    if (!result.data) return fail(result, 'Could not load more sessions.');
    const { nodes, pageInfo, totalCount } = result.data.sessionHistory;
    state.current.pages += 1;
    setList({ sessions: [...list.sessions, ...nodes], totalCount, endCursor: pageInfo.endCursor, hasNextPage: pageInfo.hasNextPage });
  }

  const loadStats = useCallback(
    async (values: HistoryFilterValues) => {
      const { from, to } = chartRange(values);
      const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      const result = await urql
        .query<{ sessionStats: SessionStats }>(SESSION_STATS, { from, to, timeZone, agentId: values.agentId || null })
        .toPromise();
      if (result.data) {
        setStats(result.data.sessionStats);
        setStatsError(null);
      } else {
        setStats(null);
        setStatsError(describeError(result.error)?.message ?? 'Could not load the statistics.');
      }
    },
    [urql],
  );

  useEffect(() => {
    void urql
      .query<{ me: Me | null }>(ME, {})
      .toPromise()
      .then((result) => setMe(result.data?.me ?? null));
    void urql
      .query<{ agents: AgentOption[] }>(AGENTS, {})
      .toPromise()
      .then((result) => setAgents(result.data?.agents ?? []));
    void loadLive();
  }, [urql, loadLive]);

  useEffect(() => {
    void loadFirstPage(filters);
    void loadStats(filters);
  }, [filters, loadFirstPage, loadStats]);

  // B5: every lifecycle event refreshes the live list and the charts. The history reloads too,
  // unless the supervisor paged further down it, where a reload would lose their place.
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const changedSessions = new Set<string>();
    const reload = () => {
      void loadLive();
      void loadStats(state.current.filters);
      if (state.current.pages <= 1) void loadFirstPage(state.current.filters);
      else setNewerAvailable(true);
      if (state.current.selected && changedSessions.has(state.current.selected)) setSelectedVersion((version) => version + 1);
      changedSessions.clear();
    };
    const unsubscribe = ws.subscribe<{ sessionLifecycle: { session?: { id: string } } }>(
      { query: SESSION_LIFECYCLE },
      {
        next: (value) => {
          const id = value.data?.sessionLifecycle.session?.id;
          if (id) changedSessions.add(id);
          clearTimeout(timer);
          timer = setTimeout(reload, RELOAD_DEBOUNCE_MS);
        },
        error: () => setStreamFailed(true),
        complete: () => {},
      },
    );
    return () => {
      clearTimeout(timer);
      unsubscribe();
    };
  }, [ws, loadLive, loadStats, loadFirstPage]);

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
                loading={loading}
                filters={filters}
                agents={agents}
                selectedId={selected}
                newerAvailable={newerAvailable}
                onFiltersChange={setFilters}
                onLoadMore={() => void loadMore()}
                onRefresh={() => void loadFirstPage(filters)}
                onSelect={select}
              />
            </div>
            {selected && <AuditTimeline urql={urql} sessionId={selected} version={selectedVersion} onClose={() => setSelected(null)} />}
          </div>
        </main>
      </div>
    </div>
  );
}
