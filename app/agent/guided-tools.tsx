'use client';

import { useEffect, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { HIGHLIGHT_MS } from '../../protocol/guided-mode';
import type { GuidedSignal } from '../../protocol/messages';
import { StrokeIcon } from '../lib/stroke-icon';
import type { LiveReplay } from './live-replay';
import { pointerTarget } from './pointer-target';
import './guided-tools.css';

/** How far one press of a scroll button moves the customer's page. */
export const SCROLL_STEP_PX = 300;
/** How far an arrow key moves the highlight cursor (Shift: four times as far). */
const CURSOR_STEP_PX = 20;

const ICONS = {
  up: ['M12 19V5', 'M6 11l6-6 6 6'],
  down: ['M12 5v14', 'M6 13l6 6 6-6'],
  outline: ['M4 8V5a1 1 0 0 1 1-1h3M16 4h3a1 1 0 0 1 1 1v3M20 16v3a1 1 0 0 1-1 1h-3M8 20H5a1 1 0 0 1-1-1v-3', 'M9 9h6v6H9z'],
};

const Icon = ({ name }: { name: keyof typeof ICONS }) => <StrokeIcon paths={ICONS[name]} size={18} />;

interface ToolsProps {
  /** Whether the admin lets agents scroll, and highlight (an annotation). */
  canScroll: boolean;
  canHighlight: boolean;
  /** Whether the highlight tool is on: a click in the view outlines an element instead of pointing. */
  highlighting: boolean;
  onHighlighting: (on: boolean) => void;
  onSignal: (signal: GuidedSignal) => void;
}

/**
 * Guided Mode's tools (in Write Mode too): scroll the customer's page up or down, and the
 * highlight tool, which outlines the element the agent clicks. All are buttons, so a keyboard
 * works them; with the highlight tool on, the view takes arrow keys and Enter as well.
 */
export function GuidedTools({ canScroll, canHighlight, highlighting, onHighlighting, onSignal }: ToolsProps) {
  // Escape puts the highlight tool down, as it does the annotation tools.
  useEffect(() => {
    if (!highlighting) return;
    const putDown = (event: globalThis.KeyboardEvent) => event.key === 'Escape' && onHighlighting(false);
    addEventListener('keydown', putDown);
    return () => removeEventListener('keydown', putDown);
  }, [highlighting, onHighlighting]);
  const scrollButton = (direction: 'up' | 'down', label: string) => (
    <button
      type="button"
      className="icon-button"
      aria-label={label}
      title={label}
      onClick={() => onSignal({ type: 'scroll', dx: 0, dy: direction === 'up' ? -SCROLL_STEP_PX : SCROLL_STEP_PX })}
      data-testid={`guided-scroll-${direction}`}
    >
      <Icon name={direction} />
    </button>
  );
  return (
    <div className="guided-tools" role="group" aria-label="Guided Mode">
      {canScroll && scrollButton('up', 'Scroll the customer’s page up')}
      {canScroll && scrollButton('down', 'Scroll the customer’s page down')}
      {canHighlight && (
        <button
          type="button"
          className="icon-button"
          aria-pressed={highlighting}
          aria-label="Highlight an element for the customer"
          title="Highlight an element for the customer (click it, or use the arrow keys and Enter)"
          onClick={() => onHighlighting(!highlighting)}
          data-testid="annotate-outline"
        >
          <Icon name="outline" />
        </button>
      )}
    </div>
  );
}

interface LayerProps {
  replay: () => LiveReplay | null;
  /** The customer's viewport size, where the keyboard cursor starts (its middle). */
  size: { width: number; height: number } | null;
  /** From the stage: page coordinates of a mouse event. */
  toPage: (event: MouseEvent<HTMLDivElement>) => { x: number; y: number };
  onSignal: (signal: GuidedSignal) => void;
}

interface Outline {
  id: number;
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * Over the replay while the highlight tool is on: a click outlines the element under it on the
 * customer's page (and here, for as long as there); a keyboard moves a cursor with the arrow keys
 * and outlines with Enter or Space. Takes focus when it appears, so the keys work at once.
 */
export function HighlightLayer({ replay, size, toPage, onSignal }: LayerProps) {
  const layer = useRef<HTMLDivElement>(null);
  const [cursor, setCursor] = useState<{ x: number; y: number } | null>(null);
  const [outlines, setOutlines] = useState<Outline[]>([]);
  const nextId = useRef(0);

  useEffect(() => layer.current?.focus(), []);

  const outline = (x: number, y: number) => {
    const live = replay();
    if (!live) return;
    const target = pointerTarget(live, x, y);
    onSignal({ type: 'highlight', target });
    const element = live.iframe()?.contentDocument?.elementFromPoint(x, y);
    if (!element) return;
    const box = element.getBoundingClientRect();
    const shown = { id: ++nextId.current, left: box.left - 4, top: box.top - 4, width: box.width + 8, height: box.height + 8 };
    setOutlines((all) => [...all, shown]);
    setTimeout(() => setOutlines((all) => all.filter((item) => item !== shown)), HIGHLIGHT_MS);
  };

  function keyDown(event: KeyboardEvent<HTMLDivElement>) {
    const start = cursor ?? { x: (size?.width ?? 800) / 2, y: (size?.height ?? 600) / 2 };
    const step = event.shiftKey ? CURSOR_STEP_PX * 4 : CURSOR_STEP_PX;
    const moves: Record<string, [number, number]> = {
      ArrowLeft: [-step, 0],
      ArrowRight: [step, 0],
      ArrowUp: [0, -step],
      ArrowDown: [0, step],
    };
    const move = moves[event.key];
    if (move) {
      event.preventDefault();
      const width = size?.width ?? Infinity;
      const height = size?.height ?? Infinity;
      setCursor({ x: Math.min(width - 1, Math.max(0, start.x + move[0])), y: Math.min(height - 1, Math.max(0, start.y + move[1])) });
    } else if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      setCursor(start);
      outline(start.x, start.y);
    }
  }

  return (
    <>
      {outlines.map((shown) => (
        <span
          key={shown.id}
          className="agent-highlight"
          style={{ left: shown.left, top: shown.top, width: shown.width, height: shown.height }}
          data-testid="agent-highlight"
        />
      ))}
      <div
        ref={layer}
        className="highlight-input"
        tabIndex={0}
        role="application"
        aria-label="Highlight: click an element, or move with the arrow keys and press Enter"
        onClick={(event) => {
          const { x, y } = toPage(event);
          setCursor({ x, y });
          outline(x, y);
        }}
        onKeyDown={keyDown}
        data-testid="agent-highlight-layer"
      >
        {cursor && <span className="highlight-cursor" style={{ left: cursor.x, top: cursor.y }} />}
      </div>
    </>
  );
}
