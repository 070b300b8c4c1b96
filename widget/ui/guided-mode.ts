import { HIGHLIGHT_MS } from '../../protocol/guided-mode.ts';
import type { GuidedSignal, StreamMessage } from '../../protocol/messages.ts';
import type { CobrowseEventMap, WidgetTexts } from '../api.ts';
import type { Recorder } from '../recorder.ts';
import type { OpenSession } from '../session-machine.ts';
import { fill } from '../i18n/texts.ts';
import { button, h } from './h.ts';
import { addStyles, WIDGET_ROOT_ID } from './root.ts';

/** Guided Mode's texts in English; a language chunk or the site's `texts` may give any of them. */
export const GUIDED_EN = {
  guided: 'Guided Mode',
  guidedRequest: 'Guided Mode request',
  guidedAsk:
    '{agent} asks to scroll this page and highlight things on it for you. They cannot click or type. You can take it back at any time.',
  guidedOn: 'The agent can scroll this page and highlight things for you, nothing else.',
  guidedStop: 'Stop Guided Mode',
  guidedApproved: 'Guided Mode is on: the agent can scroll and highlight.',
  guidedDeclined: 'You declined Guided Mode. The agent can still point.',
  guidedExpired: 'The Guided Mode request expired.',
  guidedEndedByAgent: 'The agent ended Guided Mode.',
  guidedEndedByYou: 'Guided Mode is off: the agent can only point.',
};

export type GuidedTexts = typeof GUIDED_EN;

const SEND = {
  answer:
    'mutation($sessionId: ID!, $requestId: ID!, $approve: Boolean!){ answerGuidedMode(sessionId:$sessionId, requestId:$requestId, approve:$approve){ mode } }',
  end: 'mutation($sessionId: ID!){ endGuidedMode(sessionId:$sessionId){ mode } }',
};

// The outline is the agent's purple (the pointer's), on a white halo, so it shows on any page.
const CSS = `.gm{margin-top:14px;padding:12px;border-radius:12px;background:#ecfeff;color:#155e75}
.gm p{margin:0 0 10px;font-size:13px}
.gm .badge{display:inline-block;margin-bottom:6px;padding:2px 8px;border-radius:999px;background:#0e7490;color:#fff;font-size:11px;font-weight:700;letter-spacing:.02em}
.gstop{width:100%;background:#0e7490;color:#fff}.gstop:hover{background:#155e75}
.gask{margin-top:14px;padding:12px;border-radius:12px;background:#ecfeff;color:#164e63}
.gask p{margin:0 0 10px;font-size:13px}
.gyes{flex:1;background:#0e7490;color:#fff}.gno{flex:1;background:#e5e7eb;color:#111827}
.hl{position:fixed;pointer-events:none;border:3px solid #7c3aed;border-radius:6px;box-shadow:0 0 0 3px rgba(255,255,255,.9),0 0 0 9px rgba(124,58,237,.22);transition:opacity .4s}
.hl.out{opacity:0}
@media (prefers-reduced-motion:reduce){.hl{transition:none}}`;

/** Guided Mode on the customer's page, as the core hands it its messages. */
export interface Guided {
  /** A session message (after the core took it), or a scroll or highlight from the agent. */
  apply(message: StreamMessage): void;
  /** The session is over on this page: nothing of Guided Mode stays. */
  hide(): void;
}

/**
 * Guided Mode's chunk (/widget-guided.js), loaded the first time an agent asks for it: the
 * customer's consent prompt, the indicator while it is on (with the way back), and the agent's
 * scrolls and outlines. It refuses, on its own, anything the current mode or the site's
 * capabilities do not allow, whatever the server let through.
 */
export function createGuided(
  shadow: ShadowRoot,
  /** The widget's texts: a language's and the site's overrides over English. */
  texts: WidgetTexts,
  /** Whether the widget draws its own UI (`ui: false` draws none: a request then goes unanswered and expires). */
  ui: boolean,
  /** Runs a mutation for the session on its socket. */
  call: (query: string, variables: Record<string, unknown>) => unknown,
  notify: (message: string) => void,
  emit: <E extends keyof CobrowseEventMap>(event: E, detail: CobrowseEventMap[E]) => void,
  /** The session this page has open: the server's last word on it, and its rules. */
  live: () => Pick<OpenSession, 'server' | 'rules'> | null,
  /** The recorder: its node by rrweb id. */
  recorder: Pick<Recorder, 'node'>,
): Guided {
  const t = { ...GUIDED_EN, ...texts };
  addStyles(shadow, CSS);
  const question = h('p');
  const yes = button('gyes', 'cobrowse-approve-guided', t.approve);
  const no = button('gno', 'cobrowse-decline-guided', t.decline);
  const ask = h(
    'div',
    { class: 'gask', role: 'alertdialog', 'aria-label': t.guidedRequest, 'data-testid': 'cobrowse-guided-request', hidden: '' },
    question,
    h('div', { class: 'row' }, yes, no),
  );
  const stop = button('gstop', 'cobrowse-end-guided', t.guidedStop);
  const indicator = h(
    'div',
    { class: 'gm', role: 'status', 'data-testid': 'cobrowse-guided-mode', hidden: '' },
    h('span', { class: 'badge' }, t.guided),
    h('p', null, t.guidedOn),
    stop,
  );
  // In the card, above its Exit button; a page without the card (ui: false) shows neither.
  const card = shadow.querySelector('.card');
  if (ui && card) card.insertBefore(ask, card.querySelector('.exit')).after(indicator);
  let requestId: string | null = null;

  const answer = (approve: boolean) => {
    ask.hidden = true;
    if (requestId) void call(SEND.answer, { requestId, approve });
    requestId = null;
  };
  yes.onclick = () => answer(true);
  no.onclick = () => answer(false);
  stop.onclick = () => void call(SEND.end, {});

  const allowed = (signal: GuidedSignal) => {
    const open = live();
    const session = open?.server;
    const rules = open?.rules;
    const mode = session?.status === 'ACTIVE' ? session.mode : null;
    const capability = signal.type === 'scroll' ? 'scroll' : 'annotate';
    return (mode === 'GUIDED' || mode === 'WRITE') && rules?.capabilities?.[capability] === true;
  };

  const highlight = (target: Extract<GuidedSignal, { type: 'highlight' }>['target']) => {
    const node = target.nodeId === undefined ? null : recorder.node(target.nodeId);
    const element = node instanceof Element ? node : node?.parentElement;
    if (!element?.isConnected || element.closest('#' + WIDGET_ROOT_ID)) return;
    const box = h('div', { class: 'hl', 'data-testid': 'cobrowse-highlight' });
    shadow.append(box);
    const until = performance.now() + HIGHLIGHT_MS;
    // Follows the element while the customer scrolls or the page moves it.
    const place = () => {
      if (!box.isConnected) return;
      if (performance.now() > until) {
        box.classList.add('out');
        return void setTimeout(() => box.remove(), 400);
      }
      const rect = element.getBoundingClientRect();
      Object.assign(box.style, {
        left: rect.left - 4 + 'px',
        top: rect.top - 4 + 'px',
        width: rect.width + 8 + 'px',
        height: rect.height + 8 + 'px',
      });
      requestAnimationFrame(place);
    };
    place();
  };

  return {
    apply(message) {
      if (message.type === 'scroll') {
        if (allowed(message)) scrollBy(message.dx, message.dy);
        return;
      }
      if (message.type === 'highlight') {
        if (allowed(message)) highlight(message.target);
        return;
      }
      if (message.type !== 'session') return;
      const session = message.session;
      const pending = session.guidedRequest;
      if (pending && pending.id !== requestId) {
        requestId = pending.id;
        question.textContent = fill(t.guidedAsk, { agent: session.agentName || t.theAgent });
        ask.hidden = false;
        if (ui) yes.focus();
      } else if (!pending) {
        requestId = null;
        ask.hidden = true;
      }
      indicator.hidden = session.mode !== 'GUIDED';
      const event = message.event;
      if (event === 'guided-approved') {
        notify(t.guidedApproved);
        emit('mode', { mode: 'GUIDED', by: 'CUSTOMER' });
      } else if (event === 'guided-declined') notify(t.guidedDeclined);
      else if (event === 'guided-expired') notify(t.guidedExpired);
      else if (event === 'guided-ended') {
        notify(message.by === 'AGENT' ? t.guidedEndedByAgent : t.guidedEndedByYou);
        emit('mode', { mode: 'POINTER', by: message.by ?? null });
      }
    },
    hide() {
      ask.hidden = indicator.hidden = true;
      requestId = null;
      shadow.querySelectorAll('.hl').forEach((box) => box.remove());
    },
  };
}
