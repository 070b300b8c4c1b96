import { useEffect, useRef } from 'react';
import type { SessionMode } from '../../protocol/messages';

/** What a page hosting the agent desktop (the embeddable view) learns as it changes. */
export interface DesktopState {
  session: { id: string; code: string; mode: SessionMode } | null;
  /** Null until the server has said, after a join. */
  customerOnline: boolean | null;
  writeRequested: boolean;
}

/** What such a page may ask of the desktop; each answers the server's refusal, or null when done. */
export interface DesktopCommands {
  join(code: string): Promise<string | null>;
  requestWrite(): Promise<string | null>;
  end(): Promise<string | null>;
}

/** Lets another page drive the desktop and follow its session (the embed view's postMessage bridge). */
export interface DesktopBridge {
  onState(state: DesktopState): void;
  attach(commands: DesktopCommands | null): void;
}

/**
 * Connects the desktop to a bridge: the bridge always reaches the latest render's commands (which
 * see the current session), and hears the state when a part of it changes.
 */
export function useDesktopBridge(bridge: DesktopBridge | undefined, state: DesktopState, commands: DesktopCommands) {
  const latest = useRef(commands);
  useEffect(() => {
    latest.current = commands;
  });
  useEffect(() => {
    if (!bridge) return;
    bridge.attach({
      join: (code) => latest.current.join(code),
      requestWrite: () => latest.current.requestWrite(),
      end: () => latest.current.end(),
    });
    return () => bridge.attach(null);
  }, [bridge]);
  const { session, customerOnline, writeRequested } = state;
  const [id, code, mode] = [session?.id ?? null, session?.code ?? null, session?.mode ?? null];
  useEffect(() => {
    bridge?.onState({ session: id && code && mode ? { id, code, mode } : null, customerOnline, writeRequested });
  }, [bridge, id, code, mode, customerOnline, writeRequested]);
}
