/** The outcome of validating an incoming message: the typed value, or what is wrong with it. */
export type Validated<T> = { ok: true; value: T } | { ok: false; problem: string };
