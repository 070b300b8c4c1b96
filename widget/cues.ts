import type { WidgetTexts } from './api.ts';
import { watchPointerStates } from './pointer-states.ts';
import type { Recorder } from './recorder.ts';
import { watchMaskedFields } from './ui/masked-field-cue.ts';

/**
 * The chunk /widget-cues.js, loaded once an agent joins: what follows the customer's focus and
 * pointer — the masked-field cue for the customer, the pointer states for the agent's view.
 */
export function watchCustomerCues(
  shadow: ShadowRoot,
  recorder: Recorder,
  joined: () => boolean,
  t: WidgetTexts,
  announce: (message: string) => void,
): void {
  watchPointerStates(recorder);
  watchMaskedFields(shadow, recorder.masking, joined, t, announce);
}
