'use client';

import { useEffect, useState } from 'react';
import type { Client as WsClient } from 'graphql-ws';

/** How often the agent's page measures its round trip, shown live to the agent. */
const RTT_EVERY_MS = 5_000;

interface RttPing {
  rttSentAt: number;
}

const isRttPing = (payload: unknown): payload is RttPing =>
  typeof payload === 'object' && payload !== null && typeof (payload as RttPing).rttSentAt === 'number';

/**
 * The live round-trip time of the page's socket: a graphql-transport-ws `ping` carrying the time
 * it left, answered by the server's `pong` with the same payload (graphql-ws echoes it), read
 * from the client's `pong` event. Null until measured and while the socket is down.
 */
export function useConnectionRtt(ws: WsClient): number | null {
  const [rtt, setRtt] = useState<number | null>(null);
  useEffect(() => {
    let socket: WebSocket | null = null;
    const ping = () => {
      if (socket?.readyState === WebSocket.OPEN)
        socket.send(JSON.stringify({ type: 'ping', payload: { rttSentAt: performance.now() } satisfies RttPing }));
    };
    const timer = setInterval(ping, RTT_EVERY_MS);
    const stops = [
      ws.on('connected', (opened) => {
        socket = opened as WebSocket;
        ping(); // a first reading at once, not after the first interval
      }),
      ws.on('closed', () => {
        socket = null;
        setRtt(null);
      }),
      ws.on('pong', (received, payload) => {
        if (received && isRttPing(payload)) setRtt(Math.max(0, Math.round(performance.now() - payload.rttSentAt)));
      }),
    ];
    return () => {
      clearInterval(timer);
      stops.forEach((stop) => stop());
    };
  }, [ws]);
  return rtt;
}

/** "RTT 12 ms": the agent's own connection to the server, measured live. */
export function ConnectionRtt({ ws }: { ws: WsClient }) {
  const rtt = useConnectionRtt(ws);
  return (
    <span className="muted small connection-rtt" data-testid="connection-rtt" title="Round-trip time of your connection to the server">
      RTT {rtt === null ? '—' : `${rtt} ms`}
    </span>
  );
}
