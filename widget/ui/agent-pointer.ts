import { h } from './h.ts';
import { addStyles } from './root.ts';

/** How long the red click circle stays before it has faded out. */
export const CLICK_RING_MS = 1000;

/** The agent's pointer on the customer's screen, and the red circle where the agent clicks. */
export interface AgentPointer {
  /** Moves the pointer to viewport coordinates and shows it. */
  move(x: number, y: number): void;
  /** Moves the pointer there and draws a fading red circle around it. */
  click(x: number, y: number): void;
  /** Hides the pointer (the agent left or the session ended). */
  hide(): void;
}

/** The pointer's and the click circle's styles, added to the widget's with this chunk: most sessions never point. */
const POINTER_CSS = `
.ptr{position:fixed;left:0;top:0;pointer-events:none;transition:transform 50ms linear;filter:drop-shadow(0 1px 2px rgba(0,0,0,.4))}
.ptr span{position:absolute;left:16px;top:18px;background:#7c3aed;color:#fff;font:600 11px/1 system-ui,sans-serif;padding:3px 6px;border-radius:6px;white-space:nowrap}
.ring{position:fixed;width:40px;height:40px;margin:-20px 0 0 -20px;border:3px solid #e11d48;border-radius:50%;pointer-events:none;animation:ring 1s ease-out forwards}
@keyframes ring{from{transform:scale(.5)}to{transform:scale(1.3);opacity:0}}
@media (prefers-reduced-motion:reduce){.ptr{transition:none}}
`;

/** Creates the pointer, labelled `label`, inside the widget's shadow root; it never takes pointer events from the page. */
export function createAgentPointer(shadow: ShadowRoot, label: string): AgentPointer {
  addStyles(shadow, POINTER_CSS);
  const pointer = document.createElement('div');
  pointer.className = 'ptr';
  pointer.hidden = true;
  pointer.dataset.testid = 'cobrowse-agent-pointer';
  pointer.setAttribute('aria-hidden', 'true');
  pointer.append(
    h(
      'svg',
      { width: '24', height: '24', viewBox: '0 0 24 24' },
      h('path', { d: 'M3 2l17 9.5-7.5 1.8L9 21z', fill: '#7c3aed', stroke: '#fff', 'stroke-width': '1.6', 'stroke-linejoin': 'round' }),
    ),
    h('span', null, label),
  );
  shadow.append(pointer);

  const move = (x: number, y: number) => {
    pointer.hidden = false;
    // The arrow's tip is at (3, 2) in its box.
    pointer.style.transform = `translate(${x - 3}px,${y - 2}px)`;
  };
  return {
    move,
    click(x, y) {
      move(x, y);
      const ring = document.createElement('div');
      ring.className = 'ring';
      ring.dataset.testid = 'cobrowse-click-ring';
      ring.style.left = x + 'px';
      ring.style.top = y + 'px';
      shadow.append(ring);
      setTimeout(() => ring.remove(), CLICK_RING_MS);
    },
    hide() {
      pointer.hidden = true;
    },
  };
}
