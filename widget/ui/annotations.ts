import type { AnnotationStroke, PointerTarget, StreamMessage } from '../../protocol/messages.ts';
import { ANNOTATION_FADE_MS, LASER_FADE_MS, MAX_ANNOTATION_POINTS_PER_STROKE } from '../../protocol/limits.ts';
import { addStyles } from './root.ts';

/** How long a stroke takes to fade out once its time is up. */
const FADE_OUT_MS = 500;
/** Most strokes on the page at once; the oldest goes first. */
export const MAX_STROKES = 100;

const SVG = 'http://www.w3.org/2000/svg';

// The agent's purple (the pointer's), on a white halo: neither the site's colours nor the widget's blue.
const CSS = `.annotations{position:fixed;left:0;top:0;width:100vw;height:100vh;pointer-events:none;overflow:visible}
.annotations path{fill:none;stroke-linecap:round;stroke-linejoin:round}
.annotations .halo{stroke:#fff;stroke-opacity:.9;stroke-width:8}
.annotations .line{stroke:#7c3aed;stroke-width:4}
.annotations .laser .halo{stroke:#f43f5e;stroke-opacity:.25;stroke-width:12}
.annotations .laser .line{stroke:#e11d48;stroke-width:3}
.annotations g{transition:opacity ${FADE_OUT_MS}ms}
.annotations .fading{opacity:0}
@media (prefers-reduced-motion:reduce){.annotations g{transition:none}}`;

/** What the agent's annotations do on the customer's page. */
export interface Annotations {
  /** Takes an `annotate` or `clear-annotations` stream message. */
  apply(message: Extract<StreamMessage, { type: 'annotate' | 'clear-annotations' }>): void;
}

interface Shown {
  anchor: PointerTarget;
  points: number[];
  group: SVGGElement;
  paths: SVGPathElement[];
  timer?: ReturnType<typeof setTimeout>;
}

/**
 * A smooth path through the points: quadratic curves through the midpoints between them, so a
 * stroke sampled once per frame reads as one fluid line rather than a chain of segments.
 */
export function smoothPath(points: number[]): string {
  const n = points.length / 2;
  const at = (i: number) => `${points[2 * i]!.toFixed(1)} ${points[2 * i + 1]!.toFixed(1)}`;
  if (n === 1) return `M${at(0)}l0.01 0`; // a dot: the round cap draws it
  let d = `M${at(0)}`;
  for (let i = 1; i < n - 1; i++) {
    const mx = (points[2 * i]! + points[2 * i + 2]!) / 2;
    const my = (points[2 * i + 1]! + points[2 * i + 3]!) / 2;
    d += `Q${at(i)} ${mx.toFixed(1)} ${my.toFixed(1)}`;
  }
  return d + `L${at(n - 1)}`;
}

/**
 * The agent's strokes and laser trail over the customer's page: one full-window SVG in the
 * widget's shadow root that never takes a pointer event, so every click goes to the page. Each
 * stroke sits at its anchor element's place, found again (`locate`) whenever the page scrolls.
 */
export function createAnnotations(shadow: ShadowRoot, locate: (target: PointerTarget) => [number, number]): Annotations {
  addStyles(shadow, CSS);
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('class', 'annotations');
  svg.setAttribute('aria-hidden', 'true');
  svg.dataset.testid = 'cobrowse-annotations';
  shadow.prepend(svg); // under the widget's own panel and notices
  const strokes = new Map<number, Shown>();

  const place = (shown: Shown) => {
    const [x, y] = locate(shown.anchor);
    shown.group.setAttribute('transform', `translate(${x.toFixed(1)} ${y.toFixed(1)})`);
  };
  let frame = 0;
  const relayout = () =>
    (frame ||= requestAnimationFrame(() => {
      frame = 0;
      strokes.forEach(place);
    }));
  addEventListener('scroll', relayout, { capture: true, passive: true });
  addEventListener('resize', relayout, { passive: true });

  const remove = (id: number) => {
    const shown = strokes.get(id);
    if (!shown) return;
    clearTimeout(shown.timer);
    shown.group.remove();
    strokes.delete(id);
  };
  const fadeLater = (id: number, shown: Shown, after: number) => {
    clearTimeout(shown.timer);
    shown.timer = setTimeout(() => {
      shown.group.classList.add('fading');
      shown.timer = setTimeout(() => remove(id), FADE_OUT_MS);
    }, after);
  };

  const draw = (stroke: AnnotationStroke) => {
    let shown = strokes.get(stroke.id);
    if (!shown) {
      if (strokes.size >= MAX_STROKES) remove(strokes.keys().next().value!);
      const group = document.createElementNS(SVG, 'g');
      group.setAttribute('class', stroke.tool);
      group.dataset.testid = `cobrowse-annotation-${stroke.tool}`;
      // A white halo under the line keeps it readable on any background.
      const paths = ['halo', 'line'].map((kind) => {
        const path = document.createElementNS(SVG, 'path');
        path.setAttribute('class', kind);
        return group.appendChild(path);
      });
      shown = { anchor: stroke.anchor, points: [], group, paths };
      strokes.set(stroke.id, shown);
      svg.append(group);
      place(shown);
    }
    shown.points.push(...stroke.points.slice(0, MAX_ANNOTATION_POINTS_PER_STROKE * 2 - shown.points.length));
    const d = smoothPath(shown.points);
    for (const path of shown.paths) path.setAttribute('d', d);
    // A laser trail always fades: only pen strokes can be pinned.
    if (stroke.pinned && stroke.tool === 'draw') clearTimeout(shown.timer);
    else fadeLater(stroke.id, shown, stroke.tool === 'laser' ? LASER_FADE_MS : ANNOTATION_FADE_MS);
  };

  return {
    apply(message) {
      if (message.type === 'annotate') draw(message.stroke);
      else [...strokes.keys()].forEach(remove);
    },
  };
}
