import type { RecordedEvent } from '../protocol/messages.ts';
import type { SerializedNode } from './serialized-nodes.ts';

const INCREMENTAL = 3;
const ADOPTED_STYLE_SHEET = 15;

/** The text each constructed stylesheet was last given (replace, replaceSync) since the widget loaded. */
const constructedTexts = new WeakMap<CSSStyleSheet, string>();
let remembering = false;

/**
 * Remembers the text of every stylesheet a script builds from then on: the only copy of it as
 * written, for `restoreAdoptedCss`. Started when the widget loads, before co-browse starts, as
 * web components build theirs early (one built before then cannot be restored).
 */
export function rememberConstructedCss(): void {
  if (remembering) return;
  remembering = true;
  const sheet = CSSStyleSheet.prototype;
  for (const name of ['replace', 'replaceSync'] as const) {
    const original = sheet[name] as (this: CSSStyleSheet, text: string) => never;
    sheet[name] = function (this: CSSStyleSheet, text: string) {
      constructedTexts.set(this, String(text));
      return original.call(this, text);
    };
  }
}

/**
 * CSS text cut into its top-level rules, as written. Braces in comments and strings are not told
 * apart: a rule cut wrong parses to something else, and is not taken for the one it should be.
 */
function topLevelRules(text: string): string[] {
  const rules: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++)
    if (text[i] === '{') depth++;
    else if (text[i] === '}' ? --depth < 1 : text[i] === ';' && depth < 1) {
      rules.push(text.slice(start, i + 1));
      start = i + 1;
      depth = 0;
    }
  return rules;
}

/**
 * The top-level rules of `sheet` that Chromium serializes with declarations lost, each with its
 * text as written: a shorthand written with var() and then one of its longhands comes out as
 * empty longhands (`border-top-width: ;`), which the agent's browser drops. Each is matched, in
 * order, to the written rule that parses to the same serialization; a sheet changed since its
 * text (by insertRule, say) keeps its serialization past the first rule that cannot be matched.
 */
function lostRules(sheet: CSSStyleSheet, written: string | null | undefined): Map<CSSRule, string> {
  const lost = new Map<CSSRule, string>();
  if (!written) return lost;
  let rules: string[] | undefined;
  let next = 0;
  const probe = new CSSStyleSheet();
  for (const rule of sheet.cssRules) {
    if (!rule.cssText.includes(': ;')) continue;
    rules ??= topLevelRules(written);
    for (; next < rules.length; next++) {
      probe.replaceSync(rules[next]!);
      if (probe.cssRules[0]?.cssText !== rule.cssText) continue;
      // An address as written is relative to the customer's page, not to the agent's view.
      if (!rules[next]!.includes('url(')) lost.set(rule, rules[next]!);
      next++;
      break;
    }
  }
  return lost;
}

/**
 * Puts back, in place, the rules rrweb's serialization of a `<style>` (in a snapshot or added
 * nodes) lost, as written in it (see `lostRules`), before the event leaves: the agent's view
 * would miss what they declare (an alert's border, and everything below it moved).
 */
export function restoreStyleElement(serialized: SerializedNode, nodeOf: (id: number) => Node | null): void {
  const cssText = serialized.attributes?._cssText;
  // A <style>'s rules as rrweb serialized them; the cheap test first, as every node comes here.
  const style = typeof cssText === 'string' && cssText.includes(': ;') && nodeOf(serialized.id);
  if (!(style instanceof HTMLStyleElement) || !style.sheet) return;
  let restored = cssText as string;
  for (const [rule, text] of lostRules(style.sheet, style.textContent)) restored = restored.replace(rule.cssText, () => text);
  serialized.attributes!._cssText = restored;
}

/**
 * Where else a stylesheet's text as written may be kept, for one built before the widget loaded:
 * set by the chunk that reads Lit components' CSS (`lit-css.ts`), loaded only on pages using Lit.
 */
export const writtenCss: { of?: (host: Node, sheet: CSSStyleSheet) => string | undefined } = {};

/** The same for stylesheets a document or shadow root adopts, as given to the sheet when it was built (or as `writtenCss` has it). */
export function restoreAdoptedCss(event: RecordedEvent, nodeOf: (id: number) => Node | null): void {
  const data = event.data as {
    source?: number;
    id?: number;
    styleIds?: number[];
    styles?: { styleId: number; rules: { rule: string; index: number }[] }[];
  };
  if (event.type !== INCREMENTAL || data.source !== ADOPTED_STYLE_SHEET || !data.styles) return;
  const host = nodeOf(data.id!) as (Node & { shadowRoot?: ShadowRoot | null; adoptedStyleSheets?: CSSStyleSheet[] }) | null;
  const sheets = (host?.shadowRoot ?? host)?.adoptedStyleSheets ?? [];
  for (const { styleId, rules } of data.styles) {
    const sheet = sheets[data.styleIds!.indexOf(styleId)];
    if (!sheet || sheet.cssRules.length !== rules.length) continue;
    const lost = lostRules(sheet, constructedTexts.get(sheet) ?? writtenCss.of?.(host!, sheet));
    for (const added of rules) added.rule = lost.get(sheet.cssRules[added.index]!) ?? added.rule;
  }
}
