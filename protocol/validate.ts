import { z } from 'zod';
import type { Validated } from './validated.ts';
import type { ActionResult, AgentSignal, EventBatch } from './messages.ts';
import { PACKED_EVENTS_TAG } from './messages.ts';
import {
  MAX_ANNOTATION_POINTS_PER_SIGNAL,
  MAX_EVENTS_PER_BATCH,
  MAX_INPUT_VALUE_LENGTH,
  MAX_PACKED_BYTES,
  MAX_UNPACKED_BYTES,
} from './limits.ts';
import { MAX_SCROLL_DELTA_PX } from './guided-mode.ts';

const finite = z.number().finite();

const pointerTarget = z.strictObject({
  x: finite.min(-100_000).max(1_000_000),
  y: finite.min(-100_000).max(10_000_000),
  nodeId: z.number().int().nonnegative().optional(),
  rx: finite.min(0).max(1).optional(),
  ry: finite.min(0).max(1).optional(),
});

const annotationStroke = z.strictObject({
  id: z
    .number()
    .int()
    .nonnegative()
    .max(2 ** 31),
  tool: z.enum(['draw', 'laser']),
  anchor: pointerTarget,
  // Offsets from the start point; a stroke never reaches further than a page is tall.
  points: z
    .array(finite.min(-100_000).max(100_000))
    .min(2)
    .max(MAX_ANNOTATION_POINTS_PER_SIGNAL * 2)
    .refine((points) => points.length % 2 === 0, 'expected x, y pairs'),
  pinned: z.boolean().optional(),
});

const nodeId = z.number().int().positive();
const agentAction = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('click'), nodeId }),
  z.strictObject({ kind: z.literal('input'), nodeId, value: z.string().max(MAX_INPUT_VALUE_LENGTH) }),
  z.strictObject({ kind: z.literal('navigate'), to: z.enum(['back', 'forward', 'reload']) }),
  z.strictObject({ kind: z.literal('open'), url: z.string().max(4096) }),
]);

const actionResult = z.strictObject({
  id: z.number().int().nonnegative(),
  ok: z.boolean(),
  reason: z.string().max(500).optional(),
  masked: z.literal(true).optional(),
});

const agentSignal = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('pointer'), target: pointerTarget }),
  z.strictObject({ type: z.literal('click'), target: pointerTarget }),
  z.strictObject({ type: z.literal('request-snapshot') }),
  z.strictObject({ type: z.literal('annotate'), stroke: annotationStroke }),
  z.strictObject({ type: z.literal('clear-annotations') }),
  z.strictObject({
    type: z.literal('scroll'),
    dx: finite.min(-MAX_SCROLL_DELTA_PX).max(MAX_SCROLL_DELTA_PX),
    dy: finite.min(-MAX_SCROLL_DELTA_PX).max(MAX_SCROLL_DELTA_PX),
  }),
  z.strictObject({ type: z.literal('highlight'), target: pointerTarget }),
  z.strictObject({
    type: z.literal('action'),
    id: z.number().int().nonnegative(),
    action: agentAction,
    target: z.string().max(200).optional(),
  }),
]);

export type { Validated } from './validated.ts';

function validateWith<T>(schema: z.ZodType<T>, input: unknown): Validated<T> {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'message';
  return { ok: false, problem: `${where}: ${issue?.message ?? 'invalid'}` };
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const BATCH_KEYS = new Set(['seq', 'sentAt', 'events']);
const PACKED_KEYS = new Set(['encoding', 'data', 'size', 'href']);
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const CUSTOM_EVENT = 5;

/**
 * A packed event's envelope — never its content, which the server passes on unopened: a known
 * encoding, well-formed base64 within MAX_PACKED_BYTES, and a declared inflated size within
 * MAX_UNPACKED_BYTES (the agent's page inflates no further). Returns the problem, if any.
 */
function packedProblem(payload: unknown): [where: string, problem: string] | null {
  if (!isObject(payload)) return ['payload', 'expected an object'];
  const extra = Object.keys(payload).find((key) => !PACKED_KEYS.has(key));
  if (extra) return [`payload.${extra}`, 'unknown field'];
  if (payload.encoding !== 'deflate-raw') return ['payload.encoding', 'expected "deflate-raw"'];
  const data = payload.data;
  if (typeof data !== 'string' || data.length === 0) return ['payload.data', 'expected base64 text'];
  if (data.length > MAX_PACKED_BYTES) return ['payload.data', `packed events over the ${MAX_PACKED_BYTES}-byte limit`];
  if (data.length % 4 !== 0 || !BASE64.test(data)) return ['payload.data', 'malformed base64'];
  const size = payload.size;
  if (!Number.isSafeInteger(size) || (size as number) < 1 || (size as number) > MAX_UNPACKED_BYTES)
    return ['payload.size', `expected an inflated size of 1 to ${MAX_UNPACKED_BYTES} bytes`];
  if (payload.href !== undefined && (typeof payload.href !== 'string' || payload.href.length > 4096))
    return ['payload.href', 'expected an address'];
  return null;
}

const bad = (where: string, problem: string): Validated<EventBatch> => ({ ok: false, problem: `${where}: ${problem}` });
const isUnknownBatchKey = (key: string) => !BATCH_KEYS.has(key);

/**
 * Checks a customer's event batch; a bad one is named by field. Written by hand rather than with
 * zod: it runs for every batch of every session, and must not copy the events it checks or make
 * a function for each (tsx names every function it makes, a cost per batch in the benchmark).
 */
export function validateEventBatch(input: unknown): Validated<EventBatch> {
  if (!isObject(input)) return bad('message', 'expected an object');
  const extra = Object.keys(input).find(isUnknownBatchKey);
  if (extra) return bad(extra, 'unknown field');
  if (!Number.isSafeInteger(input.seq) || (input.seq as number) < 0) return bad('seq', 'expected a non-negative integer');
  if (!isFiniteNumber(input.sentAt)) return bad('sentAt', 'expected a number');
  const events = input.events;
  if (!Array.isArray(events) || events.length === 0 || events.length > MAX_EVENTS_PER_BATCH) {
    return bad('events', `expected 1 to ${MAX_EVENTS_PER_BATCH} events`);
  }
  for (let i = 0; i < events.length; i++) {
    const event: unknown = events[i];
    if (!isObject(event)) return bad(`events.${i}`, 'expected an object');
    const type = event.type;
    if (!Number.isInteger(type) || (type as number) < 0 || (type as number) > 100)
      return bad(`events.${i}.type`, 'expected an rrweb event type');
    if (!isFiniteNumber(event.timestamp)) return bad(`events.${i}.timestamp`, 'expected a number');
    if (type === CUSTOM_EVENT && isObject(event.data) && event.data.tag === PACKED_EVENTS_TAG) {
      const problem = packedProblem(event.data.payload);
      if (problem) return bad(`events.${i}.data.${problem[0]}`, problem[1]);
    }
  }
  return { ok: true, value: input as unknown as EventBatch };
}

/** Checks an agent's signal; a bad one is named by field. */
export const validateAgentSignal = (input: unknown): Validated<AgentSignal> => validateWith(agentSignal, input) as Validated<AgentSignal>;

/** Checks the widget's report on an agent action. */
export const validateActionResult = (input: unknown): Validated<ActionResult> =>
  validateWith(actionResult, input) as Validated<ActionResult>;
