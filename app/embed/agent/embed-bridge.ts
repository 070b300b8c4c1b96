import {
  checkEmbedCommand,
  embedMessage,
  MAX_EMBED_PENDING_COMMANDS,
  type EmbedCommand,
  type EmbedErrorCode,
  type EmbedEvent,
  type EmbedReply,
} from '../../../protocol/embed-bridge';
import type { DesktopBridge, DesktopCommands, DesktopState } from '../../agent/desktop-bridge';

type Outcome = { ok: true } | { ok: false; code: EmbedErrorCode; message: string };
const done: Outcome = { ok: true };
const fail = (code: EmbedErrorCode, message: string): Outcome => ({ ok: false, code, message });

/**
 * The view's side of the postMessage bridge (protocol/embed-bridge.ts). It talks to the framing
 * page only: messages from any other window, or from an origin the admin did not allow, are
 * ignored unanswered; what it posts goes to each allowed origin by name (never `*`), so the
 * browser delivers it only if the framing page is one of them.
 */
export function createEmbedBridge(origins: readonly string[], host: Window) {
  let commands: DesktopCommands | null = null;
  let state: DesktopState | null = null;
  let pending = 0;

  const post = (body: EmbedEvent | EmbedReply, to?: string) => {
    for (const origin of to ? [to] : origins) host.postMessage(embedMessage(body), origin);
  };

  async function run(command: EmbedCommand): Promise<Outcome> {
    if (!commands) return fail('NOT_SIGNED_IN', 'No agent is signed in in the view; the agent signs in inside it first.');
    const session = state?.session ?? null;
    if (command.command === 'join') {
      if (session) return fail('IN_SESSION', `Already in session ${session.code}; end it first.`);
      const refused = await commands.join(command.code);
      return refused ? fail('REFUSED', refused) : done;
    }
    if (!session) return fail('NO_SESSION', 'There is no session to do that in; join one first.');
    if (command.command === 'request-write') {
      if (session.mode === 'WRITE') return done;
      const refused = await commands.requestWrite();
      return refused ? fail('REFUSED', refused) : done;
    }
    const refused = await commands.end();
    return refused ? fail('REFUSED', refused) : done;
  }

  async function onMessage(event: MessageEvent) {
    if (event.source !== host || !origins.includes(event.origin)) return;
    const checked = checkEmbedCommand(event.data);
    if (!checked.ok) {
      if ('ignore' in checked) return;
      return post(
        { event: 'error', code: 'BAD_MESSAGE', message: checked.message, ...(checked.id !== undefined && { id: checked.id }) },
        event.origin,
      );
    }
    const { id } = checked;
    if (pending >= MAX_EMBED_PENDING_COMMANDS)
      return post(
        { reply: id, ok: false, code: 'BUSY', message: `At most ${MAX_EMBED_PENDING_COMMANDS} commands at once; wait for a reply.` },
        event.origin,
      );
    pending++;
    try {
      const outcome = await run(checked.command);
      post(outcome.ok ? { reply: id, ok: true } : { reply: id, ...outcome }, event.origin);
    } finally {
      pending--;
    }
  }

  const desktop: DesktopBridge = {
    attach: (next) => void (commands = next),
    onState(next) {
      const before = state;
      state = next;
      const was = before?.session ?? null;
      const now = next.session;
      if (was && was.id !== now?.id) post({ event: 'ended', sessionId: was.id, code: was.code });
      if (!now) return;
      const joinedNow = was?.id !== now.id;
      if (joinedNow) post({ event: 'joined', sessionId: now.id, code: now.code, mode: now.mode });
      else if (was.mode !== now.mode || before!.writeRequested !== next.writeRequested)
        post({ event: 'mode', sessionId: now.id, mode: now.mode, writeRequested: next.writeRequested });
      // Presence is told once the server has said it (just after a join), then on each change.
      const known = next.customerOnline;
      if (known !== null && (joinedNow || before!.customerOnline !== known))
        post({ event: 'presence', sessionId: now.id, customer: known ? 'connected' : 'gone' });
    },
  };

  return {
    desktop,
    /** Listens for the host's commands and tells it the view is ready; returns the stop. */
    start(signedIn: boolean) {
      window.addEventListener('message', onMessage);
      post({ event: 'ready', signedIn });
      return () => window.removeEventListener('message', onMessage);
    },
  };
}
