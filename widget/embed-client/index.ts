/**
 * The typed client of the embeddable agent view's `postMessage` bridge, for the page of a CRM or
 * helpdesk that frames `/embed/agent`. Built to dist/embed-client.mjs (served at
 * `/embed-client.mjs`) and typed by dist/embed-client.d.mts:
 *
 * ```js
 * import { connectAgentView } from 'https://cobrowse.example.com/embed-client.mjs';
 * const frame = document.createElement('iframe');
 * frame.src = 'https://cobrowse.example.com/embed/agent';
 * const view = connectAgentView(frame); // before the frame loads, so its `ready` is not missed
 * document.body.append(frame);
 * view.on('joined', ({ code }) => console.log('in session', code));
 * await view.join('123123123');
 * ```
 *
 * It accepts messages only from that frame's window and the view's origin, and posts only to that
 * origin (never `*`). The message shapes are in protocol/embed-bridge.ts and docs/embed.md.
 */
import {
  EMBED_BRIDGE,
  EMBED_BRIDGE_VERSION,
  type EmbedCommand,
  type EmbedErrorCode,
  type EmbedEvent,
} from '../../protocol/embed-bridge.ts';

export type { EmbedErrorCode, EmbedEvent, EmbedMode } from '../../protocol/embed-bridge.ts';

/** The events of the view, by name, with what each carries. */
export type AgentViewEventMap = { [Name in EmbedEvent['event']]: Omit<Extract<EmbedEvent, { event: Name }>, 'event'> };

/** A command the view refused or did not answer in time (`TIMEOUT`). */
export class AgentViewError extends Error {
  /** Why, as the bridge names it. */
  readonly code: EmbedErrorCode | 'TIMEOUT';
  constructor(code: EmbedErrorCode | 'TIMEOUT', message: string) {
    super(message);
    this.name = 'AgentViewError';
    this.code = code;
  }
}

/** Options of `connectAgentView`. */
export interface AgentViewOptions {
  /** The view's origin; by default that of the frame's `src`. */
  origin?: string;
  /** How long a command may wait for its reply (default 30 s; joining waits on the server). */
  timeoutMs?: number;
}

/** The framed agent view, driven from the host page. */
export interface AgentView {
  /** Calls `handler` on each such event; returns a function that stops it. */
  on<Name extends keyof AgentViewEventMap>(name: Name, handler: (detail: AgentViewEventMap[Name]) => void): () => void;
  /** Joins a customer's session by its 9-digit ID; rejects with an `AgentViewError`. */
  join(code: string): Promise<void>;
  /** Asks the customer for Write Mode (the `mode` event says when they answer). */
  requestWriteMode(): Promise<void>;
  /** Ends the session. */
  end(): Promise<void>;
  /** Stops listening; pending commands reject. */
  close(): void;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** Connects to the agent view in `frame` (an `<iframe>` whose `src` is the view's `/embed/agent`). */
export function connectAgentView(frame: HTMLIFrameElement, options: AgentViewOptions = {}): AgentView {
  const origin = options.origin ?? new URL(frame.src, location.href).origin;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const handlers = new Map<string, Set<(detail: never) => void>>();
  const pending = new Map<number, { resolve: () => void; reject: (error: AgentViewError) => void; timer: ReturnType<typeof setTimeout> }>();
  let nextId = 1;

  function settle(id: unknown, error: AgentViewError | null) {
    const waiting = typeof id === 'number' ? pending.get(id) : undefined;
    if (!waiting) return false;
    pending.delete(id as number);
    clearTimeout(waiting.timer);
    if (error) waiting.reject(error);
    else waiting.resolve();
    return true;
  }

  function onMessage(event: MessageEvent) {
    if (event.source !== frame.contentWindow || event.origin !== origin) return;
    const data = event.data as Record<string, unknown> | null;
    if (typeof data !== 'object' || data === null || data.type !== EMBED_BRIDGE || data.version !== EMBED_BRIDGE_VERSION) return;
    if ('reply' in data) {
      settle(data.reply, data.ok === true ? null : new AgentViewError(data.code as EmbedErrorCode, String(data.message)));
      return;
    }
    if (typeof data.event !== 'string') return;
    // A refused message with a usable id fails that command; the event is told all the same.
    if (data.event === 'error' && data.id !== undefined)
      settle(data.id, new AgentViewError(data.code as EmbedErrorCode, String(data.message)));
    const { type: _type, version: _version, event: name, ...detail } = data;
    for (const handler of handlers.get(name as string) ?? []) handler(detail as never);
  }
  window.addEventListener('message', onMessage);

  function send(command: EmbedCommand): Promise<void> {
    const id = nextId++;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => settle(id, new AgentViewError('TIMEOUT', `No reply to ${command.command} in ${timeoutMs} ms.`)),
        timeoutMs,
      );
      pending.set(id, { resolve, reject, timer });
      if (!frame.contentWindow) return settle(id, new AgentViewError('TIMEOUT', 'The frame is not in the page.'));
      frame.contentWindow.postMessage({ type: EMBED_BRIDGE, version: EMBED_BRIDGE_VERSION, id, ...command }, origin);
    });
  }

  return {
    on(name, handler) {
      const set = handlers.get(name) ?? new Set();
      handlers.set(name, set);
      set.add(handler as (detail: never) => void);
      return () => void set.delete(handler as (detail: never) => void);
    },
    join: (code) => send({ command: 'join', code }),
    requestWriteMode: () => send({ command: 'request-write' }),
    end: () => send({ command: 'end' }),
    close() {
      window.removeEventListener('message', onMessage);
      for (const id of [...pending.keys()]) settle(id, new AgentViewError('TIMEOUT', 'The client was closed.'));
    },
  };
}
