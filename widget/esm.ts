/**
 * The widget as an ES module, for sites that bundle it or load it with `<script type="module">`:
 * `import { Cobrowse } from 'https://cobrowse.example.com/widget.mjs'`. Built to dist/widget.mjs,
 * typed by dist/widget.d.mts. It sets no global. The server is where the module was loaded from,
 * unless `Cobrowse.init({ server })` names it (needed once a bundler has copied the code).
 */
import type { CobrowseApi } from './api.ts';
import { createCobrowse } from './cobrowse.ts';

export type { CobrowseApi, CobrowseEventMap, InitOptions, NoticeKind, StartedSession, WidgetTexts, WriteRequest } from './api.ts';

/** The co-browse widget: call `init` first, then `start` or `on`. */
export const Cobrowse: CobrowseApi = Object.freeze(createCobrowse(new URL(import.meta.url).origin));
