/** Protocol version; bump when a message shape changes incompatibly. */
export const PROTOCOL_VERSION = 1;

/** The widget flushes recorded events at most this often (one message per animation frame). */
export const BATCH_INTERVAL_MS = 33;

/** Largest batch the server accepts, as serialized JSON (a full snapshot of a big page fits). */
export const MAX_BATCH_BYTES = 4 * 1024 * 1024;

/** A batch whose JSON is longer than this travels packed (deflated); pointer and scroll batches stay plain. */
export const PACK_THRESHOLD_BYTES = 8 * 1024;

/** Longest packed payload (base64 characters) the server passes on. */
export const MAX_PACKED_BYTES = 2 * 1024 * 1024;

/** Most bytes a packed payload may declare, and that the agent's page ever inflates one to. */
export const MAX_UNPACKED_BYTES = 16 * 1024 * 1024;

/** Largest number of rrweb events in one batch. */
export const MAX_EVENTS_PER_BATCH = 5000;

/** How long the widget waits before reconnecting grows to at most this. */
export const MAX_RECONNECT_DELAY_MS = 5000;

/** Session codes are nine digits, read aloud by the customer. */
export const SESSION_CODE_PATTERN = /^\d{9}$/;

/** Longest text an agent may put into one field in Write Mode. */
export const MAX_INPUT_VALUE_LENGTH = 10_000;

/** A Write Mode request the customer has not answered lapses after this long. */
export const WRITE_REQUEST_TTL_MS = 60_000;

/** An offer to hand a session to another agent lapses after this long unanswered. */
export const HANDOVER_OFFER_TTL_MS = 60_000;

/** Controls agents may never use, whatever the admin adds: every submit button. */
export const DEFAULT_DISABLED_SELECTORS = ['button[type=submit]', 'input[type=submit]', 'input[type=image]', 'form button:not([type])'];

/**
 * Fields masked on every site, whatever the admin adds: passwords (also after a "show
 * password" toggle, which rrweb marks `data-rr-is-password`), one-time codes, payment cards,
 * card-, CVV- and SSN-like names, and anything the page marks `data-cobrowse-mask`.
 */
export const DEFAULT_MASKED_FIELD_SELECTORS = [
  'input[type=password]',
  '[data-rr-is-password]',
  '[autocomplete*=password]',
  '[autocomplete*=one-time-code]',
  '[autocomplete*=cc-]',
  'input[name*=card i]',
  'input[name*=cvv i]',
  'input[name*=cvc i]',
  'input[name*=ssn i]',
  'input[data-cobrowse-mask]',
  'textarea[data-cobrowse-mask]',
  'select[data-cobrowse-mask]',
];

/** Elements and images the page itself marks private are recorded as placeholders. */
export const DEFAULT_MASKED_ELEMENT_SELECTORS = ['[data-cobrowse-mask]:not(input, textarea, select, img)'];
export const DEFAULT_MASKED_IMAGE_SELECTORS = ['img[data-cobrowse-mask]'];
export const DEFAULT_MASKED_CANVAS_SELECTORS = ['canvas[data-cobrowse-mask]'];

/** Most selectors or page patterns an admin may keep in one list, and the longest one. */
export const MAX_RULES_PER_LIST = 100;
export const MAX_RULE_LENGTH = 300;

/** Most points (x, y pairs) in one piece of an annotation stroke: a frame's worth of drawing. */
export const MAX_ANNOTATION_POINTS_PER_SIGNAL = 64;

/** Most points a stroke keeps; the rest of a longer one is not drawn. */
export const MAX_ANNOTATION_POINTS_PER_STROKE = 2000;

/** Most annotation signals (pieces and clears) a session takes per second; more are refused. */
export const MAX_ANNOTATION_SIGNALS_PER_SECOND = 50;

/** A stroke that is not pinned fades this long after its last piece; a laser trail much sooner. */
export const ANNOTATION_FADE_MS = 4000;
export const LASER_FADE_MS = 800;

/**
 * What the customer's page takes from one trusted frame of another site: messages of at most
 * this much JSON, and at most this many a second (the frame's widget sends one batch a frame,
 * a full snapshot packed); more is dropped, and the frame's view waits for its next snapshot.
 */
export const MAX_FRAME_MESSAGE_BYTES = 2 * 1024 * 1024;
export const MAX_FRAME_MESSAGES_PER_SECOND = 60;
