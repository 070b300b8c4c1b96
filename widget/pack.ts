/**
 * Deflating a large batch (a full snapshot, a big change) into one packed event: its own chunk,
 * `/widget-pack.js`, asked for as recording starts, before the first snapshot needs it.
 */
export { packEvents } from '../protocol/packed-events.ts';
