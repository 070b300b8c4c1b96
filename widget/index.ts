/**
 * The customer widget, embedded with one tag on any allowed site:
 * `<script src="https://cobrowse.example.com/widget.js" defer></script>`.
 * It exposes `window.Cobrowse` and nothing else; calls the snippet's stub queued before the
 * script loaded run now, in order.
 */
import type { CobrowseApi } from './api.ts';
import { createCobrowse } from './cobrowse.ts';
import { isStub, replayQueue, type CobrowseStub } from './queue.ts';
import type { CustomerMetadata } from '../protocol/customer-metadata.ts';

export type { CobrowseApi, CobrowseEventMap, StartedSession } from './api.ts';

declare global {
  interface Window {
    /** The co-browse widget's public API. */
    Cobrowse?: CobrowseApi;
  }
}

// The server is wherever this script came from; currentScript is only set while it first runs.
const script = document.currentScript as HTMLScriptElement | null;
const serverOrigin = script?.src ? new URL(script.src).origin : location.origin;
// Who the customer is, for sites that render it into the tag: data-cobrowse-metadata='{"name":"…"}'.
const metadata = ((): CustomerMetadata | undefined => {
  try {
    return JSON.parse(script?.dataset.cobrowseMetadata ?? 'null') ?? undefined;
  } catch {
    return undefined; // a malformed attribute must not break the page's co-browse button
  }
})();

// Before the script loads, the snippet's stub queue (see README.md).
const existing = window.Cobrowse as CobrowseApi | CobrowseStub | undefined;
// Loaded twice: the first copy stays.
if (!existing || isStub(existing)) {
  const api = Object.freeze(createCobrowse(serverOrigin, metadata));
  window.Cobrowse = api;
  if (existing) replayQueue(existing, api);
}
