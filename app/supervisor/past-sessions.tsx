'use client';

import type { AgentOption, HistorySession } from '../lib/supervision-documents';
import { between, formatCode, formatDateTime, formatDuration, label } from './format';
import { HistoryFilters, type HistoryFilterValues } from './history-filters';

export interface HistoryList {
  sessions: HistorySession[];
  totalCount: number;
  endCursor: string | null;
  hasNextPage: boolean;
}

/** The filtered session history, newest first, a page at a time ("Load more" follows the cursor). */
export function PastSessions({
  list,
  loading,
  filters,
  agents,
  selectedId,
  newerAvailable,
  onFiltersChange,
  onLoadMore,
  onRefresh,
  onSelect,
}: {
  list: HistoryList | null;
  loading: boolean;
  filters: HistoryFilterValues;
  agents: AgentOption[];
  selectedId: string | null;
  /** Sessions changed since the list was paged further than its first page. */
  newerAvailable: boolean;
  onFiltersChange: (filters: HistoryFilterValues) => void;
  onLoadMore: () => void;
  onRefresh: () => void;
  onSelect: (id: string) => void;
}) {
  return (
    <section className="panel" aria-labelledby="past-heading">
      <div className="panel-head">
        <h2 id="past-heading">Past sessions {list && <span className="count-badge">{list.totalCount}</span>}</h2>
        {newerAvailable && (
          <button type="button" className="button small subtle" onClick={onRefresh} data-testid="supervisor-refresh">
            New sessions · Refresh
          </button>
        )}
      </div>
      <HistoryFilters values={filters} agents={agents} onChange={onFiltersChange} />
      <div className="table-scroll">
        <table className="sessions-table" aria-busy={loading}>
          <thead>
            <tr>
              <th>Session</th>
              <th>Status</th>
              <th>Customer</th>
              <th>Agent</th>
              <th>Started</th>
              <th>Duration</th>
              <th>Ended by</th>
            </tr>
          </thead>
          <tbody>
            {list?.sessions.map((session) => (
              <tr key={session.id} className={session.id === selectedId ? 'selected' : undefined} data-testid="supervisor-history-row">
                <td>
                  <button type="button" className="link-button" onClick={() => onSelect(session.id)}>
                    {formatCode(session.code)}
                  </button>
                </td>
                <td>
                  <span className={`status ${session.status.toLowerCase()}`}>{label(session.status)}</span>
                </td>
                <td data-testid="supervisor-history-customer">
                  {session.customer ? (
                    <span title={[session.customer.email, session.customer.accountId].filter(Boolean).join(' · ')}>
                      {session.customer.name ?? session.customer.email ?? session.customer.accountId}
                    </span>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
                <td>{session.agent?.name ?? <span className="muted">—</span>}</td>
                <td className="nowrap">{formatDateTime(session.createdAt)}</td>
                <td className="nowrap">{session.endedAt ? formatDuration(between(session.createdAt, session.endedAt)) : '—'}</td>
                <td>
                  {session.endedBy ? (
                    <span title={session.endReason ?? undefined}>
                      {label(session.endedBy)}
                      {session.endReason && <span className="muted small"> · {session.endReason}</span>}
                    </span>
                  ) : (
                    '—'
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {list && list.sessions.length === 0 && <p className="muted small empty">No sessions match these filters.</p>}
      {list && list.sessions.length > 0 && (
        <div className="list-foot">
          <span className="muted small" data-testid="supervisor-history-count">
            Showing {list.sessions.length} of {list.totalCount}
          </span>
          {list.hasNextPage && (
            <button type="button" className="button small" onClick={onLoadMore} disabled={loading} data-testid="supervisor-load-more">
              {loading ? 'Loading…' : 'Load more'}
            </button>
          )}
        </div>
      )}
    </section>
  );
}
