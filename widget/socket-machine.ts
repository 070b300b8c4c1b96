import { FATAL_CLOSE_CODES } from '../protocol/close-codes.ts';

/**
 * The widget socket's connection as explicit states, with no sockets and no timers: openSocket
 * feeds it what its socket does and acts on where it lands. An event the state does not take
 * returns that very state object, which is how the client knows to do nothing (an
 * acknowledgement or a retry after it was disposed, the close of the socket it just disposed).
 */
export type SocketState =
  /** A socket is opening, or open and awaiting the server's connection_ack; `failures`: attempts in a row that closed. */
  | { name: 'connecting'; failures: number }
  /** Acknowledged: operations and uploads go out. */
  | { name: 'open' }
  /** Closed by the network or the server: a new socket opens after a backoff that grows with `failures`. */
  | { name: 'reconnecting'; failures: number }
  /** Disposed, or closed with a code that says never to come back: no socket opens again. */
  | { name: 'closed' };

export type SocketEvent = { type: 'acknowledged' } | { type: 'closed'; code: number } | { type: 'retry' } | { type: 'dispose' };

export const CONNECTING: SocketState = { name: 'connecting', failures: 0 };

/** The next state after `event`, or `state` itself when it refuses the event. */
export function socketTransition(state: SocketState, event: SocketEvent): SocketState {
  const { name } = state;
  if (name === 'closed') return state;
  if (event.type === 'dispose') return { name: 'closed' };
  if (event.type === 'retry') return name === 'reconnecting' ? { name: 'connecting', failures: state.failures + 1 } : state;
  if (name === 'reconnecting') return state; // no socket is open to acknowledge or close
  if (event.type === 'acknowledged') return name === 'connecting' ? { name: 'open' } : state;
  if (FATAL_CLOSE_CODES.includes(event.code)) return { name: 'closed' };
  return { name: 'reconnecting', failures: name === 'connecting' ? state.failures : 0 };
}
