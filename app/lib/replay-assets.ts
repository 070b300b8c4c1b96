import type { ReplayPlugin, Replayer } from 'rrweb';
import { ASSETS_PATH, PAGE_ASSETS_EVENT_TAG, type RecordedEvent } from '../../protocol/messages';

// The customer's fonts and images in every replay of their page: the widget sends the files this
// browser cannot fetch from the site (fonts without a CORS header, anything behind a login) to the
// server, and names them in a custom event; the replayed stylesheets, images and style attributes
// then load them from this origin instead.

const FULL_SNAPSHOT = 2;
const INCREMENTAL_SNAPSHOT = 3;
const MUTATION = 0;
const CUSTOM_EVENT = 5;

/** Attributes that name files: an image's, a picture source's, and inline styles' `url()`s. */
const FILE_ATTRIBUTES = ['src', 'srcset', 'style'];

/** `text` with every kept address in it pointing at this server's copy. */
function pointed(text: string, files: Map<string, string>): string {
  for (const [address, file] of files) if (text.includes(address)) text = text.split(address).join(file);
  return text;
}

/** Rewrites, in place, the replayed stylesheets' text and the attributes that name a kept file. */
function pointAtKeptFiles(replayer: Replayer, files: Map<string, string>): void {
  const document = replayer.iframe.contentDocument;
  if (!document || files.size === 0) return;
  for (const style of document.querySelectorAll('style')) {
    // The text nodes themselves, so rrweb's later changes to them still find them.
    for (const text of style.childNodes) {
      if (text.nodeType !== 3) continue;
      const css = pointed((text as Text).data, files);
      if (css !== (text as Text).data) (text as Text).data = css;
    }
  }
  for (const element of document.querySelectorAll('img[src], img[srcset], source[srcset], [style*="url("]'))
    for (const name of FILE_ATTRIBUTES) {
      const value = element.getAttribute(name);
      const next = value && pointed(value, files);
      if (next && next !== value) element.setAttribute(name, next);
    }
}

interface MutationData {
  source?: number;
  adds?: unknown[];
  texts?: unknown[];
  attributes?: { attributes: Record<string, unknown> }[];
}

/** Whether an event may have brought in or changed what names a file: a snapshot, added nodes, changed texts or file attributes. */
function namesFiles(event: RecordedEvent): boolean {
  if (event.type === FULL_SNAPSHOT) return true;
  const data = event.data as MutationData;
  if (event.type !== INCREMENTAL_SNAPSHOT || data.source !== MUTATION) return false;
  return (
    (data.adds?.length ?? 0) > 0 ||
    (data.texts?.length ?? 0) > 0 ||
    (data.attributes ?? []).some((change) => FILE_ATTRIBUTES.some((name) => name in change.attributes))
  );
}

/** A replay plugin that serves the customer's fonts and images from this server once the widget names them. */
export function replayAssets(): ReplayPlugin {
  const files = new Map<string, string>();
  return {
    handler(event, _isSync, { replayer }) {
      const cast = event as RecordedEvent;
      const data = cast.data as { tag?: unknown; payload?: { files?: Record<string, unknown> } };
      if (cast.type === CUSTOM_EVENT && data.tag === PAGE_ASSETS_EVENT_TAG) {
        for (const [address, hash] of Object.entries(data.payload?.files ?? {}))
          if (typeof hash === 'string' && /^[0-9a-f]{64}$/.test(hash) && /^https?:\/\//.test(address))
            files.set(address, `${location.origin}${ASSETS_PATH}/${hash}`);
        pointAtKeptFiles(replayer, files);
      } else if (files.size > 0 && namesFiles(cast)) pointAtKeptFiles(replayer, files);
    },
  };
}
