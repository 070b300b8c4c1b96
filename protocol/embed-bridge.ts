/**
 * The `postMessage` bridge between the embeddable agent view (`/embed/agent`, in a frame) and the
 * page of the CRM or helpdesk that frames it. Both sides post only to, and accept only from, the
 * origins an admin allowed; every message is one of the shapes below, and the view answers a bad
 * one with an `error` event naming what is wrong. Written down in docs/embed.md.
 */

/** Every bridge message carries this tag, so each side can ignore other scripts' messages. */
export const EMBED_BRIDGE = 'cobrowse-embed';
/** The bridge's version; a message of another version is refused. */
export const EMBED_BRIDGE_VERSION = 1;

/** A session ID (spaces and dashes allowed) is at most this long. */
export const MAX_EMBED_CODE_LENGTH = 32;
/** A command id is at most this long (a string) or this large (a number). */
export const MAX_EMBED_ID_LENGTH = 64;
/** Commands the view may be working on at once; more are refused with `BUSY`. */
export const MAX_EMBED_PENDING_COMMANDS = 4;

/** What the host may ask of the view. */
export type EmbedCommand =
  /** Join a customer's session by its 9-digit ID. */
  | { command: 'join'; code: string }
  /** Ask the customer for Write Mode. */
  | { command: 'request-write' }
  /** End the session. */
  | { command: 'end' };

/** A command as posted by the host; `id` comes back on its reply. */
export type EmbedCommandMessage = EmbedCommand & { type: typeof EMBED_BRIDGE; version: typeof EMBED_BRIDGE_VERSION; id: string | number };

/** The session's mode as the view shows it. */
export type EmbedMode = 'POINTER' | 'GUIDED' | 'WRITE';

/** What the view tells the host, as it happens. */
export type EmbedEvent =
  /** The view is loaded and listening; `signedIn` says whether an agent is signed in inside it. */
  | { event: 'ready'; signedIn: boolean }
  /** The agent joined a session (by a command or by hand). */
  | { event: 'joined'; sessionId: string; code: string; mode: EmbedMode }
  /** The mode changed, or a Write Mode request was sent or answered (`writeRequested`). */
  | { event: 'mode'; sessionId: string; mode: EmbedMode; writeRequested: boolean }
  /** The customer's page connected or went away. */
  | { event: 'presence'; sessionId: string; customer: 'connected' | 'gone' }
  /** The session ended (either side, or it timed out). */
  | { event: 'ended'; sessionId: string; code: string }
  /** A message the view could not take; `id` when the message had a usable one. */
  | { event: 'error'; code: EmbedErrorCode; message: string; id?: string | number };

/** Why a message or a command failed. */
export type EmbedErrorCode =
  /** Not a bridge message of this version, or a field is missing or wrong. */
  | 'BAD_MESSAGE'
  /** Too many commands at once. */
  | 'BUSY'
  /** No agent is signed in inside the view. */
  | 'NOT_SIGNED_IN'
  /** The command needs a session and there is none, or needs none and there is one. */
  | 'NO_SESSION'
  | 'IN_SESSION'
  /** The server refused (its own message says why: a wrong ID, Write Mode off…). */
  | 'REFUSED';

/** The view's answer to one command. */
export type EmbedReply =
  | { reply: string | number; ok: true }
  | { reply: string | number; ok: false; code: EmbedErrorCode; message: string };

/** A message from the view to the host. */
export type EmbedViewMessage = (EmbedEvent | EmbedReply) & { type: typeof EMBED_BRIDGE; version: typeof EMBED_BRIDGE_VERSION };

/** A bridge message built by the view. */
export const embedMessage = (body: EmbedEvent | EmbedReply): EmbedViewMessage => ({
  type: EMBED_BRIDGE,
  version: EMBED_BRIDGE_VERSION,
  ...body,
});

/** A command checked, or why it is refused. */
export type CheckedCommand =
  | { ok: true; id: string | number; command: EmbedCommand }
  | { ok: false; id?: string | number; message: string }
  /** Not addressed to the bridge at all (another script's message): ignored, not answered. */
  | { ok: false; ignore: true };

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const usableId = (id: unknown): id is string | number =>
  (typeof id === 'string' && id.length > 0 && id.length <= MAX_EMBED_ID_LENGTH) ||
  (typeof id === 'number' && Number.isSafeInteger(id) && Math.abs(id) < 10 ** MAX_EMBED_ID_LENGTH);

const FIELDS: Record<EmbedCommand['command'], string[]> = {
  join: ['code'],
  'request-write': [],
  end: [],
};

/** Checks a message the host posted: its tag, version, id, command and that command's fields (no others). */
export function checkEmbedCommand(data: unknown): CheckedCommand {
  if (!isRecord(data) || data.type !== EMBED_BRIDGE) return { ok: false, ignore: true };
  const id = usableId(data.id) ? data.id : undefined;
  const refuse = (message: string): CheckedCommand => ({ ok: false, ...(id !== undefined && { id }), message });
  if (data.version !== EMBED_BRIDGE_VERSION) return refuse(`version must be ${EMBED_BRIDGE_VERSION}.`);
  if (id === undefined) return refuse(`id must be a non-empty string of at most ${MAX_EMBED_ID_LENGTH} characters, or an integer.`);
  const name = data.command;
  if (typeof name !== 'string' || !Object.hasOwn(FIELDS, name)) return refuse(`command must be one of ${Object.keys(FIELDS).join(', ')}.`);
  const allowed = new Set(['type', 'version', 'id', 'command', ...FIELDS[name as EmbedCommand['command']]]);
  const extra = Object.keys(data).find((key) => !allowed.has(key));
  if (extra) return refuse(`${name} takes no field "${extra.slice(0, 40)}".`);
  if (name === 'join') {
    const { code } = data;
    if (typeof code !== 'string' || !/^[\d\s-]+$/.test(code) || code.length > MAX_EMBED_CODE_LENGTH)
      return refuse(`join: code must be the 9-digit session ID (spaces and dashes allowed, at most ${MAX_EMBED_CODE_LENGTH} characters).`);
    return { ok: true, id, command: { command: 'join', code } };
  }
  return { ok: true, id, command: { command: name as 'request-write' | 'end' } };
}

/**
 * The request header the server sets on every request for the embed page, over whatever a client
 * sent: the sites an admin allowed to frame it, space-separated, read as the page renders.
 */
export const EMBED_ORIGINS_HEADER = 'x-cobrowse-embed-origins';
