import type { ReplayPlugin, Replayer } from 'rrweb';
import { ASSETS_PATH, PAGE_FONTS_EVENT_TAG, type RecordedEvent } from '../../protocol/messages';

// The customer's fonts in every replay of their page: the widget sends the files this browser
// cannot fetch from the site (no CORS header, or behind a login) to the server, and names them
// in a custom event; the replayed stylesheets then load them from this origin instead.

const FULL_SNAPSHOT = 2;
const INCREMENTAL_SNAPSHOT = 3;
const META_EVENT = 4;
const CUSTOM_EVENT = 5;

/** Rewrites, in place, each replayed stylesheet's text that names one of these fonts. */
function pointAtKeptFonts(replayer: Replayer, fonts: Map<string, string>, page: string): void {
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
  pointAdoptedSheetsAtKeptFonts(document, fonts, page);
}

/** rrweb's incremental source of the stylesheets a document or shadow root adopts. */
const ADOPTED_STYLE_SHEET = 15;
/** CSSRule.FONT_FACE_RULE. */
const FONT_FACE_RULE = 5;
/** A `url(…)` in CSS, its address the second group. */
const URL_PATTERN = /url\(\s*(['"]?)(.*?)\1\s*\)/g;

/**
 * The same in the stylesheets the replayed document adopts (a page's script built them, so they
 * have no text to rewrite): each `@font-face`'s `src`, through the CSSOM.
 */
function pointAdoptedSheetsAtKeptFonts(document: Document, fonts: Map<string, string>, page: string): void {
  /** A font's address as the widget names it: absolute, resolved against the customer's page (as the sheet's own were). */
  const kept = (address: string) => {
    try {
      return fonts.get(new URL(address, page).href);
    } catch {
      return undefined;
    }
  };
  const visit = (rules: CSSRuleList) => {
    for (const rule of Array.from(rules) as (CSSRule & { cssRules?: CSSRuleList; style?: CSSStyleDeclaration })[]) {
      if (rule.cssRules) visit(rule.cssRules);
      if (rule.type !== FONT_FACE_RULE || !rule.style) continue;
      const src = rule.style.getPropertyValue('src');
      const pointed = src.replace(URL_PATTERN, (whole, _quote: string, address: string) => {
        const file = kept(address);
        return file ? `url("${file}")` : whole;
      });
      if (pointed !== src) rule.style.setProperty('src', pointed);
    }
  };
  for (const sheet of document.adoptedStyleSheets ?? []) visit(sheet.cssRules);
}

/** Whether an event may have brought stylesheets in: a snapshot, a change that adds nodes, an adopted sheet. */
const bringsStyles = (event: RecordedEvent) =>
  event.type === FULL_SNAPSHOT ||
  (event.type === INCREMENTAL_SNAPSHOT &&
    (((event.data as { adds?: unknown[] }).adds?.length ?? 0) > 0 || (event.data as { source?: number }).source === ADOPTED_STYLE_SHEET));

/** A replay plugin that serves the customer's fonts from this server once the widget names them. */
export function replayFonts(): ReplayPlugin {
  const fonts = new Map<string, string>();
  /** The customer's page address (its Meta event's), against which adopted sheets' addresses resolve. */
  let page = '';
  return {
    handler(event, _isSync, { replayer }) {
      const cast = event as RecordedEvent;
      if (cast.type === META_EVENT) page = String((cast.data as { href?: unknown }).href ?? '');
      const data = cast.data as { tag?: unknown; payload?: { fonts?: Record<string, unknown> } };
      if (cast.type === CUSTOM_EVENT && data.tag === PAGE_FONTS_EVENT_TAG) {
        for (const [address, hash] of Object.entries(data.payload?.fonts ?? {}))
          if (typeof hash === 'string' && /^[0-9a-f]{64}$/.test(hash)) fonts.set(address, `${location.origin}${ASSETS_PATH}/${hash}`);
        pointAtKeptFonts(replayer, fonts, page);
      } else if (fonts.size > 0 && bringsStyles(cast)) pointAtKeptFonts(replayer, fonts, page);
    },
  };
}
