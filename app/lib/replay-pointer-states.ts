import type { ReplayPlugin, Replayer } from 'rrweb';
import {
  CONDITIONAL_IMPORTS_EVENT_TAG,
  CUSTOMER_MEDIA_EVENT_TAG,
  CUSTOMER_MEDIA_FEATURES,
  POINTER_STATES_EVENT_TAG,
  type ConditionalImport,
  type PointerStates,
  type RecordedEvent,
} from '../../protocol/messages';

// The customer's pointer and keyboard states in every replay of their page (the agent's live
// view, a supervisor's watch and recordings). Nothing in the replay is hovered, pressed or
// focused for real, so the page's rules for those states are rewritten to match classes instead,
// the way rrweb rewrites `:hover` in a `<style>` (to `.\:hover`), and the widget's pointer-states
// events say which elements carry them. rrweb's own rewrite misses stylesheets a page builds
// (adopted ones, rules inserted one by one), and it keeps `:hover` beside the class, so that
// `:not(:hover)` would still match a hovered element: here every such rule is rewritten in place.

const FULL_SNAPSHOT = 2;
const INCREMENTAL_SNAPSHOT = 3;
const CUSTOM_EVENT = 5;
/** rrweb's incremental sources that bring or change stylesheets: DOM changes, inserted rules, adopted sheets. */
const STYLE_SOURCES = new Set([0, 8, 15]);

/** The states the replay shows, each as a class named like its pseudo-class (`:focus` → class `:focus`). */
const STATES = [':hover', ':active', ':focus', ':focus-visible', ':focus-within'] as const;
type State = (typeof STATES)[number];

/** A state pseudo-class in a selector, not one already rewritten to a class (`.\:hover`). */
const STATE_PSEUDO = /(?<!\\):(hover|active|focus-visible|focus-within|focus)(?![\w-])/g;

/** A selector with each state pseudo-class made its class: `a:hover` → `a.\:hover`. */
export const stateSelector = (selector: string) => selector.replace(STATE_PSEUDO, '.\\:$1');

/** A media feature whose value the customer's browser has, in a media query: `(hover)`, `(prefers-color-scheme: dark)`. */
const CUSTOMER_FEATURE = new RegExp(`\\(\\s*(${Object.keys(CUSTOMER_MEDIA_FEATURES).join('|')})\\s*(?::\\s*([\\w-]+)\\s*)?\\)`, 'g');
/** Media conditions that always hold, and never do. */
const ALWAYS = '(min-width: 0px)';
const NEVER = '(max-width: -1px)';

/**
 * A media query with each feature the customer's browser answered made a constant: true where
 * it matches for the customer, false where it does not (a feature they sent no value for stays).
 */
export function customerMediaQuery(query: string, customer: ReadonlyMap<string, string>): string {
  return query.replace(CUSTOMER_FEATURE, (whole, feature: string, value: string | undefined) => {
    const theirs = customer.get(feature);
    if (!theirs) return whole;
    // A feature alone holds unless it is "none" or "no-preference".
    const holds = value === undefined ? theirs !== 'none' && theirs !== 'no-preference' : value === theirs;
    return holds ? ALWAYS : NEVER;
  });
}

interface RuleLike {
  selectorText?: string;
  cssRules?: CSSRuleList;
  styleSheet?: CSSStyleSheet | null;
  media?: MediaList;
}

/** How each rewritten media query was written, to evaluate anew when the customer's media change. */
const writtenMedia = new WeakMap<MediaList, string>();

/**
 * Rewrites the state selectors and the media queries of these rules and of the rules nested in
 * them (media, layers, containers, nesting, imports).
 */
function rewriteRules(rules: CSSRuleList, seen: Set<CSSStyleSheet>, media: ReadonlyMap<string, string>): void {
  for (const rule of Array.from(rules) as RuleLike[]) {
    if (typeof rule.selectorText === 'string') {
      const rewritten = stateSelector(rule.selectorText);
      if (rewritten !== rule.selectorText) rule.selectorText = rewritten;
    }
    if (rule.media && rule.cssRules) {
      const written = writtenMedia.get(rule.media) ?? rule.media.mediaText;
      const evaluated = customerMediaQuery(written, media);
      if (evaluated !== rule.media.mediaText) {
        writtenMedia.set(rule.media, written);
        rule.media.mediaText = evaluated;
      }
    }
    if (rule.cssRules) rewriteRules(rule.cssRules, seen, media);
    if (rule.styleSheet) rewriteSheet(rule.styleSheet, seen, media);
  }
}

function rewriteSheet(sheet: CSSStyleSheet, seen: Set<CSSStyleSheet>, media: ReadonlyMap<string, string>): void {
  if (seen.has(sheet)) return;
  seen.add(sheet);
  try {
    rewriteRules(sheet.cssRules, seen, media);
  } catch {
    // Another origin's sheet, unreadable here: its rules stay as they are.
  }
}

const RING_STYLE_ID = 'cobrowse-focus-ring';
/**
 * The browser's own focus ring, which its built-in stylesheet gives `:focus-visible` and no page
 * rule can be rewritten for: in the layer declared first, so every page rule (layered or not)
 * still overrides it, as the page's rules override the browser's.
 */
const RING_RULE = '@layer cobrowse-browser-defaults { :where(.\\:focus-visible) { outline: auto 1px -webkit-focus-ring-color; } }';

/** Puts the browser's focus ring first in the replayed document's head, once. */
function addFocusRing(document: Document): void {
  if (document.getElementById(RING_STYLE_ID) || !document.head) return;
  const style = document.createElement('style');
  style.id = RING_STYLE_ID;
  style.textContent = RING_RULE;
  document.head.prepend(style);
}

/** At most this many sheets of a conditional-imports event are read, and this many imports of each. */
export const MAX_CONDITIONAL_IMPORT_SHEETS = 1000;
export const MAX_CONDITIONAL_IMPORTS_PER_SHEET = 100;

type ConditionalImports = { id: number; imports: ConditionalImport[] }[];

/** The sheets a conditional-imports event describes, as far as they are well formed and within the limits. */
export function readConditionalImports(payload: unknown): ConditionalImports {
  const sheets = (payload as { sheets?: unknown } | null | undefined)?.sheets;
  if (!Array.isArray(sheets)) return [];
  return sheets.slice(0, MAX_CONDITIONAL_IMPORT_SHEETS).flatMap((sheet: { id?: unknown; imports?: unknown }) =>
    sheet && Number.isSafeInteger(sheet.id) && Array.isArray(sheet.imports)
      ? [
          {
            id: sheet.id as number,
            imports: (sheet.imports as ConditionalImport[])
              .slice(0, MAX_CONDITIONAL_IMPORTS_PER_SHEET)
              .filter((entry) => entry && typeof entry === 'object'),
          },
        ]
      : [],
  );
}

/** The sheets whose conditional imports were put back under their conditions. */
const conditioned = new WeakSet<CSSStyleSheet>();

/**
 * Puts the rules rrweb wrote in place of each conditional `@import` back under its condition:
 * `@supports (…) { @media … { @layer name { …rules } } }`, as the customer's browser applies them.
 */
export function conditionImports(sheet: CSSStyleSheet, imports: readonly ConditionalImport[]): void {
  if (conditioned.has(sheet)) return;
  conditioned.add(sheet);
  // From the last, so that the indices of those before stay as they were.
  for (const { at, rules, layer, media, supports } of [...imports].sort((a, b) => b.at - a.at)) {
    if (!Number.isSafeInteger(at) || !Number.isSafeInteger(rules) || at < 0 || rules < 1 || at + rules > sheet.cssRules.length) continue;
    let text = Array.from(sheet.cssRules)
      .slice(at, at + rules)
      .map((rule) => rule.cssText)
      .join('\n');
    if (typeof layer === 'string') text = `@layer ${layer} { ${text} }`;
    if (typeof media === 'string' && media) text = `@media ${media} { ${text} }`;
    if (typeof supports === 'string' && supports) text = `@supports ${supports} { ${text} }`;
    try {
      const probe = new (sheet.constructor as typeof CSSStyleSheet)();
      probe.replaceSync(text);
      if (probe.cssRules.length !== 1) continue; // a condition that does not parse: left as rrweb wrote it
      for (let index = 0; index < rules; index++) sheet.deleteRule(at);
      sheet.insertRule(text, at);
    } catch {
      // left as rrweb wrote it
    }
  }
}

/** The element's parent in the flat tree: across a shadow root to its host. */
const flatParent = (element: Element): Element | null => element.parentElement ?? ((element.parentNode as ShadowRoot | null)?.host || null);

/** The pointer-states plugin of one replayer, and what a recording's player calls after a seek. */
export interface PointerStatesReplay extends ReplayPlugin {
  /** Rewrites every stylesheet and shows the last states again: after a seek built the page anew. */
  sync(replayer: Replayer): void;
}

/**
 * A replay plugin that shows the customer's hovered, pressed and focused elements as the page's
 * CSS styles them, as the widget's pointer-states events name them. Each replay has its own.
 */
export function pointerStatesReplay(): PointerStatesReplay {
  /** Each stylesheet rewritten, with its number of rules then: one that has more since is rewritten again. */
  let rewritten = new WeakMap<CSSStyleSheet, number>();
  /** Shadow roots of the replayed page, whose stylesheets are rewritten too. */
  const shadowRoots = new Set<ShadowRoot>();
  /** The elements that carry a state class now. */
  let marked: Element[] = [];
  let states: PointerStates | null = null;
  /** The last description of the page's conditional imports, by the rrweb id of each sheet's element. */
  let imports: ConditionalImports = [];
  const applyImports = (replayer: Replayer) => {
    for (const { id, imports: described } of imports) {
      const owner = replayer.getMirror().getNode(id) as { sheet?: CSSStyleSheet | null } | null;
      if (owner?.sheet) conditionImports(owner.sheet, described);
    }
  };
  /** The customer's browser's value of each media feature it sent. */
  const media = new Map<string, string>();
  /** Whether rrweb's own hover (moved with the pointer's recorded moves) has been turned off in favour of the widget's. */
  let ownHover = false;
  let scanQueued = false;

  function rewriteAll(replayer: Replayer) {
    const document = replayer.iframe.contentDocument;
    if (!document) return;
    addFocusRing(document);
    const roots: (Document | ShadowRoot)[] = [document];
    for (const root of shadowRoots)
      if (root.host.isConnected) roots.push(root);
      else shadowRoots.delete(root);
    const seen = new Set<CSSStyleSheet>();
    for (const root of roots)
      for (const sheet of [...Array.from(root.styleSheets), ...(root.adoptedStyleSheets ?? [])]) {
        let count: number;
        try {
          count = sheet.cssRules.length;
        } catch {
          continue; // another origin's
        }
        if (rewritten.get(sheet) === count) continue;
        rewriteSheet(sheet, seen, media);
        rewritten.set(sheet, count);
      }
  }

  function show(replayer: Replayer) {
    for (const element of marked) element.classList.remove(...STATES);
    marked = [];
    if (!states) return;
    const mirror = replayer.getMirror();
    const element = (id: number) => {
      const node = Number.isSafeInteger(id) && id > 0 ? (mirror.getNode(id) as Node | null) : null;
      return node?.nodeType === 1 && node.isConnected ? (node as Element) : null;
    };
    const mark = (target: Element, state: State) => {
      target.classList.add(state);
      marked.push(target);
    };
    /** The element and its ancestors in the flat tree, as the browser extends these states up. */
    const markUp = (target: Element | null, state: State) => {
      for (let at = target; at; at = flatParent(at)) mark(at, state);
    };
    markUp(element(states.hover), ':hover');
    markUp(element(states.active), ':active');
    const focused = element(states.focus);
    markUp(focused, ':focus-within');
    if (!focused) return;
    mark(focused, ':focus');
    if (states.focusVisible === true) mark(focused, ':focus-visible');
    // A shadow host counts as focused while something inside its shadow tree is.
    for (let root = focused.getRootNode() as Node & { host?: Element }; root.host; root = root.host.getRootNode())
      mark(root.host, ':focus');
  }

  const queueScan = (replayer: Replayer) => {
    if (scanQueued) return;
    scanQueued = true;
    queueMicrotask(() => {
      scanQueued = false;
      rewriteAll(replayer);
    });
  };

  return {
    onBuild(node) {
      const element = node as Element;
      if (element.shadowRoot) shadowRoots.add(element.shadowRoot);
      const parent = node.parentNode as (ParentNode & { host?: Element }) | null;
      if (parent && parent.host && parent.nodeType === 11) shadowRoots.add(parent as ShadowRoot);
    },
    handler(event, isSync, { replayer }) {
      const cast = event as RecordedEvent;
      const data = cast.data as { source?: number; tag?: unknown; payload?: Partial<PointerStates> };
      if (cast.type === FULL_SNAPSHOT) {
        // A new page: its states come after it; its stylesheets are new.
        marked = [];
        states = null;
        imports = [];
        rewritten = new WeakMap();
        queueScan(replayer);
      } else if (cast.type === INCREMENTAL_SNAPSHOT && STYLE_SOURCES.has(data.source ?? -1)) queueScan(replayer);
      else if (cast.type === CUSTOM_EVENT && data.tag === CONDITIONAL_IMPORTS_EVENT_TAG) {
        imports = readConditionalImports(data.payload);
        if (isSync) return; // applied once a seek has written the page in
        applyImports(replayer);
        rewriteAll(replayer);
      } else if (cast.type === CUSTOM_EVENT && data.tag === CUSTOMER_MEDIA_EVENT_TAG) {
        const features = (data.payload as { features?: Record<string, unknown> } | undefined)?.features ?? {};
        media.clear();
        for (const [feature, values] of Object.entries(CUSTOMER_MEDIA_FEATURES)) {
          const value = features[feature];
          if (typeof value === 'string' && values.includes(value)) media.set(feature, value);
        }
        rewritten = new WeakMap(); // every sheet evaluated again
        if (!isSync) rewriteAll(replayer);
      } else if (cast.type === CUSTOM_EVENT && data.tag === POINTER_STATES_EVENT_TAG && data.payload) {
        const { hover, active, focus, focusVisible } = data.payload;
        states = { hover: Number(hover), active: Number(active), focus: Number(focus), focusVisible: focusVisible === true };
        if (!ownHover) {
          // This widget says where the pointer is, also when it left the page or the page
          // scrolled under it: rrweb's hover, moved with each recorded move, would disagree.
          ownHover = true;
          (replayer as unknown as { hoverElements(element: Element): void }).hoverElements = () => {};
          for (const element of replayer.iframe.contentDocument?.querySelectorAll('.\\:hover') ?? []) element.classList.remove(':hover');
        }
        if (isSync) return; // a seek builds the page off the document: `sync` shows them once it is written in
        rewriteAll(replayer);
        show(replayer);
      }
    },
    sync(replayer) {
      const document = replayer.iframe.contentDocument;
      if (!document) return;
      const findShadowRoots = (root: Document | ShadowRoot) => {
        for (const element of root.querySelectorAll('*'))
          if (element.shadowRoot) {
            shadowRoots.add(element.shadowRoot);
            findShadowRoots(element.shadowRoot);
          }
      };
      findShadowRoots(document);
      applyImports(replayer);
      rewriteAll(replayer);
      show(replayer);
    },
  };
}
