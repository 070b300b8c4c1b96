'use client';

import { Replayer } from 'rrweb';
import { CUSTOMER_TAB_EVENT_TAG, customerTabOf, type CustomerTab } from '../../protocol/customer-tabs';
import { MASKED_PAGE_EVENT_TAG, type RecordedEvent } from '../../protocol/messages';
import { isPackedEvents, unpackEvents } from '../../protocol/packed-events';
import { replayAssets } from '../lib/replay-assets';
import { frameReplayEvents, isFrameEvents } from '../lib/replay-frames';
import { frameMarks } from './frame-marks';
import { pointerStatesReplay } from '../lib/replay-pointer-states';
import { openDialogsWithoutFocus, popoverReplay } from '../lib/replay-top-layer';
import { canvasFrames } from './canvas-frames';
import { shadowRootMarks } from './shadow-root-marks';
import { isLargeMutation, planMutation } from './mutation-chunks';

const INCREMENTAL_SNAPSHOT = 3;
const META_EVENT = 4;
const CUSTOM_EVENT = 5;
/**
 * rrweb's incremental sources whose replay is the same applied at once as on the replayer's next
 * frame (DOM mutations, input values); pointer, scroll and selection events differ, and wait for it.
 */
const AT_ONCE_SOURCES = new Set([0, 5]);

/** The next task: a large mutation's parts are applied one per task, so input and frames come in between. */
function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    // Not setTimeout: nested timers are held back 4 ms each.
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

const nextFrame = () => new Promise((resolve) => requestAnimationFrame(resolve));

/** A page the customer's widget did not record (an admin hid it from agents), and why. */
export interface HiddenPage {
  href: string;
  reason: string;
}

function hiddenPage(event: RecordedEvent): HiddenPage | null {
  if (event.type !== CUSTOM_EVENT) return null;
  const data = event.data as { tag?: unknown; payload?: { href?: unknown; reason?: unknown } };
  if (data.tag !== MASKED_PAGE_EVENT_TAG) return null;
  return { href: String(data.payload?.href ?? ''), reason: String(data.payload?.reason ?? '') };
}

function tabOf(event: RecordedEvent): CustomerTab | null {
  if (event.type !== CUSTOM_EVENT) return null;
  const data = event.data as { tag?: unknown; payload?: unknown };
  return data.tag === CUSTOMER_TAB_EVENT_TAG ? customerTabOf(data.payload) : null;
}

export interface LiveReplay {
  /**
   * Applies a batch of the customer's recorded events as soon as possible, in arrival order;
   * packed events are inflated first (never past their declared size; one that cannot be is
   * dropped, and the view waits for the next snapshot), and a mutation adding thousands of nodes
   * is spread over several tasks.
   */
  addEvents(events: RecordedEvent[]): void;
  /** The sandboxed iframe holding the rebuilt page, once a snapshot arrived. */
  iframe(): HTMLIFrameElement | null;
  /** rrweb's id of a node in the rebuilt page (the same id the customer's recorder uses). */
  nodeId(node: Node): number | null;
  destroy(): void;
}

/**
 * rrweb's live replayer, rebuilt from scratch at every Meta event (a new page or a resync), so
 * stale nodes and old events are dropped. Arrival time replaces each event's timestamp: the
 * replayer then plays it on its next frame, whatever the customer's clock says. DOM mutations and
 * input values are applied at once instead, when nothing waits for that frame (they would
 * overtake it): rrweb applies an event older than the live baseline synchronously.
 */
export function createLiveReplay(
  root: HTMLElement,
  on: {
    resize: (size: { width: number; height: number }) => void;
    page: (href: string) => void;
    rebuilt: (document: Document) => void;
    hidden: (page: HiddenPage) => void;
    /** A packed batch could not be read: the view misses part of the page until a fresh snapshot. */
    unreadable: () => void;
    /** Which of the customer's tabs streams, when their widget says (it sends it after every snapshot). */
    tab?: (tab: CustomerTab) => void;
  },
): LiveReplay {
  let replayer: Replayer | null = null;
  /** The live replay's start: an event stamped before it is applied at once. */
  let baseline = 0;
  /** An event was given to the replayer for its next frame in this turn, and is not in its timer yet (a microtask later). */
  let queuedThisTurn = false;

  /** Whether the replayer holds events for its next frame. */
  const frameEventsPending = () =>
    queuedThisTurn || ((replayer?.timer as unknown as { actions?: unknown[] } | undefined)?.actions?.length ?? 0) > 0;

  function restart() {
    replayer?.destroy();
    replayer = new Replayer([], {
      root,
      liveMode: true,
      mouseTail: false,
      triggerFocus: false,
      showWarning: false,
      showDebug: false,
      UNSAFE_replayCanvas: false,
      // The virtual DOM serves fast-forwarding a recording; applied at once, live changes go to the page.
      useVirtualDom: false,
      // A live view is never paused, but rrweb marks it so (its state is "live", not "playing"),
      // which would hold every CSS animation on its first frame: what fades in would never show.
      pauseAnimation: false,
      plugins: [popoverReplay, replayAssets(), canvasFrames, shadowRootMarks, pointerStatesReplay(), frameMarks],
    });
    // Screen readers name a frame by its title; rrweb leaves it without one.
    replayer.iframe.title = 'The customer’s page, live';
    if (replayer.iframe.contentWindow) openDialogsWithoutFocus(replayer.iframe.contentWindow);
    replayer.on('resize', (size) => on.resize(size as { width: number; height: number }));
    const rebuilt = replayer;
    replayer.on('fullsnapshot-rebuilded', () => rebuilt.iframe.contentDocument && on.rebuilt(rebuilt.iframe.contentDocument));
    baseline = Date.now();
    replayer.startLive(baseline);
  }

  function apply(event: RecordedEvent) {
    const tab = tabOf(event);
    if (tab) on.tab?.(tab);
    const hidden = hiddenPage(event);
    if (hidden) {
      // Nothing of that page was sent; drop the previous one rather than show it stale.
      replayer?.destroy();
      replayer = null;
      on.page(hidden.href);
      on.hidden(hidden);
      return;
    }
    if (event.type === META_EVENT) {
      restart();
      const href = (event.data as { href?: unknown }).href;
      if (typeof href === 'string') on.page(href);
    }
    if (!replayer) return; // nothing to apply changes to until a snapshot arrives
    const atOnce =
      event.type === INCREMENTAL_SNAPSHOT && AT_ONCE_SOURCES.has((event.data as { source?: number }).source ?? -1) && !frameEventsPending();
    if (!atOnce && !queuedThisTurn) {
      queuedThisTurn = true;
      queueMicrotask(() => (queuedThisTurn = false)); // after the replayer's own microtask took the event in
    }
    replayer.addEvent({ ...event, timestamp: atOnce ? baseline - 1 : Date.now() } as Parameters<Replayer['addEvent']>[0]);
  }

  /**
   * Applies a large mutation in parts, one per task; false when the replay was destroyed meanwhile.
   * New subtrees are built off the page when the plan allows (see `planMutation`).
   */
  async function applyInParts(event: RecordedEvent, mine: number): Promise<boolean> {
    // The parts are applied at once: what the replayer holds for its next frame goes first.
    while (replayer && frameEventsPending()) {
      await nextFrame();
      if (mine !== generation) return false;
    }
    const { parts, detached } = planMutation(event);
    const held: [node: Node, mark: Comment][] = [];
    for (let index = 0; index < parts.length; index++) {
      if (index > 0) {
        await nextTask();
        if (mine !== generation) return false;
      }
      if (index === parts.length - 1) for (const [node, mark] of held) mark.parentNode?.replaceChild(node, mark);
      apply(parts[index]!);
      await Promise.resolve(); // rrweb applies it a microtask after it is given
      if (index === 0 && replayer && parts.length > 2)
        for (const id of detached) {
          const node = replayer.getMirror().getNode(id) as Node | null;
          if (!node?.parentNode) continue;
          const mark = node.ownerDocument!.createComment('');
          node.parentNode.replaceChild(mark, node);
          held.push([node, mark]);
        }
    }
    return true;
  }

  // Events wait here while a packed one before them is inflated, so none overtakes another.
  let waiting: RecordedEvent[] = [];
  let inflating = false;
  let generation = 0;
  async function applyWaiting() {
    const mine = generation;
    inflating = true;
    try {
      for (let next = 0; next < waiting.length; next++) {
        const event = waiting[next]!;
        if (isLargeMutation(event)) {
          if (!(await applyInParts(event, mine))) return;
          continue;
        }
        if (!isPackedEvents(event) && !isFrameEvents(event)) {
          apply(event);
          continue;
        }
        // A trusted frame's own events (packed or not) become the page's, in their place.
        const read = isPackedEvents(event) ? unpackEvents(event.data.payload) : frameReplayEvents(event);
        const unpacked = await read.catch((error: unknown) => {
          console.error('Co-browse: packed events refused:', error);
          on.unreadable();
          return [];
        });
        if (mine !== generation) return;
        waiting.splice(next + 1, 0, ...unpacked);
      }
    } finally {
      if (mine === generation) {
        waiting = [];
        inflating = false;
      }
    }
  }

  return {
    addEvents(events) {
      if (inflating || events.some((event) => isPackedEvents(event) || isFrameEvents(event) || isLargeMutation(event))) {
        waiting.push(...events);
        if (!inflating) void applyWaiting();
      } else events.forEach(apply);
    },
    iframe: () => replayer?.iframe ?? null,
    nodeId(node) {
      const id = replayer?.getMirror().getId(node as never);
      return id !== undefined && id > 0 ? id : null;
    },
    destroy() {
      generation++;
      waiting = [];
      inflating = false;
      replayer?.destroy();
      replayer = null;
    },
  };
}
