'use client';

import { useEffect, useRef } from 'react';
import type { Client as WsClient } from 'graphql-ws';
import type { StreamMessage } from '../../protocol/messages';
import { SEND_SIGNAL, SESSION_STREAM } from '../lib/documents';

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
  const handlers = useRef({ onMessage, onError });
  handlers.current = { onMessage, onError };

  useEffect(() => {
    if (!sessionId) return;
    return ws.subscribe<{ sessionStream: StreamMessage }>(
      { query: SESSION_STREAM, variables: { sessionId } },
      {
        next(result) {
          if (result.errors?.length) return handlers.current.onError(result.errors[0]!.message);
          const message = result.data?.sessionStream;
          if (!message) return;
          if (message.type === 'session' && message.event === 'state' && message.session.status !== 'ENDED') {
            void sendSignal(ws, sessionId, { type: 'request-snapshot' });
          }
          handlers.current.onMessage(message);
        },
        error(error) {
          const first = Array.isArray(error) ? (error[0] as { message?: string } | undefined) : undefined;
          handlers.current.onError(first?.message ?? 'The session stream closed.');
        },
        complete() {},
      },
    );
  }, [ws, sessionId]);
}

/** Sends an agent signal on the open socket; errors are returned, not thrown. */
export function sendSignal(ws: WsClient, sessionId: string, signal: unknown): Promise<string | null> {
  return new Promise((resolve) => {
    ws.subscribe<{ sendSignal: boolean }>(
      { query: SEND_SIGNAL, variables: { sessionId, signal } },
      {
        next: (result) => resolve(result.errors?.[0]?.message ?? null),
        error: () => resolve('Could not reach the server.'),
        complete: () => resolve(null),
      },
    );
  });
}
