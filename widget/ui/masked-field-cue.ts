import type { WidgetTexts } from '../api.ts';
import type { Masking } from '../masking.ts';
import { h, icon } from './h.ts';
import { NOTICE_DURATION_MS } from './notices.ts';

/** English, for when neither the language chunk nor the site names the cue. */
const EN_CUE = 'Private field: the agent cannot see what you type here.';

/** A padlock, one path. */
const LOCK_ICON = 'M7 11V7a5 5 0 0 1 10 0v4M6 11h12a1 1 0 0 1 1 1v8a1 1 0 0 1-1 1H6a1 1 0 0 1-1-1v-8a1 1 0 0 1 1-1z';

/** What the customer can type into; focus on anything else (a link, a button) says nothing. */
const TYPED_INTO = 'input,textarea,select,[contenteditable]:not([contenteditable=false])';

/**
 * The masked-field cue (/widget-cues.js), loaded once an agent joins: whenever the customer
 * focuses a field the widget masks while an agent is in the session, a notice (data-testid
 * `cobrowse-masked-field-cue`) says the agent cannot see what they type there. Once per focus,
 * since focus is what it listens to, never keystrokes; it goes when the field loses focus.
 * `announce` tells the site's own UI (the `notice` event), which also covers `ui: false`.
 */
export function watchMaskedFields(
  shadow: ShadowRoot,
  masking: () => Masking | null,
  joined: () => boolean,
  t: WidgetTexts,
  announce: (message: string) => void,
): void {
  let shown: HTMLElement | undefined;
  const hide = () => shown?.remove();
  document.addEventListener(
    'focusin',
    (event) => {
      hide();
      // The focused element itself, also inside a page's own open shadow roots.
      const field = event.composedPath()[0];
      const rules = masking();
      if (!(field instanceof Element) || !rules || !joined() || shadow.contains(field)) return;
      if (!field.matches(TYPED_INTO) || !rules.isMasked(field)) return;
      const message = t.maskedFieldCue ?? EN_CUE;
      announce(message);
      const notices = shadow.querySelector('.notes');
      if (!notices) return;
      const lock = icon(LOCK_ICON);
      lock.style.flex = 'none';
      const cue = h(
        'div',
        { class: 'note cue', 'data-testid': 'cobrowse-masked-field-cue', role: 'status', 'aria-live': 'polite' },
        lock,
        h('span', null, message),
      );
      // Set through the CSSOM, which a site's Content-Security-Policy does not block, so the core sheet stays as it is.
      Object.assign(cue.style, { display: 'flex', gap: '10px', alignItems: 'flex-start', background: '#4c1d95' });
      notices.append(cue);
      shown = cue;
      field.addEventListener('focusout', () => cue.remove(), { once: true });
      setTimeout(() => cue.remove(), NOTICE_DURATION_MS);
    },
    true,
  );
}
