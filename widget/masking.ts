import type { recordOptions } from 'rrweb';

/**
 * Inputs whose value never leaves the browser (B1, R20): passwords (also after a "show password"
 * toggle turned them into text — rrweb marks those `data-rr-is-password`), one-time codes,
 * payment card fields, and anything the page marks `data-cobrowse-mask`.
 */
export const MASKED_INPUT_SELECTOR = [
  'input[type=password]',
  '[data-rr-is-password]',
  '[autocomplete*=password]',
  '[autocomplete*=one-time-code]',
  '[autocomplete*=cc-]',
  '[data-cobrowse-mask]',
  '[data-cobrowse-mask] *',
].join();

/** Elements whose text content is replaced by `*` before it is recorded. */
export const MASKED_TEXT_SELECTOR = '[data-cobrowse-mask]';

/** Rules that can be added on top of the defaults (admin-chosen selectors arrive in a later issue). */
export interface MaskingRules {
  /** Extra CSS selectors whose input values and text are masked. */
  maskSelectors?: string[];
}

/** The rrweb options that apply the masking rules at record time, in the customer's browser. */
export type MaskingOptions = Pick<recordOptions<unknown>, 'maskInputOptions' | 'maskInputFn' | 'maskTextSelector'>;

/** Fails closed: a selector the browser rejects masks rather than leaks. */
function mustMask(element: HTMLElement, selector: string): boolean {
  try {
    return (element as HTMLInputElement).type === 'password' || element.matches(selector);
  } catch {
    return true;
  }
}

/**
 * rrweb only calls `maskInputFn` for the input kinds flagged in `maskInputOptions`, so every
 * text-like kind is flagged and the function decides per element; passwords are always masked.
 */
export function maskingOptions(rules: MaskingRules = {}): MaskingOptions {
  const extra = rules.maskSelectors ?? [];
  const inputSelector = [MASKED_INPUT_SELECTOR, ...extra].join();
  const textSelector = [MASKED_TEXT_SELECTOR, ...extra].join();
  const textLike = 'text email tel number search url date month week time datetime-local textarea select password';
  return {
    maskInputOptions: Object.fromEntries(textLike.split(' ').map((kind) => [kind, true])),
    maskInputFn: (text, element) => (mustMask(element, inputSelector) ? '*'.repeat(text.length) : text),
    maskTextSelector: textSelector,
  };
}

/** Whether only the customer may edit this field: masked values are never the agent's to change (R24). */
export const isMaskedField = (element: Element): boolean => element instanceof HTMLElement && mustMask(element, MASKED_INPUT_SELECTOR);
