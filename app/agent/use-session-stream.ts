'use client';

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
