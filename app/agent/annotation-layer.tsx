'use client';

import { useEffect, useRef, useState, type PointerEvent } from 'react';
import {
  ANNOTATION_FADE_MS,
  LASER_FADE_MS,
  MAX_ANNOTATION_POINTS_PER_SIGNAL,
  MAX_ANNOTATION_POINTS_PER_STROKE,
} from '../../protocol/limits';
import type { AgentSignal, AnnotationTool } from '../../protocol/messages';
import type { LiveReplay } from './live-replay';
import { pointerTarget } from './pointer-target';

/** A stroke's new points are sent at most this often (one message per frame). */
const SEND_INTERVAL_MS = 40;

type AnnotationSignal = Extract<AgentSignal, { type: 'annotate' | 'clear-annotations' }>;

interface OwnStroke {
  id: number;
  tool: AnnotationTool;
  /** Start point in the page's viewport, and the page's scroll then: the stroke follows the page's scrolling. */
  x: number;
  y: number;
  scrollX: number;
  scrollY: number;
  points: number[];
  fading: boolean;
}

interface Props {
  replay: () => LiveReplay | null;
  /** The active tool; while null, the layer takes no pointer events. */
  tool: AnnotationTool | null;
  pinned: boolean;
  /** Bumped by "Clear". */
  clears: number;
  /** From the stage: page coordinates of a pointer event. */
  toPage: (event: PointerEvent<HTMLDivElement>) => { x: number; y: number };
  onSignal: (signal: AnnotationSignal) => void;
}

/** Quadratic curves through the midpoints: the same smooth line the customer sees. */
function smoothPath(points: number[]): string {
  const n = points.length / 2;
  if (n === 1) return `M${points[0]} ${points[1]}l0.01 0`;
  let d = `M${points[0]} ${points[1]}`;
  for (let i = 1; i < n - 1; i++)
    d += `Q${points[2 * i]} ${points[2 * i + 1]} ${(points[2 * i]! + points[2 * i + 2]!) / 2} ${(points[2 * i + 1]! + points[2 * i + 3]!) / 2}`;
  return d + `L${points[2 * n - 2]} ${points[2 * n - 1]}`;
}

const round = (value: number) => Math.round(value * 10) / 10;

/**
 * The agent's annotation tools over the replay: while Draw or Laser is on, the mouse draws
 * strokes (sent piece by piece, anchored to the element under their start) instead of pointing;
 * the agent sees its own strokes here, fading as the customer's do.
 */
export function AnnotationLayer({ replay, tool, pinned, clears, toPage, onSignal }: Props) {
  const [strokes, setStrokes] = useState<OwnStroke[]>([]);
  const [scroll, setScroll] = useState({ x: 0, y: 0 });
  const drawing = useRef<{ stroke: OwnStroke; anchor: ReturnType<typeof pointerTarget>; pending: number[] } | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const nextId = useRef(0);
  const fadeTimers = useRef(new Map<number, ReturnType<typeof setTimeout>>());

  useEffect(() => {
    if (clears === 0) return;
    fadeTimers.current.forEach(clearTimeout);
    fadeTimers.current.clear();
    setStrokes([]);
  }, [clears]);

  // Follows the replayed page's scrolling while strokes are shown.
  useEffect(() => {
    if (strokes.length === 0) return;
    let frame = requestAnimationFrame(function follow() {
      const view = replay()?.iframe()?.contentWindow;
      if (view) setScroll((was) => (was.x === view.scrollX && was.y === view.scrollY ? was : { x: view.scrollX, y: view.scrollY }));
      frame = requestAnimationFrame(follow);
    });
    return () => cancelAnimationFrame(frame);
  }, [strokes.length, replay]);

  useEffect(() => {
    const timers = fadeTimers.current;
    return () => {
      clearTimeout(timer.current);
      timers.forEach(clearTimeout);
    };
  }, []);

  const fadeLater = (stroke: OwnStroke) => {
    clearTimeout(fadeTimers.current.get(stroke.id));
    if (pinned && stroke.tool === 'draw') return;
    const fade = setTimeout(
      () => {
        setStrokes((current) => current.map((item) => (item.id === stroke.id ? { ...item, fading: true } : item)));
        fadeTimers.current.set(
          stroke.id,
          setTimeout(() => setStrokes((current) => current.filter((item) => item.id !== stroke.id)), 500),
        );
      },
      stroke.tool === 'laser' ? LASER_FADE_MS : ANNOTATION_FADE_MS,
    );
    fadeTimers.current.set(stroke.id, fade);
  };

  const flush = () => {
    timer.current = undefined;
    const current = drawing.current;
    if (!current || current.pending.length === 0) return;
    const { stroke, anchor } = current;
    while (current.pending.length > 0) {
      const points = current.pending.splice(0, MAX_ANNOTATION_POINTS_PER_SIGNAL * 2);
      onSignal({
        type: 'annotate',
        stroke: { id: stroke.id, tool: stroke.tool, anchor, points, ...(pinned && stroke.tool === 'draw' ? { pinned } : {}) },
      });
    }
    setStrokes((all) => all.map((item) => (item.id === stroke.id ? { ...stroke, points: [...stroke.points] } : item)));
    fadeLater(stroke);
  };
  const add = (x: number, y: number) => {
    const current = drawing.current!;
    if (current.stroke.points.length >= MAX_ANNOTATION_POINTS_PER_STROKE * 2) return; // the customer's page draws no more of it
    const dx = round(x - current.stroke.x);
    const dy = round(y - current.stroke.y);
    current.stroke.points.push(dx, dy);
    current.pending.push(dx, dy);
    timer.current ??= setTimeout(flush, SEND_INTERVAL_MS);
  };

  function down(event: PointerEvent<HTMLDivElement>) {
    const live = replay();
    if (!tool || !live || event.button !== 0) return;
    event.currentTarget.setPointerCapture(event.pointerId);
    const { x, y } = toPage(event);
    const view = live.iframe()?.contentWindow;
    const stroke: OwnStroke = {
      id: ++nextId.current,
      tool,
      x,
      y,
      scrollX: view?.scrollX ?? 0,
      scrollY: view?.scrollY ?? 0,
      points: [],
      fading: false,
    };
    drawing.current = { stroke, anchor: pointerTarget(live, x, y), pending: [] };
    setScroll({ x: stroke.scrollX, y: stroke.scrollY });
    setStrokes((all) => [...all, stroke]);
    add(x, y);
  }
  function move(event: PointerEvent<HTMLDivElement>) {
    if (!drawing.current) return;
    const { x, y } = toPage(event);
    add(x, y);
  }
  function up() {
    if (!drawing.current) return;
    clearTimeout(timer.current);
    flush();
    drawing.current = null;
  }

  return (
    <>
      <svg className="annotation-view" aria-hidden="true" data-testid="agent-annotations">
        {strokes.map((stroke) => (
          <g
            key={stroke.id}
            className={`${stroke.tool}${stroke.fading ? ' fading' : ''}`}
            transform={`translate(${stroke.x + stroke.scrollX - scroll.x} ${stroke.y + stroke.scrollY - scroll.y})`}
          >
            <path className="halo" d={smoothPath(stroke.points)} />
            <path className="line" d={smoothPath(stroke.points)} />
          </g>
        ))}
      </svg>
      {tool && (
        <div
          className={`annotation-input ${tool}`}
          onPointerDown={down}
          onPointerMove={move}
          onPointerUp={up}
          onPointerCancel={up}
          data-testid="agent-annotation-layer"
        />
      )}
    </>
  );
}
