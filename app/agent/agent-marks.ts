const STYLE_ID = 'cobrowse-agent-marks';

/**
 * Marks controls the agent may not use with a green border (R23), inside the rebuilt page. One
 * rule per selector, so a selector this browser rejects cannot void the others.
 */
export function markDisabledControls(document: Document, disabledSelectors: string[]): void {
  document.getElementById(STYLE_ID)?.remove();
  const style = document.createElement('style');
  style.id = STYLE_ID;
  (document.head ?? document.documentElement).append(style);
  for (const selector of disabledSelectors) {
    try {
      style.sheet?.insertRule(
        `${selector} { outline: 3px solid #16a34a !important; outline-offset: 2px !important; cursor: not-allowed !important; }`,
      );
    } catch {
      // not a selector this browser understands; the widget refuses such controls anyway
    }
  }
}

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
