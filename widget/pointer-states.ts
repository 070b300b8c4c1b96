import { CUSTOMER_MEDIA_EVENT_TAG, CUSTOMER_MEDIA_FEATURES, POINTER_STATES_EVENT_TAG, type PointerStates } from '../protocol/messages.ts';
import { sendConditionalImports } from './conditional-imports.ts';
import type { Recorder } from './recorder.ts';

/**
 * What changes which element is hovered, and what may change which is pressed or focused. Keys
 * count for a pressed button (Space) and for focus shown as from the keyboard; a state is sent
 * only when it changed, so typing sends nothing.
 */
const HOVER_TRIGGERS = ['mouseover', 'mouseout'];
const PRESS_AND_FOCUS_TRIGGERS = [
  'pointerdown',
  'pointerup',
  'pointercancel',
  'dragend',
  'keydown',
  'keyup',
  'focusin',
  'focusout',
  'focus',
  'blur',
];

/** The element deepest in the flat tree that matches `pseudo` (`:hover`, `:active`), also in open shadow roots. */
function deepest(root: Document | ShadowRoot, pseudo: string): Element | null {
  const all = root.querySelectorAll(pseudo);
  const last = all[all.length - 1] ?? null;
  return (last?.shadowRoot && deepest(last.shadowRoot, pseudo)) || last;
}

/** The focused element, also inside open shadow roots; none while the page itself has no focus. */
function focused(): Element | null {
  let element = document.activeElement;
  while (element?.shadowRoot?.activeElement) element = element.shadowRoot.activeElement;
  return element?.matches(':focus') ? element : null;
}

/**
 * Sends (as custom events) which elements the customer's pointer and keyboard are on: hovered,
 * pressed (`:active`), focused and whether that focus shows as from the keyboard — ids only —
 * and how this browser answers the media features that differ between browsers (dark mode, a
 * mouse or a touch screen, reduced motion). The agent's view styles the page as its own CSS
 * says for them (see the replay's pointer states). Checked once a frame after any event that
 * may change them, and sent again after every snapshot, from which the agent's view is rebuilt.
 */
export function watchPointerStates(recorder: Pick<Recorder, 'id' | 'custom'> & { snapshotted?: () => void }): void {
  let sent = '';
  let sentMedia = '';
  let pending = 0;
  /** Whether a snapshot went since the page's conditional imports were last described (the first is on its way). */
  let imports = true;
  /** Each value of each media feature the agent's view evaluates as this browser does. */
  const queries = Object.entries(CUSTOMER_MEDIA_FEATURES).flatMap(([feature, values]) =>
    values.map((value) => Object.assign(matchMedia(`(${feature}: ${value})`), { feature, value })),
  );
  /** rrweb's id of the element, or of its nearest recorded ancestor (the widget's own UI is its host). */
  const idOf = (node: Node | null): number => {
    for (; node; node = node.parentNode ?? (node as ShadowRoot).host ?? null) {
      const id = recorder.id(node);
      if (id > 0) return id;
    }
    return 0;
  };
  // Each query looks at every element of the page: asked again only after an event that may change its answer.
  let hovered: Element | null = null;
  let pressed: Element | null = null;
  let hoverDue = true;
  let pressDue = true;
  const check = () => {
    pending = 0;
    if (recorder.id(document) < 1) return; // not recording (stopped, or a page hidden from agents): nothing leaves it
    if (imports) sendConditionalImports(recorder);
    imports = false;
    if (hoverDue) hovered = deepest(document, ':hover');
    if (pressDue) pressed = deepest(document, ':active');
    hoverDue = pressDue = false;
    const focus = focused();
    const states: PointerStates = {
      hover: idOf(hovered),
      active: idOf(pressed),
      focus: idOf(focus),
      focusVisible: !!focus?.matches(':focus-visible'),
    };
    const key = JSON.stringify(states);
    if (key !== sent) recorder.custom(POINTER_STATES_EVENT_TAG, states);
    sent = key;
    const features: Record<string, string> = {};
    for (const query of queries) features[query.feature] ||= query.matches ? query.value : '';
    const media = JSON.stringify(features);
    if (media !== sentMedia) recorder.custom(CUSTOMER_MEDIA_EVENT_TAG, { features });
    sentMedia = media;
  };
  const schedule = () => (pending ||= requestAnimationFrame(check));
  const listen = (types: string[], due: () => void) =>
    types.forEach((type) =>
      addEventListener(
        type,
        () => {
          due();
          schedule();
        },
        true,
      ),
    );
  listen(HOVER_TRIGGERS, () => (hoverDue = true));
  listen(PRESS_AND_FOCUS_TRIGGERS, () => (pressDue = true));
  for (const query of queries) query.addEventListener('change', schedule);
  // The hook is shared (trusted frames send their pages again too): whatever was set stays called.
  const before = recorder.snapshotted;
  recorder.snapshotted = () => {
    before?.();
    sent = sentMedia = '';
    imports = hoverDue = pressDue = true;
    schedule();
  };
  schedule();
}
