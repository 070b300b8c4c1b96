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
