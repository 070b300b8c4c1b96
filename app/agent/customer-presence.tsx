'use client';

import { useEffect, useState } from 'react';
import './customer-presence.css';

/** A page load within the site reconnects within this; longer, the customer is shown as gone. */
const RECONNECT_GRACE_MS = 3_000;

export type PresenceKind = 'unknown' | 'connected' | 'reconnecting' | 'gone';

/** What the customer's connection looks like, from the server's `customerGoneAt` (undefined: not told yet). */
export function presenceKind(goneAt: string | null | undefined, now: number): PresenceKind {
  if (goneAt === undefined) return 'unknown';
  if (goneAt === null) return 'connected';
  return now - Date.parse(goneAt) < RECONNECT_GRACE_MS ? 'reconnecting' : 'gone';
}

const DOT_CLASS: Record<PresenceKind, string> = { unknown: 'waiting', connected: 'live', reconnecting: 'waiting', gone: 'gone' };

const minutesAndSeconds = (ms: number) => {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
};

/** Re-renders every second while the customer is away, so the words and the time stay current. */
function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    setNow(Date.now());
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

/**
 * The customer's real connection state, with its dot: connected, reconnecting (just dropped: a
 * page load, a network blip) or gone (and for how long; the server ends the session after a while).
 */
export function CustomerPresence({ goneAt }: { goneAt: string | null | undefined }) {
  const now = useNow(typeof goneAt === 'string');
  const kind = presenceKind(goneAt, now);
  const text = {
    unknown: 'Checking the customer’s connection…',
    connected: 'Customer connected',
    reconnecting: 'Customer reconnecting…',
    gone: `Customer gone for ${minutesAndSeconds(now - Date.parse(goneAt ?? ''))}: waiting for them to come back`,
  }[kind];
  return (
    <div className="customer-presence">
      <span className={`status-dot ${DOT_CLASS[kind]}`} aria-hidden="true" />
      <span className="muted small" data-testid="customer-presence" data-presence={kind} role="status">
        {text}
      </span>
    </div>
  );
}
