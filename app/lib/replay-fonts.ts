import type { ReplayPlugin, Replayer } from 'rrweb';
import { ASSETS_PATH, PAGE_FONTS_EVENT_TAG, type RecordedEvent } from '../../protocol/messages';

// The customer's fonts in every replay of their page: the widget sends the files this browser
// cannot fetch from the site (no CORS header, or behind a login) to the server, and names them
// in a custom event; the replayed stylesheets then load them from this origin instead.

const FULL_SNAPSHOT = 2;
const INCREMENTAL_SNAPSHOT = 3;
const CUSTOM_EVENT = 5;

/** Rewrites, in place, each replayed stylesheet's text that names one of these fonts. */
function pointAtKeptFonts(replayer: Replayer, fonts: Map<string, string>): void {
  const document = replayer.iframe.contentDocument;
  if (!document || fonts.size === 0) return;
  for (const style of document.querySelectorAll('style')) {
    // The text nodes themselves, so rrweb's later changes to them still find them.
    for (const text of style.childNodes) {
      if (text.nodeType !== 3) continue;
      let css = (text as Text).data;
      for (const [address, file] of fonts) if (css.includes(address)) css = css.split(address).join(file);
      if (css !== (text as Text).data) (text as Text).data = css;
    }
  }
}

/** Whether an event may have brought stylesheets in: a snapshot, or a change that adds nodes. */
const bringsStyles = (event: RecordedEvent) =>
  event.type === FULL_SNAPSHOT || (event.type === INCREMENTAL_SNAPSHOT && ((event.data as { adds?: unknown[] }).adds?.length ?? 0) > 0);

/** A replay plugin that serves the customer's fonts from this server once the widget names them. */
export function replayFonts(): ReplayPlugin {
  const fonts = new Map<string, string>();
  return {
    handler(event, _isSync, { replayer }) {
      const cast = event as RecordedEvent;
      const data = cast.data as { tag?: unknown; payload?: { fonts?: Record<string, unknown> } };
      if (cast.type === CUSTOM_EVENT && data.tag === PAGE_FONTS_EVENT_TAG) {
        for (const [address, hash] of Object.entries(data.payload?.fonts ?? {}))
          if (typeof hash === 'string' && /^[0-9a-f]{64}$/.test(hash)) fonts.set(address, `${location.origin}${ASSETS_PATH}/${hash}`);
        pointAtKeptFonts(replayer, fonts);
      } else if (fonts.size > 0 && bringsStyles(cast)) pointAtKeptFonts(replayer, fonts);
    },
  };
}
