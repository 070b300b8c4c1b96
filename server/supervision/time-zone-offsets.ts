/** A stretch of time over which a time zone's UTC offset does not change. */
export interface OffsetSegment {
  /** The offset applies before this instant (ms); the last segment runs to the end of the range. */
  untilMs: number;
  offsetMs: number;
}

const HOUR_MS = 60 * 60 * 1000;

/** The zone's offset from UTC at an instant, from its wall-clock time there. */
function offsetAt(format: Intl.DateTimeFormat, atMs: number): number {
  const parts = Object.fromEntries(format.formatToParts(new Date(atMs)).map((part) => [part.type, Number(part.value)]));
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour! % 24, parts.minute!, parts.second!);
  return wall - Math.floor(atMs / 1000) * 1000;
}

/**
 * The zone's UTC offsets over [fromMs, toMs], one segment per offset, split at the exact instants
 * the offset changes (daylight saving). A range of a year has a handful of segments.
 */
export function timeZoneSegments(timeZone: string, fromMs: number, toMs: number): OffsetSegment[] {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  const segments: OffsetSegment[] = [];
  let current = offsetAt(format, fromMs);
  // Offsets change at most once in a few hours; step, and find each change to the millisecond.
  for (let at = fromMs; at < toMs; ) {
    const next = Math.min(at + 6 * HOUR_MS, toMs);
    const offset = offsetAt(format, next);
    if (offset !== current) {
      let before = at;
      let after = next;
      while (after - before > 1) {
        const middle = Math.floor((before + after) / 2);
        if (offsetAt(format, middle) === current) before = middle;
        else after = middle;
      }
      segments.push({ untilMs: after, offsetMs: current });
      current = offset;
    }
    at = next;
  }
  segments.push({ untilMs: Number.MAX_SAFE_INTEGER, offsetMs: current });
  return segments;
}
