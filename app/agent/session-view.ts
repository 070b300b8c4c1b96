import type { ShownCustomer } from '../../protocol/customer-metadata';
import type { CustomerTab } from '../../protocol/customer-tabs';
import type { SessionRules, SessionState, StreamMessage } from '../../protocol/messages';
import type { SessionSummary } from '../lib/documents';
import { MASKED_FIELD_NOTICE } from './agent-marks';
import type { Notice, NoticeTone } from './notices';

/** What the agent's desktop shows of the session it has open, as the stream tells it. */
export interface SessionView {
  session: SessionSummary | null;
  /** When the customer's last connection closed: null while connected, undefined until the server says. */
  customerGoneAt: string | null | undefined;
  customer: ShownCustomer | null;
  viewport: { width: number; height: number } | null;
  /** The page the customer's browser shows now, once the replay knows it. */
  pageUrl: string | null;
  /** Which of the customer's tabs streams, once their widget said. */
  tab: CustomerTab | null;
  rules: SessionRules | null;
  writeRequested: boolean;
  guidedRequested: boolean;
}

export type SessionViewAction =
  | { type: 'joined'; session: SessionSummary }
  | { type: 'left' }
  | { type: 'stream'; message: StreamMessage }
  | { type: 'viewport'; viewport: { width: number; height: number } }
  | { type: 'page'; url: string }
  | { type: 'tab'; tab: CustomerTab };

export const NO_SESSION: SessionView = {
  session: null,
  customerGoneAt: undefined,
  customer: null,
  viewport: null,
  pageUrl: null,
  tab: null,
  rules: null,
  writeRequested: false,
  guidedRequested: false,
};

export function sessionViewReducer(view: SessionView, action: SessionViewAction): SessionView {
  switch (action.type) {
    case 'joined':
      return { ...NO_SESSION, session: action.session };
    case 'left':
      return NO_SESSION;
    case 'viewport':
      return { ...view, viewport: action.viewport };
    case 'page':
      return { ...view, pageUrl: action.url };
    case 'tab':
      return view.tab?.index === action.tab.index && view.tab.count === action.tab.count ? view : { ...view, tab: action.tab };
    case 'stream': {
      const { message } = action;
      if (message.type === 'rules') return { ...view, rules: message.rules };
      if (message.type !== 'session') return view;
      const state = message.session;
      return {
        ...view,
        session: view.session ? { ...view.session, status: state.status, mode: state.mode } : view.session,
        writeRequested: state.writeRequest !== null,
        guidedRequested: (state.guidedRequest ?? null) !== null,
        customerGoneAt: state.customerGoneAt ?? null,
        customer: state.customer ?? null,
      };
    }
  }
}

function endedText(session: SessionState): string {
  if (session.endReason === 'timeout') return 'The co-browse session ended: the customer was gone for too long.';
  if (session.endedBy === 'CUSTOMER') return 'The customer ended the co-browse session.';
  if (session.endedBy === 'AGENT') return 'You ended the co-browse session.';
  return 'The co-browse session ended.';
}

/** What the agent is told about a stream message, and whether the session is over for them. */
export interface StreamNotice {
  tone: NoticeTone;
  text: string;
  special?: Notice['special'];
  /** The session ended: the desktop leaves it. */
  ends?: boolean;
}

/**
 * The notice a stream message gives the agent, if any. `customerWasGone` is whether the customer
 * had no connection before this message (their page coming back is news only then).
 */
export function noticeFor(message: StreamMessage, customerWasGone: boolean, myId?: string): StreamNotice | null {
  if (message.type === 'action-result') {
    if (message.ok) return null;
    if (message.masked) return { tone: 'warning', text: MASKED_FIELD_NOTICE, special: 'masked-field' };
    return { tone: 'warning', text: message.reason ?? 'The customer’s page did not take that action.' };
  }
  if (message.type !== 'session') return null;
  const state = message.session;
  switch (message.event) {
    case 'write-approved':
      return { tone: 'success', text: 'The customer approved Write Mode. You can click and type in their page.' };
    case 'write-declined':
      return { tone: 'warning', text: 'The customer declined Write Mode.' };
    case 'write-expired':
      return { tone: 'warning', text: 'The customer did not answer the Write Mode request in time.' };
    case 'pointer-mode':
      return {
        tone: 'info',
        text: message.by === 'CUSTOMER' ? 'The customer switched back to Pointer Mode.' : 'You are back in Pointer Mode.',
      };
    case 'guided-approved':
      return { tone: 'success', text: 'The customer approved Guided Mode. You can scroll their page and highlight elements.' };
    case 'guided-declined':
      return { tone: 'warning', text: 'The customer declined Guided Mode.' };
    case 'guided-expired':
      return { tone: 'warning', text: 'The customer did not answer the Guided Mode request in time.' };
    case 'guided-ended':
      return {
        tone: 'info',
        text: message.by === 'CUSTOMER' ? 'The customer ended Guided Mode.' : 'Guided Mode ended: you are back in Pointer Mode.',
      };
    case 'paused':
      return { tone: 'info', text: 'Paused: the customer is on a page hidden from you. The session resumes when they leave it.' };
    case 'resumed':
      return { tone: 'success', text: 'The customer is back on a page you can see.' };
    case 'ended':
      return { tone: state.endedBy === 'AGENT' ? 'info' : 'warning', text: endedText(state), ends: true };
    case 'state':
      return state.status === 'ENDED' ? { tone: 'warning', text: endedText(state), ends: true } : null;
    case 'customer-disconnected':
      // A page load within the site, a closed tab, a dropped network or a visit to another site.
      return {
        tone: 'warning',
        text: 'Paused: the customer is loading a page, left the site or went offline. Waiting for them to come back…',
      };
    case 'customer-connected':
      return customerWasGone ? { tone: 'success', text: 'The customer’s page is back.' } : null;
    case 'supervisor-joined':
      return { tone: 'info', text: `${message.byName ?? 'A supervisor'} is watching this session (read-only).` };
    case 'supervisor-left':
      return { tone: 'info', text: `${message.byName ?? 'The supervisor'} stopped watching.` };
    case 'handover-declined':
      return { tone: 'warning', text: `${message.byName ?? 'The other agent'} declined the hand-over. The session is still yours.` };
    case 'handover-expired':
      return {
        tone: 'warning',
        text: `${message.byName ?? 'The other agent'} did not answer the hand-over offer in time. The session is still yours.`,
      };
    case 'handed-over':
    case 'supervisor-took-over':
      // Told to the agent who held the session; the one who holds it now opened it themselves.
      if (message.agentId === undefined || message.agentId === myId) return null;
      return {
        tone: 'info',
        text:
          message.event === 'handed-over'
            ? `${message.byName ?? 'The other agent'} took over the session. Your view of it has ended.`
            : `${message.byName ?? 'A supervisor'} (supervisor) took over the session. Your view of it has ended.`,
        ends: true,
      };
    default:
      return null;
  }
}
