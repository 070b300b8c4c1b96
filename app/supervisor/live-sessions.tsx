'use client';

import Link from 'next/link';
import { useEffect, useState } from 'react';
import type { HistorySession } from '../lib/supervision-documents';
import { between, formatCode, formatDuration, label, shortUrl } from './format';

const TICK_MS = 1000;

/** Sessions not yet ended, for supervisors to watch; the parent refreshes them on every lifecycle event. */
export function LiveSessions({
  sessions,
  selectedId,
  onSelect,
}: {
  sessions: HistorySession[] | null;
  selectedId: string | null;
  onSelect: (id: string) => void;
}) {
  // Ticks so the "for 3 min" counters move without new data.
  const [now, setNow] = useState(() => new Date().toISOString());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date().toISOString()), TICK_MS);
    return () => clearInterval(timer);
  }, []);

  return (
    <section className="panel" aria-labelledby="live-heading">
      <div className="panel-head">
        <h1 id="live-heading">
          Live sessions <span className="count-badge">{sessions?.length ?? '…'}</span>
        </h1>
      </div>
      <ul className="live-list" data-testid="supervisor-live-list">
        {sessions?.map((session) => (
          <li key={session.id} className={session.id === selectedId ? 'selected' : undefined} data-testid="session-row">
            <span className={`live-dot ${session.status.toLowerCase()}`} aria-hidden="true" />
            <button type="button" className="link-button" onClick={() => onSelect(session.id)}>
              {formatCode(session.code)}
            </button>
            <span className={`status ${session.status.toLowerCase()}`}>{label(session.status)}</span>
            {session.mode === 'WRITE' && <span className="status write">Write Mode</span>}
            {session.mode === 'GUIDED' && (
              <span className="status guided" data-testid="session-guided-mode">
                Guided Mode
              </span>
            )}
            <span className="live-agent">{session.agent?.name ?? <span className="muted">No agent yet</span>}</span>
            <span className="live-url muted small" title={session.url}>
              {shortUrl(session.url)}
            </span>
            <span className="live-age muted small">for {formatDuration(between(session.createdAt, now))}</span>
            <Link href={`/supervisor/watch?session=${session.id}`} className="button small subtle" data-testid="supervisor-watch">
              Watch
            </Link>
          </li>
        ))}
      </ul>
      {sessions?.length === 0 && (
        <p className="muted small empty">No one is co-browsing right now. New sessions appear here as they start.</p>
      )}
    </section>
  );
}
