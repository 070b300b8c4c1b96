import type { AgentSignal, Capability, Capabilities, SessionMode, SessionStatus } from '../../protocol/index.ts';
import { AppError, ErrorCode } from '../core/errors.ts';
import { requireCapability } from '../settings/capabilities.ts';

/** What a signal needs: a capability of the sender's role, and (when it acts on the page) one of the modes the customer approves. */
interface SignalNeeds {
  capability: Capability | null;
  /** What the refusal calls the tool. */
  tool: string;
  /** The modes it may be sent in; null in any mode. */
  modes: readonly SessionMode[] | null;
}

const GUIDED_OR_WRITE: readonly SessionMode[] = ['GUIDED', 'WRITE'];
const WRITE: readonly SessionMode[] = ['WRITE'];

/** Each signal's needs, written down once for every role and both checks (capability, then mode). */
export function signalNeeds(signal: AgentSignal): SignalNeeds {
  switch (signal.type) {
    case 'request-snapshot':
      return { capability: null, tool: 'Resyncing', modes: null };
    case 'pointer':
    case 'click':
      return { capability: 'point', tool: 'Pointing', modes: null };
    case 'annotate':
    case 'clear-annotations':
      return { capability: 'annotate', tool: 'Annotating', modes: null };
    case 'scroll':
      return { capability: 'scroll', tool: 'Scrolling the customer’s page', modes: GUIDED_OR_WRITE };
    case 'highlight':
      return { capability: 'annotate', tool: 'Highlighting', modes: GUIDED_OR_WRITE };
    case 'action':
      return signal.action.kind === 'click' || signal.action.kind === 'input'
        ? { capability: 'control', tool: 'Clicking and typing', modes: WRITE }
        : { capability: 'navigate', tool: 'Navigating', modes: WRITE };
  }
}

/** Refuses a signal the role may not send at all (CAPABILITY_DISABLED). */
export function checkSignalCapability(capabilities: Capabilities, signal: AgentSignal): void {
  const { capability, tool } = signalNeeds(signal);
  if (capability) requireCapability(capabilities, capability, tool);
}

/**
 * Refuses a signal the session's mode does not allow, as the session is now: Guided Mode scrolls
 * and highlights only (its clicks, typing and navigation are NOT_ALLOWED_IN_GUIDED_MODE), Write
 * Mode does all of it, Pointer Mode none of it.
 */
export function checkSignalMode(session: { mode: SessionMode; status: SessionStatus } | null, signal: AgentSignal): void {
  const { modes } = signalNeeds(signal);
  if (!modes) return;
  const mode = session?.status === 'ACTIVE' ? session.mode : null;
  if (mode && modes.includes(mode)) return;
  if (signal.type !== 'action')
    throw new AppError(ErrorCode.GUIDED_MODE_REQUIRED, 'Ask the customer for Guided Mode first: then you can scroll and highlight.');
  if (mode === 'GUIDED')
    throw new AppError(
      ErrorCode.NOT_ALLOWED_IN_GUIDED_MODE,
      'In Guided Mode you can scroll and highlight only; ask for Write Mode to click, type or navigate.',
    );
  throw new AppError(ErrorCode.WRITE_MODE_REQUIRED, 'Ask the customer for Write Mode first.');
}
