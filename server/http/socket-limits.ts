import type { IncomingMessage } from 'node:http';
import { GraphQLError } from 'graphql';
import type { WebSocket, WebSocketServer } from 'ws';
import { StreamCloseCode } from '../../protocol/close-codes.ts';
import { clientAddressOf } from './request-address.ts';
import { AppError, ErrorCode } from '../core/errors.ts';
import type { Config } from '../core/config.ts';

/**
 * Close code for a socket that stopped reading while the server had data for it. Not a fatal
 * code, so the widget and the agent page reconnect and resync from a snapshot.
 */
export const SLOW_SOCKET_CLOSE_CODE = StreamCloseCode.SLOW_CONSUMER;

/** A socket asked to close but still not gone after this long is dropped outright. */
const TERMINATE_AFTER_MS = 5_000;

type SocketLimitConfig = Pick<
  Config,
  'socketBufferBytes' | 'socketBufferGraceMs' | 'maxSocketsPerAddress' | 'maxSubscriptionsPerSocket' | 'trustProxyHops'
>;

/**
 * Closes sockets whose unsent bytes (`bufferedAmount`) stay above the limit for the grace period,
 * so one agent on a stalled network holds neither the server's memory nor anyone else's stream.
 * Checked a few times per grace period; returns the function that stops checking.
 */
export function closeSlowSockets(wss: WebSocketServer, config: SocketLimitConfig): () => void {
  const overSince = new WeakMap<WebSocket, number>();
  const interval = Math.max(50, Math.floor(config.socketBufferGraceMs / 4));
  const timer = setInterval(() => {
    const now = Date.now();
    for (const socket of wss.clients) {
      if (socket.readyState !== socket.OPEN || socket.bufferedAmount <= config.socketBufferBytes) {
        overSince.delete(socket);
        continue;
      }
      const since = overSince.get(socket) ?? now;
      overSince.set(socket, since);
      if (now - since >= config.socketBufferGraceMs) closeSlowSocket(socket);
    }
  }, interval);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * Closes a socket that fell behind (SLOW_SOCKET_CLOSE_CODE). Once closing, nothing more is queued
 * on it — not even the SLOW_CONSUMER error of a cut subscription — so the client sees a dropped
 * connection, reconnects, and its still-active subscriptions restart from a fresh state.
 */
export function closeSlowSocket(socket: WebSocket): void {
  if (socket.readyState !== socket.OPEN) return;
  socket.close(SLOW_SOCKET_CLOSE_CODE, 'Too slow: the connection fell behind');
  // The close frame waits behind the unread data; do not keep that data for ws's 30 s close timeout.
  setTimeout(() => socket.readyState !== socket.CLOSED && socket.terminate(), TERMINATE_AFTER_MS).unref();
}

/**
 * Closes a socket that sends more upload frames, or more upload bytes, than it may have waiting
 * (UPLOADS_FLOODED, not retried). A client that keeps sending is dropped outright soon after, as
 * its frames would otherwise keep arriving until ws's close timeout.
 */
export function closeFloodingSocket(socket: WebSocket, reason: string): void {
  if (socket.readyState !== socket.OPEN) return;
  socket.close(StreamCloseCode.UPLOADS_FLOODED, reason);
  setTimeout(() => socket.readyState !== socket.CLOSED && socket.terminate(), TERMINATE_AFTER_MS).unref();
}

/**
 * Counts each customer's open sockets (by the session its token names): one tab holds one, a page
 * load briefly two. Past the cap a socket is closed with TOO_MANY_SOCKETS, which the widget
 * retries after a pause, so a token cannot be used to hold hundreds of sockets and their buffers.
 */
export function limitSocketsPerCustomer(config: Pick<Config, 'maxSocketsPerCustomer'>) {
  const open = new Map<string, Set<WebSocket>>();
  return {
    /** Counts an acknowledged customer's socket; false (and the socket closed) when the customer already holds the maximum. */
    admit(socket: WebSocket, sessionId: string): boolean {
      let sockets = open.get(sessionId);
      if (!sockets) open.set(sessionId, (sockets = new Set()));
      if (sockets.size >= config.maxSocketsPerCustomer) {
        socket.close(StreamCloseCode.TOO_MANY_SOCKETS, 'Too many connections for this session');
        return false;
      }
      sockets.add(socket);
      socket.once('close', () => {
        sockets.delete(socket);
        if (sockets.size === 0 && open.get(sessionId) === sockets) open.delete(sessionId);
      });
      return true;
    },
  };
}

/** A subscription cut by subscribeToTopics for falling behind (graphql-ws wraps the thrown error). */
export const isSlowConsumerError = (error: GraphQLError): boolean =>
  error.extensions?.code === ErrorCode.SLOW_CONSUMER ||
  (error.originalError instanceof AppError && error.originalError.code === ErrorCode.SLOW_CONSUMER);

/**
 * Refuses a WebSocket upgrade (HTTP 429) from an address that already holds the maximum number of
 * open sockets. ws asks `verifyClient` before completing an upgrade, also in `noServer` mode.
 */
export function limitSocketsPerAddress(wss: WebSocketServer, config: SocketLimitConfig): void {
  const open = new Map<string, number>();
  const addressOf = (request: IncomingMessage) => clientAddressOf(request, config.trustProxyHops);
  wss.options.verifyClient = ({ req }: { req: IncomingMessage }, callback: (ok: boolean, code?: number, message?: string) => void) => {
    if ((open.get(addressOf(req)) ?? 0) >= config.maxSocketsPerAddress) callback(false, 429, 'Too many connections from this address');
    else callback(true);
  };
  wss.on('connection', (socket: WebSocket, request: IncomingMessage) => {
    const address = addressOf(request);
    open.set(address, (open.get(address) ?? 0) + 1);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left > 0) open.set(address, left);
      else open.delete(address);
    });
  });
}

/** Counts each socket's live subscriptions (keyed by its graphql-ws context) against a cap. */
export function createSubscriptionCounter(config: SocketLimitConfig) {
  const live = new WeakMap<object, Set<string>>();
  return {
    /** Registers a subscription, or returns the error to answer it with when the socket is full. */
    admit(connection: object, id: string): AppError | null {
      let ids = live.get(connection);
      if (!ids) live.set(connection, (ids = new Set()));
      if (ids.size >= config.maxSubscriptionsPerSocket) {
        return new AppError(
          ErrorCode.TOO_MANY_SUBSCRIPTIONS,
          `At most ${config.maxSubscriptionsPerSocket} subscriptions per connection; end one first.`,
        );
      }
      ids.add(id);
      return null;
    },
    /** The operation ended, however it ended (graphql-ws's onComplete). */
    release(connection: object, id: string): void {
      live.get(connection)?.delete(id);
    },
  };
}
