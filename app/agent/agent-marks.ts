import { OTHER_SITE_FRAME_ATTRIBUTE, type MaskKind } from '../../protocol/messages';
import { FRAME_LABEL_PROPERTY, otherSiteLabel, SHARED_FRAME_ATTRIBUTE } from '../lib/replay-frames';

const STYLE_ID = 'cobrowse-agent-marks';

/** Set by the customer's widget on masked nodes before they are sent (see widget/masking.ts). */
const MASKED = '[data-cobrowse-masked]';
const maskedAs = (kind: MaskKind) => `[data-cobrowse-masked="${kind}"]`;

/** The placeholder's words where the iframe's own label (naming the site) was lost. */
const OTHER_SITE_LABEL = otherSiteLabel('another site');

/** How masked nodes look to the agent: purple borders, grey images, striped placeholders. */
export const MASK_RULES = [
  `${MASKED} { outline: 3px solid #9333ea !important; outline-offset: 1px !important; cursor: not-allowed !important; }`,
  `${maskedAs('image')} { background: #d1d5db !important; }`,
  `${maskedAs('element')} { background: repeating-linear-gradient(135deg, #ede9fe 0 10px, #f5f3ff 10px 20px) !important; overflow: hidden !important; }`,
  `${maskedAs('element')}::before { content: "Hidden"; display: block; padding: 2px 6px; font: 600 12px/1.3 system-ui, sans-serif; color: #6b21a8; }`,
  // A frame of another site that does not share its page: a labelled placeholder of its size, not
  // a blank box. One that does (a trusted frame running the widget) shows its page instead.
  `iframe[${OTHER_SITE_FRAME_ATTRIBUTE}]:not([${SHARED_FRAME_ATTRIBUTE}]) { background: #f3f4f6 var(${FRAME_LABEL_PROPERTY}, ${OTHER_SITE_LABEL}) center no-repeat !important; outline: 2px dashed #9ca3af !important; outline-offset: -2px !important; }`,
];

/**
 * Marks the rebuilt page for the agent: controls the agent may not use get a green border,
 * masked fields, elements and images a purple one. One rule per selector, so a selector
 * this browser rejects cannot void the others.
 */
export function markAgentView(document: Document, disabledSelectors: string[]): void {
  document.getElementById(STYLE_ID)?.remove();
  const style = document.createElement('style');
  style.id = STYLE_ID;
  (document.head ?? document.documentElement).append(style);
  const rules = [
    ...disabledSelectors.map(
      (selector) =>
        `${selector} { outline: 3px solid #16a34a !important; outline-offset: 2px !important; cursor: not-allowed !important; }`,
    ),
    ...MASK_RULES,
  ];
  for (const rule of rules) {
    try {
      style.sheet?.insertRule(rule, style.sheet.cssRules.length);
    } catch {
      // not a selector this browser understands; the widget refuses such controls anyway
    }
  }
}

/** What the agent is told when they try a masked field, by their own page or by the customer's widget. */
export const MASKED_FIELD_NOTICE = 'Only the customer can fill in this field: it is private, so you cannot see or type what goes in it.';

/** Whether the element is masked in the customer's page: only the customer may use it. */
export const isMasked = (element: Element): boolean => element.closest(MASKED) !== null;

/** Whether the element is one the agent may not use. */
export function isDisabledForAgents(element: Element, disabledSelectors: string[]): boolean {
  return disabledSelectors.some((selector) => {
    try {
      return element.closest(selector) !== null;
    } catch {
      return true;
    }
  });
}

/** A short description of an element for the audit trail: tag, id or name, never a value. */
export function describeElement(element: Element): string {
  const name = element.id ? `#${element.id}` : element.getAttribute('name') ? `[name=${element.getAttribute('name')}]` : '';
  const text = element.tagName === 'INPUT' || element.tagName === 'TEXTAREA' ? '' : (element.textContent ?? '').trim().slice(0, 40);
  return `${element.tagName.toLowerCase()}${name}${text ? ` "${text}"` : ''}`.slice(0, 200);
}
