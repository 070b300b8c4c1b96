import type { SessionStatus } from '../../protocol/messages.ts';
import type { WidgetTexts } from '../api.ts';
import { fill } from '../i18n/texts.ts';
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

const START_ICON =
  '<svg width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" aria-hidden="true"><rect x="2" y="3" width="20" height="14" rx="2"/><path d="M8 21h8M12 17v4"/></svg>';

/** For `ui: false`: every panel call does nothing. */
export const NO_PANEL = new Proxy({}, { get: () => () => {} }) as Panel;

/** A text as HTML: texts may come from the site (`texts` overrides). */
const html = (text: string) => text.replace(/[&<>"]/g, (char) => `&#${char.charCodeAt(0)};`);

/** Builds the panel in the shadow root, in `t`'s words. */
export function createPanel(shadow: ShadowRoot, actions: PanelActions, t: WidgetTexts): Panel {
  const panel = document.createElement('div');
  panel.className = 'w';
  panel.innerHTML = `<div class="notes"></div><button type="button" class="start" data-testid="cobrowse-start">${START_ICON}<span></span></button><section class="card" aria-label="${html(t.title)}" hidden><div class="hd"><span class="dot"></span>${html(t.title)}<span class="st"></span></div><div class="lbl">${html(t.readId)}</div><div class="id" data-testid="cobrowse-session-id" tabindex="-1"></div><div class="ask" role="alertdialog" aria-label="${html(t.writeRequest)}" hidden><p></p><div class="row"><button type="button" class="yes" data-testid="cobrowse-approve-write">${html(t.approve)}</button><button type="button" class="no" data-testid="cobrowse-decline-write">${html(t.decline)}</button></div></div><div class="wm" hidden><p>${html(t.writeOn)}</p><button type="button" class="back" data-testid="cobrowse-pointer-mode">${html(t.pointerMode)}</button></div><button type="button" class="exit" data-testid="cobrowse-exit">${html(t.exit)}</button></section>`;
  shadow.append(panel);
  const [notices, start, card] = panel.children as unknown as [HTMLElement, HTMLButtonElement, HTMLElement];
  const find = (selector: string) => card.querySelector(selector) as HTMLElement;
  const status = find('.st');
  const code = find('.id');
  const startLabel = start.lastChild as HTMLElement;
  startLabel.textContent = t.start;
  start.onclick = actions.start;
  find('.exit').onclick = actions.exit;
  const ask = find('.ask');
  const writeMode = find('.wm');
  find('.yes').onclick = () => actions.answerWriteMode(true);
  find('.no').onclick = () => actions.answerWriteMode(false);
  find('.back').onclick = actions.pointerMode;

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
      code.innerHTML = (value.match(/\d{1,3}/g) ?? []).map((group) => `<span>${group}</span>`).join('');
      // Keyboard users who pressed Start land on the ID rather than on the page's first link.
      if (hadFocus) code.focus();
    },
    setStatus(value, text) {
      card.className = 'card ' + value;
      status.textContent = text;
    },
    askWriteMode(agentName) {
      ask.hidden = agentName === null;
      (ask.firstChild as HTMLElement).textContent = fill(t.writeAsk, { agent: agentName || t.theAgent });
      if (agentName !== null) (find('.yes') as HTMLButtonElement).focus();
    },
    showWriteMode(on) {
      writeMode.hidden = !on;
    },
  };
}
