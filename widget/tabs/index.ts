import { CUSTOMER_TAB_EVENT_TAG } from '../../protocol/customer-tabs.ts';
import type { ActorKind } from '../../protocol/messages.ts';
import type { CobrowseApi } from '../api.ts';
import type { Recorder } from '../recorder.ts';
import { markSessionLive, saveSession, type StoredSession } from '../session-store.ts';
import { tabMessageOf, type TabMessage } from './tab-messages.ts';
import { createTabRoster, type TabRoster } from './tab-roster.ts';

/** The site's tabs talk on this BroadcastChannel (one per origin, so other sites never hear it). */
export const TABS_CHANNEL = 'cobrowse-tabs';

/** A tab without a session waits this long for another tab to hand it one. */
export const ASK_WAIT_MS = 1000;

type Hooks = {
  live: () => { session: StoredSession } | null;
  open: (session: StoredSession) => void;
  connect: () => void;
  pause: () => void;
  release: () => void;
  go: (event: { type: 'end'; endedBy: ActorKind | null }) => unknown;
  recorder: Pick<Recorder, 'custom' | 'id'> & { snapshotted?: () => void };
  api: Pick<CobrowseApi, 'on'>;
};

let followed = false;

/**
 * The chunk /widget-tabs.js, loaded while a session runs in this tab or a tab marked one live:
 * keeps the session across the site's tabs. A tab without one asks the others, which hand it
 * over; the tab the customer is looking at streams, and every other tab stops recording and,
 * once that tab's stream is up, closes its socket (so the customer never looks gone in between).
 * When the tab holding the socket closes while no tab is shown, the first tab takes it over;
 * when the session ends in one tab, every tab drops it.
 */
export function followTabs(
  /** The session this tab has open, if any. */
  liveHook: Hooks['live'],
  /** Opens a session handed over by another tab (its socket and stream start at once). */
  openHook: Hooks['open'],
  /** (Re)opens the stream, and the socket if it was closed: this tab is the one the agent sees. */
  connectHook: Hooks['connect'],
  /** Stops recording and the stream; the socket stays, so the customer is still connected. */
  pauseHook: Hooks['pause'],
  /** Closes the socket: another tab holds the session. */
  releaseHook: Hooks['release'],
  /** Ends the session on this page (another tab said it ended). */
  goHook: Hooks['go'],
  recorderHook: Hooks['recorder'],
  apiHook: Hooks['api'],
): void {
  if (followed || typeof BroadcastChannel !== 'function') return;
  followed = true;
  const hooks: Hooks = {
    live: liveHook,
    open: openHook,
    connect: connectHook,
    pause: pauseHook,
    release: releaseHook,
    go: goHook,
    recorder: recorderHook,
    api: apiHook,
  };
  const me = Math.random().toString(36).slice(2, 12).padEnd(8, '0');
  const channel = new BroadcastChannel(TABS_CHANNEL);
  const post = (message: TabMessage) => channel.postMessage(message);
  /** The session this chunk follows, and its tabs. */
  let sessionId: string | null = null;
  let roster: TabRoster | null = null;
  /** When this tab joined the session: tabs are numbered in that order. */
  let since = 0;
  /** Streaming (shown), paused (hidden, holding the socket) or released (hidden, no socket). */
  let state: 'streaming' | 'paused' | 'released' = 'streaming';
  /** Waiting for the stream's first state after (re)opening it, to tell the other tabs. */
  let announcing = false;
  let asking: ReturnType<typeof setTimeout> | undefined;

  const shown = () => document.visibilityState === 'visible';
  /** Tells the agent's view which tab this is, while this tab streams and its page is recorded. */
  const sendTab = () =>
    state === 'streaming' && roster && hooks.recorder.id(document) > 0 && hooks.recorder.custom(CUSTOMER_TAB_EVENT_TAG, roster.position());

  const join = (session: StoredSession) => {
    sessionId = session.sessionId;
    since = Date.now();
    roster = createTabRoster(me, since);
    markSessionLive(true);
    post({ type: 'hello', tab: me, sessionId, since });
  };
  const stream = () => {
    state = 'streaming';
    announcing = true;
    hooks.connect();
  };
  const pause = () => {
    if (state !== 'streaming') return;
    hooks.pause();
    state = 'paused';
  };
  const release = () => {
    pause();
    hooks.release();
    state = 'released';
  };
  const ask = () => {
    if (asking || hooks.live()) return;
    post({ type: 'ask', tab: me });
    // Nobody answered: no tab holds a session any more (closed without saying so).
    asking = setTimeout(() => {
      asking = undefined;
      if (!hooks.live()) markSessionLive(false);
    }, ASK_WAIT_MS);
  };

  /** The customer looks at this tab now: it streams, or asks for the session it may join. */
  const showing = () => {
    if (!shown()) return;
    if (!hooks.live()) return ask();
    markSessionLive(true);
    if (state !== 'streaming') stream();
  };
  document.addEventListener('visibilitychange', () => (shown() ? showing() : hooks.live() && pause()));
  // Two windows side by side are both visible: the one the customer works in streams.
  addEventListener('focus', showing);
  addEventListener('pagehide', (event) => {
    if (sessionId && !event.persisted) post({ type: 'bye', tab: me, sessionId, held: state !== 'released' });
  });

  hooks.api.on('state', () => {
    if (!announcing || !sessionId) return;
    announcing = false;
    post({ type: 'streaming', tab: me, sessionId });
    sendTab();
  });
  // A new session started in this tab after the last one ended.
  hooks.api.on('started', () => {
    const open = hooks.live();
    if (!open) return;
    join(open.session);
    post({ type: 'streaming', tab: me, sessionId: open.session.sessionId });
  });
  hooks.api.on('ended', ({ endedBy }) => {
    if (sessionId) post({ type: 'ended', tab: me, sessionId, endedBy });
    markSessionLive(false);
    sessionId = roster = null;
    state = 'streaming';
  });
  // The tab is sent again with every snapshot, from which the agent's view is rebuilt: once the
  // recorder counts as recording (the first snapshot is taken while it starts).
  const snapshotted = hooks.recorder.snapshotted;
  hooks.recorder.snapshotted = () => {
    snapshotted?.();
    queueMicrotask(sendTab);
  };

  channel.onmessage = ({ data }: MessageEvent) => {
    const message = tabMessageOf(data);
    if (!message || message.tab === me) return;
    const open = hooks.live();
    if (message.type === 'ask') {
      if (open) post({ type: 'offer', tab: me, to: message.tab, session: open.session });
      return;
    }
    if (message.type === 'offer') {
      if (message.to !== me || open || !asking) return;
      clearTimeout(asking);
      asking = undefined;
      saveSession(message.session);
      // Opening it starts its stream: this tab streams, and tells the others once the stream is up.
      state = 'streaming';
      announcing = true;
      hooks.open(message.session);
      join(message.session);
      // Opened in the background (a middle-click): the tab that offered streams on.
      if (!shown()) release();
      return;
    }
    if (!open || message.sessionId !== sessionId || !roster) return;
    if (message.type === 'ended') return void hooks.go({ type: 'end', endedBy: message.endedBy });
    if (message.type === 'streaming') {
      if (state !== 'released') release();
      return;
    }
    if (message.type === 'hello' || message.type === 'here') {
      roster.add(message.tab, message.since);
      if (message.type === 'hello') post({ type: 'here', tab: me, sessionId: message.sessionId, since });
    } else if (message.type === 'bye') {
      roster.remove(message.tab);
      // The tab that held the socket closed: the shown tab streams; with none shown, the first takes the socket.
      if (message.held && state === 'released') {
        if (shown()) stream();
        else if (roster.first() === me) {
          stream();
          pause();
        }
      }
    }
    sendTab();
  };

  const open = hooks.live();
  if (open) {
    join(open.session);
    // A tab loaded in the background holds the socket without streaming, until a shown tab streams.
    if (!shown()) pause();
    else post({ type: 'streaming', tab: me, sessionId: open.session.sessionId });
  } else ask();
}
