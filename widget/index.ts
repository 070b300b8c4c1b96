/**
 * The customer widget, embedded with one tag on any allowed site:
 * `<script src="https://cobrowse.example.com/widget.js" defer></script>`.
 * It exposes `window.Cobrowse` and nothing else.
 */
import { createCobrowse, type CobrowseApi } from './cobrowse.ts';
import { answerMaskingPreview } from './preview.ts';
import type { CustomerMetadata } from '../protocol/customer-metadata.ts';

export type { CobrowseApi, CobrowseEventMap, StartedSession } from './cobrowse.ts';

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

const boot = () => {
  window.Cobrowse ??= Object.freeze(createCobrowse(serverOrigin, metadata));
  answerMaskingPreview(serverOrigin);
};

if (document.body) boot();
else addEventListener('DOMContentLoaded', boot);
