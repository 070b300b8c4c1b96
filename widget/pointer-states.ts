import { POINTER_STATES_EVENT_TAG, type PointerStates } from '../protocol/messages.ts';
import type { Recorder } from './recorder.ts';

/**
 * What changes which elements are hovered, pressed or focused. Keys count for a pressed button
 * (Space) and for focus shown as from the keyboard; a state is sent only when it changed, so
 * typing sends nothing.
 */
const TRIGGERS = [
  'mouseover',
  'mouseout',
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
 * Sends (as a custom event) which elements the customer's pointer and keyboard are on: hovered,
 * pressed (`:active`), focused and whether that focus shows as from the keyboard. Ids only: the
 * agent's view styles those elements as the page's own CSS says (see the replay's pointer
 * states). Checked once a frame after any event that may change them, and sent again after every
 * snapshot, whose ids the previous one no longer matches.
 */
export function watchPointerStates(recorder: Pick<Recorder, 'id' | 'custom' | 'masking'> & { snapshotted?: () => void }): void {
  let sent = '';
  let pending = 0;
  /** rrweb's id of the element, or of its nearest recorded ancestor (the widget's own UI is its host). */
  const idOf = (node: Node | null): number => {
    for (; node; node = node.parentNode ?? (node as ShadowRoot).host ?? null) {
      const id = recorder.id(node);
      if (id > 0) return id;
    }
    return 0;
  };
  const check = () => {
    pending = 0;
    if (!recorder.masking()) return; // not recording: nothing leaves the page
    const focus = focused();
    const states: PointerStates = {
      hover: idOf(deepest(document, ':hover')),
      active: idOf(deepest(document, ':active')),
      focus: idOf(focus),
      focusVisible: !!focus?.matches(':focus-visible'),
    };
    const key = JSON.stringify(states);
    if (key === sent) return;
    sent = key;
    recorder.custom(POINTER_STATES_EVENT_TAG, states);
  };
  const schedule = () => (pending ||= requestAnimationFrame(check));
  for (const type of TRIGGERS) addEventListener(type, schedule, true);
  recorder.snapshotted = () => {
    sent = '';
    schedule();
  };
  schedule();
}
