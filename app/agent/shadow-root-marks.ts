import type { ReplayPlugin } from 'rrweb';
import { MASK_RULES } from './agent-marks';

const INCREMENTAL = 3;
const ADOPTED_STYLE_SHEET = 15;

/** Each replay document's sheet of the masking marks, for its shadow roots. */
const sheets = new WeakMap<Document, CSSStyleSheet>();

function marksSheet(document: Document): CSSStyleSheet | null {
  let sheet = sheets.get(document);
  const Sheet = document.defaultView?.CSSStyleSheet;
  if (!sheet && Sheet) {
    sheet = new Sheet();
    for (const rule of MASK_RULES) sheet.insertRule(rule, sheet.cssRules.length);
    sheets.set(document, sheet);
  }
  return sheet ?? null;
}

/** Adds the marks after the shadow root's own sheets, once. */
function mark(root: ShadowRoot): void {
  const sheet = marksSheet(root.ownerDocument);
  if (sheet && !root.adoptedStyleSheets.includes(sheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
}

/** The node's shadow root, if it is in one (of the replay's document, another realm's ShadowRoot). */
const shadowRootOf = (node: Node): ShadowRoot | null => {
  const root = node.getRootNode?.();
  return root && root.nodeType === Node.DOCUMENT_FRAGMENT_NODE && 'host' in root ? (root as ShadowRoot) : null;
};

/**
 * Masked nodes inside a web component's shadow root look masked too (purple border, grey image):
 * the document's mark rules do not reach into shadow roots, so each gets them as an adopted
 * sheet, again whenever the replay sets the component's own adopted sheets (which replaces them).
 */
export const shadowRootMarks: ReplayPlugin = {
  onBuild(node) {
    const root = shadowRootOf(node as Node);
    if (root) mark(root);
  },
  handler(event, _isSync, { replayer }) {
    const data = event.data as { source?: number; id?: number };
    if (event.type !== INCREMENTAL || data.source !== ADOPTED_STYLE_SHEET) return;
    const host = replayer.getMirror().getNode(data.id!) as Element | null;
    if (host?.shadowRoot) mark(host.shadowRoot);
  },
};
