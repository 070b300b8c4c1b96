import type { ActionResult, AgentAction, SessionRules } from '../protocol/messages.ts';
import type { OpenSession } from './session-machine.ts';
import type { Masking } from './masking.ts';
import { WIDGET_ROOT_ID } from './ui/root.ts';

// The site's own Write Mode question travels with Write Mode's code: most pages never ask it.
export { askSite } from './write-consent.ts';

type Outcome = Omit<ActionResult, 'id'>;

const refuse = (reason: string): Outcome => ({ ok: false, reason });

/** Fails closed: a selector this browser rejects disables rather than allows. */
function isDisabledForAgents(element: Element, rules: SessionRules): boolean {
  return rules.disabledSelectors.some((selector) => {
    try {
      return element.closest(selector) !== null;
    } catch {
      return true;
    }
  });
}

/**
 * Whether the customer can see the element, so an agent never works a control they cannot:
 * not inert, with a box, and neither it nor a container display:none, visibility:hidden,
 * opacity:0 or skipped (`hidden`, a closed <details>, content-visibility).
 */
function isShown(element: Element): boolean {
  const box = element.getBoundingClientRect();
  return (
    box.width > 0 &&
    box.height > 0 &&
    !element.closest('[inert]') &&
    ('checkVisibility' in element
      ? element.checkVisibility({ opacityProperty: true, visibilityProperty: true })
      : getComputedStyle(element).visibility === 'visible')
  );
}

/** Sets a field's value the way typing does, so frameworks that track the native setter (React) see it. */
function setFieldValue(field: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement, value: string): void {
  const setter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(field), 'value')?.set;
  if (setter) setter.call(field, value);
  else field.value = value;
  field.dispatchEvent(new Event('input', { bubbles: true }));
  field.dispatchEvent(new Event('change', { bubbles: true }));
}

function clickLikeAPerson(element: HTMLElement): void {
  for (const type of ['pointerdown', 'mousedown', 'pointerup', 'mouseup']) {
    element.dispatchEvent(
      new (type.startsWith('pointer') ? PointerEvent : MouseEvent)(type, { bubbles: true, cancelable: true, view: window }),
    );
  }
  element.focus({ preventScroll: true });
  element.click(); // runs the page's own handlers and the default action (follow a link, tick a box)
}

/**
 * Write Mode's actions on the real page: a chunk of its own (/widget-actions.js), loaded when a
 * session first turns to Write Mode, since most sessions never do. `getNode` is the recorder's
 * node by id, so the chunk does not carry rrweb.
 *
 * Applies an agent's Write Mode action to the real page, in Write Mode only (checked as it is
 * applied), unless the element is the
 * widget itself, not shown to the customer, disabled for agents (also through its
 * container or a label) or masked (only the customer may use those): the widget checks this
 * independently of the server. Navigation is returned as a function to run after reporting,
 * since leaving the page closes the socket.
 */
export function applyAgentAction(
  action: AgentAction,
  /** The session as this page has it now: the customer may have taken Write Mode back meanwhile. */
  open: Pick<OpenSession, 'server' | 'rules'> | null,
  masking: Masking | null,
  getNode: (id: number) => Node | null,
): Outcome & { afterReport?: () => void } {
  const rules = open?.rules;
  const mode = open?.server?.mode;
  if (mode !== 'WRITE' || !rules || !masking)
    return refuse(mode === 'GUIDED' ? 'Guided Mode: the agent can scroll and highlight only.' : 'Write Mode is off.');
  // The site's capabilities hold here too, whatever reached the page.
  const navigation = action.kind === 'navigate' || action.kind === 'open';
  if (rules.capabilities && !rules.capabilities[navigation ? 'navigate' : 'control'])
    return refuse(navigation ? 'Navigating is turned off for agents.' : 'Clicking and typing are turned off for agents.');
  if (action.kind === 'navigate')
    return { ok: true, afterReport: () => (action.to === 'reload' ? location.reload() : history[action.to]()) };
  if (action.kind === 'open') {
    const url = new URL(action.url, location.href);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return refuse('Only web addresses can be opened.');
    return { ok: true, afterReport: () => location.assign(url.href) };
  }
  const node = getNode(action.nodeId);
  const element = node instanceof Element ? node : node?.parentElement;
  if (!element || !element.isConnected || element.closest('#' + WIDGET_ROOT_ID))
    return refuse('That element is no longer on the customer’s page.');
  if (!isShown(element)) return refuse('The customer cannot see that element, so it cannot be used.');
  // A label works the control it names: that control is checked too.
  const control = (element.closest('label') as HTMLLabelElement | null)?.control;
  const targets = control ? [element, control] : [element];
  if (targets.some((target) => isDisabledForAgents(target, rules)))
    return refuse('This control is disabled for agents; the customer can use it.');
  if (targets.some((target) => masking.isMasked(target)))
    return { ...refuse('This field is private: only the customer can fill it in or use it.'), masked: true };
  if (action.kind === 'click') {
    clickLikeAPerson(element as HTMLElement);
    return { ok: true };
  }
  if (!(element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement || element instanceof HTMLSelectElement)) {
    return refuse('Only text fields and lists can be typed into.');
  }
  if (element.disabled || ('readOnly' in element && element.readOnly)) return refuse('This field cannot be edited.');
  element.focus({ preventScroll: true });
  setFieldValue(element, action.value);
  return { ok: true };
}
