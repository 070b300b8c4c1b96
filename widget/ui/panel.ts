import type { SessionStatus } from '../../protocol/messages.ts';
import type { WidgetTexts } from '../api.ts';
import { fill } from '../i18n/texts.ts';
import { button, h, icon } from './h.ts';
import { createNotices, type Notify } from './notices.ts';

/** What the status dot shows: the session's status, or that the connection is down. */
export type PanelStatus = SessionStatus | 'OFFLINE';

/** The widget's visible card: the Start button, or the session ID, status and Exit button. */
export interface Panel {
  /** Shows a notice above the card. */
  notify: Notify;
  /** Shows the Start Co-browse button; `busy` while a session is being created. */
  showStart(busy: boolean): void;
  /** Shows the session card with the nine-digit code. */
  showSession(code: string): void;
  /** Updates the status dot and its words. */
  setStatus(status: PanelStatus, text: string): void;
  /** Asks the customer to approve Write Mode for `agentName`, or hides the question (null). */
  askWriteMode(agentName: string | null): void;
  /** Shows that the agent can click and type, with the way back to Pointer Mode. */
  showWriteMode(on: boolean): void;
}

/** What the panel's buttons do. */
export interface PanelActions {
  start(): void;
  exit(): void;
  answerWriteMode(approve: boolean): void;
  pointerMode(): void;
}

/** A screen with its stand (the rectangle's corners rounded by arcs, so the icon is one path). */
const START_ICON = 'M4 3h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zM8 21h8M12 17v4';

/** For `ui: false`: every panel call does nothing. */
export const NO_PANEL = new Proxy({}, { get: () => () => {} }) as Panel;

/** Builds the panel in the shadow root, in `t`'s words. */
export function createPanel(shadow: ShadowRoot, actions: PanelActions, t: WidgetTexts): Panel {
  const startLabel = h('span', null, t.start);
  const start = button('start', 'cobrowse-start', icon(START_ICON), startLabel);
  const status = h('span', { class: 'st' });
  const code = h('div', { class: 'id', 'data-testid': 'cobrowse-session-id', tabindex: '-1' });
  const question = h('p');
  const yes = button('yes', 'cobrowse-approve-write', t.approve);
  const no = button('no', 'cobrowse-decline-write', t.decline);
  const ask = h(
    'div',
    { class: 'ask', role: 'alertdialog', 'aria-label': t.writeRequest, hidden: '' },
    question,
    h('div', { class: 'row' }, yes, no),
  );
  const back = button('back', 'cobrowse-pointer-mode', t.pointerMode);
  const writeMode = h('div', { class: 'wm', hidden: '' }, h('p', null, t.writeOn), back);
  const exit = button('exit', 'cobrowse-exit', t.exit);
  const card = h(
    'section',
    { class: 'card', 'aria-label': t.title, hidden: '' },
    h('div', { class: 'hd' }, h('span', { class: 'dot' }), t.title, status),
    h('div', { class: 'lbl' }, t.readId),
    code,
    ask,
    writeMode,
    exit,
  );
  const notices = h('div', { class: 'notes' });
  shadow.append(h('div', { class: 'w' }, notices, start, card));
  start.onclick = actions.start;
  exit.onclick = actions.exit;
  yes.onclick = () => actions.answerWriteMode(true);
  no.onclick = () => actions.answerWriteMode(false);
  back.onclick = actions.pointerMode;

  return {
    notify: createNotices(notices),
    showStart(busy) {
      const hadFocus = card.contains(shadow.activeElement);
      card.hidden = true;
      start.hidden = false;
      if (hadFocus) start.focus();
      // aria-disabled rather than disabled: a disabled button drops keyboard focus to the page.
      start.setAttribute('aria-disabled', String(busy));
      startLabel.textContent = busy ? t.starting : t.start;
    },
    showSession(value) {
      const hadFocus = shadow.activeElement === start;
      start.hidden = true;
      card.hidden = false;
      // A failed attempt's error is stale once a session runs.
      notices.querySelectorAll('.error').forEach((notice) => notice.remove());
      // Grouped in threes to read aloud; the text stays the nine digits, for copy and paste.
      code.replaceChildren(...(value.match(/\d{1,3}/g) ?? []).map((group) => h('span', null, group)));
      // Keyboard users who pressed Start land on the ID rather than on the page's first link.
      if (hadFocus) code.focus();
    },
    setStatus(value, text) {
      card.className = 'card ' + value;
      status.textContent = text;
    },
    askWriteMode(agentName) {
      ask.hidden = agentName === null;
      question.textContent = fill(t.writeAsk, { agent: agentName || t.theAgent });
      if (agentName !== null) yes.focus();
    },
    showWriteMode(on) {
      writeMode.hidden = !on;
    },
  };
}
