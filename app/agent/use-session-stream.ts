'use client';

import { useCallback, useRef } from 'react';
import type { Client as WsClient } from 'graphql-ws';
import type { StreamMessage } from '../../protocol/messages';
import { SEND_SIGNAL, SESSION_STREAM } from '../lib/documents';
import { documentText, useStreamEvents } from '../lib/use-stream-events';

/**
 * Follows a session's stream for as long as `sessionId` is set. Every (re)subscription starts
 * with the session's state; the agent then asks the customer for a full snapshot, so a
 * reconnect or a late join always rebuilds the view from scratch.
 */
export function useSessionStream(
  ws: WsClient,
  sessionId: string | null,
  onMessage: (message: StreamMessage) => void,
  onError: (message: string) => void,
) {
  useStreamEvents(
    SESSION_STREAM,
    sessionId ? { sessionId } : null,
    (data) => {
      const message = data.sessionStream as StreamMessage | null;
      if (!message || !sessionId) return;
      if (message.type === 'session' && message.event === 'state' && message.session.status !== 'ENDED') {
        void sendSignal(ws, sessionId, { type: 'request-snapshot' });
      }
      onMessage(message);
    },
    (error) => onError(error ?? 'The session stream closed.'),
  );
}

/** Sends an agent signal on the open socket; errors are returned, not thrown. */
export function sendSignal(ws: WsClient, sessionId: string, signal: unknown): Promise<string | null> {
  return new Promise((resolve) => {
    ws.subscribe<{ sendSignal: boolean }>(
      { query: documentText(SEND_SIGNAL), variables: { sessionId, signal } },
      {
        next: (result) => resolve(result.errors?.[0]?.message ?? null),
        error: () => resolve('Could not reach the server.'),
        complete: () => resolve(null),
      },
    );
  });
}

/** How soon after asking for a fresh snapshot (an unreadable batch) a viewer may ask again. */
const RESYNC_MIN_INTERVAL_MS = 5000;

/**
 * Asks the customer's browser for a fresh snapshot when part of its page could not be read (a
 * packed batch refused while inflating), rather than leave a view that misses it — at most every
 * few seconds, so a page whose every snapshot is refused cannot make a viewer ask without end.
 * The returned function says whether it asked.
 */
export function useResync(ws: WsClient, sessionId: string | null): () => boolean {
  const last = useRef(0);
  return useCallback(() => {
    if (!sessionId || Date.now() - last.current < RESYNC_MIN_INTERVAL_MS) return false;
    last.current = Date.now();
    void sendSignal(ws, sessionId, { type: 'request-snapshot' });
    return true;
  }, [ws, sessionId]);
}
