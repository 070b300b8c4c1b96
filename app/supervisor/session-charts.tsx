import type { SessionStats } from '../lib/supervision-documents';
import { BarChart } from './bar-chart';
import { formatDay, formatDuration } from './format';

const percent = (rate: number) => `${Math.round(rate * 100)}%`;

function ApprovalBreakdown({ stats }: { stats: SessionStats }) {
  const parts = [
    { key: 'approved', value: stats.writeModeApproved, text: 'approved' },
    { key: 'declined', value: stats.writeModeDeclined, text: 'declined' },
    { key: 'expired', value: stats.writeModeExpired, text: 'unanswered' },
  ];
  const total = Math.max(1, stats.writeModeRequested);
  return (
    <>
      <div className="breakdown-bar" aria-hidden="true">
        {parts.map(
          (part) => part.value > 0 && <span key={part.key} className={part.key} style={{ width: `${(part.value / total) * 100}%` }} />,
        )}
      </div>
      <ul className="breakdown-legend small">
        {parts.map((part) => (
          <li key={part.key}>
            <span className={`dot ${part.key}`} />
            {part.value} {part.text}
          </li>
        ))}
      </ul>
    </>
  );
}

/** Sessions per day (bar chart), average duration and Write Mode approval rate for the chosen range. */
export function SessionCharts({ stats, rangeLabel, error }: { stats: SessionStats | null; rangeLabel: string; error: string | null }) {
  const bars = (stats?.sessionsPerDay ?? []).map((day) => ({
    key: day.day,
    label: formatDay(day.day, stats && stats.sessionsPerDay.length > 31 ? { month: 'short', day: 'numeric' } : { day: 'numeric' }),
    value: day.sessions,
    title: `${formatDay(day.day, { weekday: 'short', month: 'short', day: 'numeric' })}: ${day.sessions} session${day.sessions === 1 ? '' : 's'}`,
  }));
  const busiest = stats?.sessionsPerDay.reduce((best, day) => (day.sessions > best.sessions ? day : best), stats.sessionsPerDay[0]!);
  return (
    <section className="stats-grid" aria-label="Session statistics">
      <figure className="stat-card chart-card" data-testid="supervisor-chart-sessions-per-day">
        <figcaption>
          <span className="stat-title">Sessions per day</span>
          <span className="muted small">
            {rangeLabel}
            {stats && ` · ${stats.totalSessions} in total`}
          </span>
        </figcaption>
        {error && (
          <p className="alert small" role="alert">
            {error}
          </p>
        )}
        {stats && (
          <BarChart
            bars={bars}
            description={`Sessions per day, ${rangeLabel}: ${stats.totalSessions} in total${
              busiest && busiest.sessions > 0 ? `, most on ${formatDay(busiest.day)} (${busiest.sessions})` : ''
            }.`}
          />
        )}
      </figure>
      <div className="stat-card">
        <span className="stat-title">Average duration</span>
        <strong className="stat-value" data-testid="supervisor-avg-duration">
          {stats?.averageDurationSeconds != null ? formatDuration(stats.averageDurationSeconds * 1000) : '—'}
        </strong>
        <span className="muted small">
          {stats ? `over ${stats.endedSessions} ended session${stats.endedSessions === 1 ? '' : 's'}` : 'Loading…'}
        </span>
      </div>
      <div className="stat-card">
        <span className="stat-title">Write Mode approval</span>
        <strong className="stat-value" data-testid="supervisor-approval-rate">
          {stats?.writeModeApprovalRate != null ? percent(stats.writeModeApprovalRate) : '—'}
        </strong>
        <span className="muted small">
          {stats
            ? stats.writeModeRequested > 0
              ? `${stats.writeModeApproved} of ${stats.writeModeRequested} request${stats.writeModeRequested === 1 ? '' : 's'} approved`
              : 'No requests in this range'
            : 'Loading…'}
        </span>
        {stats && stats.writeModeRequested > 0 && <ApprovalBreakdown stats={stats} />}
      </div>
    </section>
  );
}
