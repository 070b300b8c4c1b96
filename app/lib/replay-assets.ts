import type { ReplayPlugin, Replayer } from 'rrweb';
import { ASSETS_PATH, PAGE_ASSETS_EVENT_TAG, type RecordedEvent } from '../../protocol/messages';

// The customer's fonts and images in every replay of their page: the widget sends the files this
// browser cannot fetch from the site (fonts without a CORS header, anything behind a login) to the
// server, and names them in a custom event; the replayed stylesheets, images and style attributes
// then load them from this origin instead.

const FULL_SNAPSHOT = 2;
const INCREMENTAL_SNAPSHOT = 3;
const META_EVENT = 4;
const CUSTOM_EVENT = 5;
const MUTATION = 0;
/** rrweb's incremental source of the stylesheets a document or shadow root adopts. */
const ADOPTED_STYLE_SHEET = 15;
/** CSSRule.FONT_FACE_RULE. */
const FONT_FACE_RULE = 5;
/** A `url(…)` in CSS, its address the second group. */
const URL_PATTERN = /url\(\s*(['"]?)(.*?)\1\s*\)/g;

/** Attributes that name files: an image's, a picture source's, and inline styles' `url()`s. */
const FILE_ATTRIBUTES = ['src', 'srcset', 'style'];

/** `text` with every kept address in it pointing at this server's copy. */
function pointed(text: string, files: Map<string, string>): string {
  for (const [address, file] of files) if (text.includes(address)) text = text.split(address).join(file);
  return text;
}

/**
 * The same in the stylesheets the replayed document adopts (a page's script built them, so they
 * have no text to rewrite): each `@font-face`'s `src`, through the CSSOM, its addresses resolved
 * against the customer's page (as the widget named them).
 */
function pointAdoptedSheetsAtKeptFonts(document: Document, files: Map<string, string>, page: string): void {
  const kept = (address: string) => (URL.canParse(address, page) ? files.get(new URL(address, page).href) : undefined);
  const visit = (rules: CSSRuleList) => {
    for (const rule of Array.from(rules) as (CSSRule & { cssRules?: CSSRuleList; style?: CSSStyleDeclaration })[]) {
      if (rule.cssRules) visit(rule.cssRules);
      if (rule.type !== FONT_FACE_RULE || !rule.style) continue;
      const src = rule.style.getPropertyValue('src');
      const next = src.replace(URL_PATTERN, (whole, _quote: string, address: string) => {
        const file = kept(address);
        return file ? `url("${file}")` : whole;
      });
      if (next !== src) rule.style.setProperty('src', next);
    }
  };
  for (const sheet of document.adoptedStyleSheets ?? []) visit(sheet.cssRules);
}

/** Rewrites, in place, the replayed stylesheets' text and the attributes that name a kept file. */
function pointAtKeptFiles(replayer: Replayer, files: Map<string, string>, page: string): void {
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
  pointAdoptedSheetsAtKeptFonts(document, files, page);
}

interface MutationData {
  source?: number;
  adds?: unknown[];
  texts?: unknown[];
  attributes?: { attributes: Record<string, unknown> }[];
}

/**
 * Whether an event may have brought in or changed what names a file: a snapshot, an adopted
 * stylesheet, added nodes, changed texts or file attributes.
 */
function namesFiles(event: RecordedEvent): boolean {
  if (event.type === FULL_SNAPSHOT) return true;
  const data = event.data as MutationData;
  if (event.type === INCREMENTAL_SNAPSHOT && data.source === ADOPTED_STYLE_SHEET) return true;
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
  /** The customer's page address (its Meta event's), against which adopted sheets' addresses resolve. */
  let page = '';
  return {
    handler(event, _isSync, { replayer }) {
      const cast = event as RecordedEvent;
      if (cast.type === META_EVENT) page = String((cast.data as { href?: unknown }).href ?? '');
      const data = cast.data as { tag?: unknown; payload?: { files?: Record<string, unknown> } };
      if (cast.type === CUSTOM_EVENT && data.tag === PAGE_ASSETS_EVENT_TAG) {
        for (const [address, hash] of Object.entries(data.payload?.files ?? {}))
          if (typeof hash === 'string' && /^[0-9a-f]{64}$/.test(hash) && /^https?:\/\//.test(address))
            files.set(address, `${location.origin}${ASSETS_PATH}/${hash}`);
        pointAtKeptFiles(replayer, files, page);
      } else if (files.size > 0 && namesFiles(cast)) pointAtKeptFiles(replayer, files, page);
    },
  };
}
