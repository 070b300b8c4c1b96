'use client';

import { Replayer } from 'rrweb';
import { MASKED_PAGE_EVENT_TAG, type RecordedEvent } from '../../protocol/messages';
import { isPackedEvents, unpackEvents } from '../../protocol/packed-events';
import { isLargeMutation, splitMutation } from './mutation-chunks';

const META_EVENT = 4;
const CUSTOM_EVENT = 5;

/** A page the customer's widget did not record, and why (R21). */
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

export interface LiveReplay {
  /**
   * Applies a batch of the customer's recorded events as soon as possible, in arrival order;
   * packed events are inflated first (never past their declared size; one that cannot be is
   * dropped, and the view waits for the next snapshot), and a mutation adding thousands of nodes
   * is spread over several frames.
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
 * replayer then plays it on its next frame, whatever the customer's clock says.
 */
export function createLiveReplay(
  root: HTMLElement,
  on: {
    resize: (size: { width: number; height: number }) => void;
    page: (href: string) => void;
    rebuilt: (document: Document) => void;
    hidden: (page: HiddenPage) => void;
  },
): LiveReplay {
  let replayer: Replayer | null = null;

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
    });
    replayer.on('resize', (size) => on.resize(size as { width: number; height: number }));
    const rebuilt = replayer;
    replayer.on('fullsnapshot-rebuilded', () => rebuilt.iframe.contentDocument && on.rebuilt(rebuilt.iframe.contentDocument));
    replayer.startLive(Date.now());
  }

  function apply(event: RecordedEvent) {
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
    replayer.addEvent({ ...event, timestamp: Date.now() } as Parameters<Replayer['addEvent']>[0]);
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
          // One part per frame: rrweb applies what it was given at its next frame, on a frame
          // callback it asks for once the event is in (a microtask later); the next part waits
          // for a frame callback asked for after that one.
          for (const part of splitMutation(event)) {
            apply(part);
            await new Promise((resolve) => setTimeout(resolve, 0));
            await new Promise((resolve) => requestAnimationFrame(resolve));
            if (mine !== generation) return;
          }
          continue;
        }
        if (!isPackedEvents(event)) {
          apply(event);
          continue;
        }
        const unpacked = await unpackEvents(event.data.payload).catch((error: unknown) => {
          console.error('Co-browse: packed events refused:', error);
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
      if (inflating || events.some((event) => isPackedEvents(event) || isLargeMutation(event))) {
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
