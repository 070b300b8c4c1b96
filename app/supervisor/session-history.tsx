'use client';

import { useCallback, useEffect, useMemo, useState } from 'react';
import { SESSIONS, SESSION_HISTORY, type AuditEntry, type SessionListItem } from '../lib/documents';
import { createGraphQLClients, describeError } from '../lib/graphql-client';
import { TopBar } from '../lib/top-bar';

interface History {
  events: AuditEntry[];
  verification: { intact: boolean; events: number; brokenAt: number | null };
}

const time = (iso: string) => new Date(iso).toLocaleString();
/** An event's data as words; internal ids are left out. */
const details = (data: Record<string, unknown>) =>
  Object.entries(data)
    .filter(([key]) => !key.endsWith('Id'))
    .map(([key, value]) => `${key}: ${String(value)}`)
    .join(', ');
const label = (type: string) => type.charAt(0) + type.slice(1).toLowerCase().replace(/_/g, ' ');

/** Sessions, newest first, and one session's audit history with its hash-chain check (B3). */
export function SessionHistory() {
  const [live, setLive] = useState(false);
  const { urql, ws } = useMemo(() => createGraphQLClients(setLive), []);
  const [sessions, setSessions] = useState<SessionListItem[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [history, setHistory] = useState<History | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    const result = await urql.query<{ sessions: SessionListItem[] }>(SESSIONS, {}).toPromise();
    if (result.data) setSessions(result.data.sessions);
    else setError(describeError(result.error)?.message ?? 'Could not load sessions.');
  }, [urql]);

  useEffect(() => void load(), [load]);

  // Live: any session starting, being joined, changing mode or ending reloads the list.
  useEffect(
    () =>
      ws.subscribe(
        { query: 'subscription { sessionLifecycle }' },
        { next: () => void load(), error: () => setLive(false), complete: () => {} },
      ),
    [ws, load],
  );

  useEffect(() => {
    if (!selected) return;
    void urql
      .query<{ session: { auditEvents: AuditEntry[] }; verifyAudit: History['verification'] }>(SESSION_HISTORY, { sessionId: selected })
      .toPromise()
      .then((result) => {
        if (result.data) setHistory({ events: result.data.session.auditEvents, verification: result.data.verifyAudit });
        else setError(describeError(result.error)?.message ?? 'Could not load the history.');
      });
  }, [urql, selected]);

  return (
    <div className="app-shell">
      <TopBar urql={urql} status={live ? 'Supervisor · live' : 'Supervisor · connecting…'} statusTone={live ? 'up' : 'down'} />
      <main className="supervisor-main">
        <section className="panel">
          <div className="panel-head">
            <h1>Sessions</h1>
            <button type="button" className="button small" onClick={() => void load()}>
              Refresh
            </button>
          </div>
          {error && (
            <p className="alert" role="alert">
              {error}
            </p>
          )}
          <table className="sessions-table">
            <thead>
              <tr>
                <th>Session</th>
                <th>Status</th>
                <th>Agent</th>
                <th>Started</th>
                <th>Ended by</th>
              </tr>
            </thead>
            <tbody>
              {sessions.map((session) => (
                <tr key={session.id} className={session.id === selected ? 'selected' : undefined} data-testid="session-row">
                  <td>
                    <button type="button" className="link-button" onClick={() => setSelected(session.id)}>
                      {session.code.replace(/(\d{3})(\d{3})(\d{3})/, '$1 $2 $3')}
                    </button>
                  </td>
                  <td>
                    <span className={`status ${session.status.toLowerCase()}`}>{label(session.status)}</span>
                  </td>
                  <td>{session.agent?.name ?? '—'}</td>
                  <td>{time(session.createdAt)}</td>
                  <td>{session.endedBy ? label(session.endedBy) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {sessions.length === 0 && !error && <p className="muted">No sessions yet.</p>}
        </section>
        {history && (
          <section className="panel" aria-label="Audit history" data-testid="audit-history">
            <div className="panel-head">
              <h2>Audit history</h2>
              <span className={`chain ${history.verification.intact ? 'ok' : 'broken'}`} data-testid="audit-verification">
                {history.verification.intact
                  ? `Chain intact (${history.verification.events} events)`
                  : `Tampered at event ${history.verification.brokenAt}`}
              </span>
            </div>
            <p className="small">
              Export:{' '}
              <a href={`/api/sessions/${selected}/audit.json`} download>
                JSON
              </a>{' '}
              ·{' '}
              <a href={`/api/sessions/${selected}/audit.csv`} download>
                CSV
              </a>
            </p>
            <ol className="timeline">
              {history.events.map((event) => (
                <li key={event.sequence}>
                  <span className="muted small">{time(event.at)}</span>
                  <strong>{label(event.type)}</strong>
                  <span className="muted small">
                    by {label(event.actorKind)}
                    {details(event.data) && ` · ${details(event.data)}`}
                  </span>
                </li>
              ))}
            </ol>
          </section>
        )}
      </main>
    </div>
  );
}
