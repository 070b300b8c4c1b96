import type { PointerTarget } from '../../protocol/messages';
import type { LiveReplay } from './live-replay';

/**
 * Where the agent points, in the customer's page coordinates, anchored to the element under it
 * so it lands on the same element whatever the two window sizes.
 */
export function pointerTarget(replay: LiveReplay, x: number, y: number): PointerTarget {
  const round = (value: number) => Math.round(value * 1000) / 1000;
  const target: PointerTarget = { x: Math.round(x), y: Math.round(y) };
  const element = replay.iframe()?.contentDocument?.elementFromPoint(x, y);
  if (!element) return target;
  const nodeId = replay.nodeId(element);
  const box = element.getBoundingClientRect();
  if (nodeId === null || box.width === 0 || box.height === 0) return target;
  const clamp = (value: number) => Math.min(1, Math.max(0, value));
  return { ...target, nodeId, rx: round(clamp((x - box.left) / box.width)), ry: round(clamp((y - box.top) / box.height)) };
}
