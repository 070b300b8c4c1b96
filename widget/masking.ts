import type { recordOptions } from 'rrweb';
import type { RecordedEvent } from '../protocol/messages.ts';
import {
  DEFAULT_MASKED_CANVAS_SELECTORS,
  DEFAULT_MASKED_ELEMENT_SELECTORS,
  DEFAULT_MASKED_FIELD_SELECTORS,
  DEFAULT_MASKED_IMAGE_SELECTORS,
  OTHER_SITE_FRAME_ATTRIBUTE,
  type MaskKind,
  type SessionRules,
} from '../protocol/index.ts';
import { pageMatches } from '../protocol/page-patterns.ts';
import { WIDGET_ROOT_ID } from './ui/root.ts';

/** The masking part of a session's rules, and the query parameters page addresses keep; the built-in selectors always apply on top. */
export type MaskingRules = Pick<
  SessionRules,
  | 'maskedFieldSelectors'
  | 'maskedElementSelectors'
  | 'maskedImageSelectors'
  | 'maskedCanvasSelectors'
  | 'maskedPagePatterns'
  | 'keptQueryParameters'
>;

export const NO_EXTRA_MASKING: MaskingRules = {
  maskedFieldSelectors: [],
  maskedElementSelectors: [],
  maskedImageSelectors: [],
  maskedCanvasSelectors: [],
  maskedPagePatterns: [],
  keptQueryParameters: [],
};

/** The rrweb options that apply the rules while recording, in the customer's browser, so a masked value never leaves it. */
export type MaskingRecordOptions = Pick<
  recordOptions<unknown>,
  'maskInputOptions' | 'maskInputFn' | 'maskTextSelector' | 'maskTextFn' | 'blockSelector'
>;

export interface Masking {
  recordOptions: MaskingRecordOptions;
  /** How the element is masked, if it is: marked on the recorded node for the agent's view. */
  kindOf(element: Element): MaskKind | null;
  /** Whether only the customer may use the element: it or a container of it is masked. */
  isMasked(element: Element): boolean;
  /** Why a page is hidden from agents entirely, or null when it may be recorded. */
  pageHiddenBecause(url: string): string | null;
}

/**
 * Every input kind rrweb can mask; `maskInputFn` then decides per element. rrweb never masks a
 * checkbox's or radio's state: the mask marker does (see `scrubField`).
 */
const MASKABLE_INPUTS = 'text email tel number search url date month week time datetime-local textarea select password color range hidden';

/**
 * What every masked value or text shows: always the same, so not even its length leaks.
 * An empty field stays empty, so the agent can still see whether it was filled in.
 */
export const MASK = '****';
const maskText = (text: string) => (text.trim() ? MASK : text);

const FIELD_TAGS = new Set(['INPUT', 'TEXTAREA', 'SELECT']);

/**
 * Resource hints are never recorded (a blocked element keeps no attributes): the replay has no use
 * for them, and they name what the page will show — React preloads every <img>, so a masked
 * image's address would otherwise travel in the page's <head>.
 */
const RESOURCE_HINTS = 'link[rel~=preload],link[rel~=prefetch],link[rel~=modulepreload],link[rel~=prerender]';

/** A masked <img> in a <picture> would still be named by its <source> siblings. */
const pictureSources = (images: string[]) =>
  CSS.supports('selector(:has(a))') ? images.map((image) => `picture:has(> ${image}) > source`) : [];

/** Whether this browser understands the selector (a page pattern is not checked here). */
function understood(selector: string): boolean {
  try {
    document.createDocumentFragment().querySelector(selector);
    return true;
  } catch {
    return false;
  }
}

/**
 * Compiles a session's masking rules. rrweb ignores a selector it cannot parse — it would record
 * what the rule meant to hide — so if any selector is beyond this browser, no page is recorded.
 */
export function createMasking(rules: MaskingRules): Masking {
  const fields = [...DEFAULT_MASKED_FIELD_SELECTORS, ...rules.maskedFieldSelectors];
  const elements = [...DEFAULT_MASKED_ELEMENT_SELECTORS, ...rules.maskedElementSelectors];
  // A masked canvas is recorded as a masked image is: a grey area of its size, none of its pixels read.
  const images = [
    ...DEFAULT_MASKED_IMAGE_SELECTORS,
    ...rules.maskedImageSelectors,
    ...DEFAULT_MASKED_CANVAS_SELECTORS,
    ...rules.maskedCanvasSelectors,
  ];
  const broken = [...fields, ...elements, ...images].find((selector) => !understood(selector));
  const field = fields.join();
  // The built-in field selectors name inputs, which hold no text: only the admin's can mask text,
  // and without any rrweb skips the check on every text node.
  const text = rules.maskedFieldSelectors.join() || undefined;
  const element = elements.join();
  const image = images.join();

  const isMaskedInput = (input: Element) => (input as HTMLInputElement).type === 'password' || input.closest(field) !== null;
  const kindOf = (node: Element): MaskKind | null => {
    if (node.matches(image)) return 'image';
    if (node.matches(element)) return 'element';
    if (FIELD_TAGS.has(node.tagName) ? isMaskedInput(node) : text !== undefined && node.matches(text)) return 'field';
    return null;
  };

  return {
    recordOptions: {
      maskInputOptions: Object.fromEntries(MASKABLE_INPUTS.split(' ').map((kind) => [kind, true])),
      maskInputFn: (value, input) => (value && isMaskedInput(input) ? MASK : value),
      maskTextSelector: text,
      maskTextFn: maskText,
      blockSelector: [`#${WIDGET_ROOT_ID}`, RESOURCE_HINTS, element, image, ...(broken ? [] : pictureSources(images))].join(),
    },
    kindOf,
    isMasked: (node) =>
      broken !== undefined ||
      node.closest([field, element, image].join()) !== null ||
      (FIELD_TAGS.has(node.tagName) && isMaskedInput(node)),
    pageHiddenBecause(url) {
      if (broken) return `a masking rule this browser does not understand (${broken})`;
      return rules.maskedPagePatterns.some((pattern) => pageMatches(pattern, url)) ? 'the site hides this page from agents' : null;
    },
  };
}

/** The attribute that tells the agent's view a recorded node is masked, and how (purple border, grey image). */
export const MASK_MARK_ATTRIBUTE = 'data-cobrowse-masked';

const FULL_SNAPSHOT = 2;
const INCREMENTAL = 3;
const MUTATION = 0;
const INPUT = 5;
const ELEMENT_NODE = 2;

interface SerializedNode {
  id: number;
  type: number;
  attributes?: Record<string, unknown>;
  childNodes?: SerializedNode[];
}

/**
 * A masked field's `value` (also of hidden inputs, checkboxes and radios, which rrweb records
 * as they are) shows as the mask, and whether it is checked is never sent: it looks unchecked.
 */
function scrubField(attributes: Record<string, unknown>): void {
  if (attributes.value) attributes.value = MASK;
  delete attributes.checked;
}

/**
 * Returns a function that marks masked elements in a recorded event, in place, before it leaves
 * the page: snapshots, added nodes, and attribute changes (a toggled class may mask or unmask);
 * masked fields are scrubbed there and in input events.
 */
export function createMaskMarker(masking: Masking, nodeOf: (id: number) => Node | null): (event: RecordedEvent) => void {
  const marked = new WeakSet<Node>();
  const kindOfNode = (node: Node | null) => (node instanceof Element ? masking.kindOf(node) : null);
  const kindOfId = (id: number) => kindOfNode(nodeOf(id));
  // Walked for every node of a snapshot (thousands): nothing is made per node.
  const mark = (serialized: SerializedNode) => {
    if (serialized.type === ELEMENT_NODE && serialized.attributes) {
      const node = nodeOf(serialized.id);
      const kind = kindOfNode(node);
      if (kind) {
        if (kind === 'field') scrubField(serialized.attributes);
        serialized.attributes[MASK_MARK_ATTRIBUTE] = kind;
        marked.add(node!);
      } else if (node instanceof HTMLIFrameElement && !node.contentDocument) {
        // Another site's page: the browser keeps it from the widget, so the agent gets a label.
        serialized.attributes[OTHER_SITE_FRAME_ATTRIBUTE] = new URL(node.src, location.href).origin;
      }
    }
    const children = serialized.childNodes;
    if (children) for (let i = 0; i < children.length; i++) mark(children[i]!);
  };
  return (event) => {
    const data = event.data as {
      node?: SerializedNode;
      source?: number;
      adds?: { node: SerializedNode }[];
      attributes?: { id: number; attributes: Record<string, unknown> }[];
      id?: number;
      text?: string;
      isChecked?: boolean;
    };
    if (event.type === FULL_SNAPSHOT && data.node) mark(data.node);
    if (event.type !== INCREMENTAL) return;
    if (data.source === INPUT && kindOfId(data.id!) === 'field') {
      data.text &&= MASK;
      data.isChecked = false;
    }
    if (data.source !== MUTATION) return;
    data.adds?.forEach((add) => mark(add.node));
    for (const change of data.attributes ?? []) {
      const node = nodeOf(change.id);
      const kind = kindOfNode(node);
      if (!node || (!kind && !marked.has(node))) continue;
      if (kind === 'field') scrubField(change.attributes);
      change.attributes[MASK_MARK_ATTRIBUTE] = kind;
      if (kind) marked.add(node);
      else marked.delete(node);
    }
  };
}
