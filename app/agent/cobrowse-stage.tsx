'use client';

import { useCallback, useEffect, useRef, useState, type MouseEvent, type WheelEvent } from 'react';
import 'rrweb/dist/style.css';
import type {
  AgentAction,
  AgentSignal,
  AnnotationTool,
  GuidedSignal,
  PointerTarget,
  RecordedEvent,
  SessionMode,
} from '../../protocol/messages';
import type { CustomerTab } from '../../protocol/customer-tabs';
import { HighlightLayer } from './guided-tools';
import { AnnotationLayer } from './annotation-layer';
import { describeElement, isDisabledForAgents, isMasked, markAgentView } from './agent-marks';
import { FieldEditor, editedFieldFor, type EditedField } from './field-editor';
import { createLiveReplay, type HiddenPage, type LiveReplay } from './live-replay';
import { pointerTarget } from './pointer-target';

/** The agent's pointer is sent at most this often (one message per frame). */
const POINTER_INTERVAL_MS = 33;
const CLICK_RING_MS = 900;

export type ViewportMode = 'fit' | 'actual';

export interface StageHandle {
  addEvents(events: RecordedEvent[]): void;
}

interface Props {
  viewportMode: ViewportMode;
  mode: SessionMode;
  disabledSelectors: string[];
  onAction: (action: AgentAction, target: string) => void;
  onRefused: (reason: string) => void;
  /** The agent tried a masked field: only the customer may fill it in. */
  onMaskedField: () => void;
  /** Part of the customer's page could not be read (a refused packed batch). */
  onUnreadable: () => void;
  onReady: (handle: StageHandle | null) => void;
  onPointer: (target: PointerTarget) => void;
  onClick: (target: PointerTarget) => void;
  onViewport: (size: { width: number; height: number }) => void;
  onPage: (href: string) => void;
  /** Which of the customer's tabs the view shows (the customer's widget says). */
  onTab?: (tab: CustomerTab) => void;
  /** The annotation tool in use (the mouse draws instead of pointing), whether strokes stay, and "Clear" presses. */
  annotationTool?: AnnotationTool | null;
  pinned?: boolean;
  clears?: number;
  onAnnotate?: (signal: Extract<AgentSignal, { type: 'annotate' | 'clear-annotations' }>) => void;
  /** Guided (and Write) Mode: whether the highlight tool is on, and where scrolls (the mouse wheel over the view) and outlines go; without it the wheel does nothing. */
  highlighting?: boolean;
  onGuided?: (signal: GuidedSignal) => void;
}

/** Wheel scrolling is sent at most this often, added up in between. */
const WHEEL_INTERVAL_MS = 50;

/**
 * The co-browse area: the customer's page rebuilt live in rrweb's sandboxed iframe, scaled to
 * fit or shown at actual size, under a transparent layer that turns the agent's mouse into
 * pointer and click signals (Pointer Mode: nothing else reaches the customer's page).
 */
export function CobrowseStage({
  viewportMode,
  mode,
  disabledSelectors,
  onAction,
  onRefused,
  onMaskedField,
  onUnreadable,
  onReady,
  onPointer,
  onClick,
  onViewport,
  onPage,
  onTab,
  annotationTool = null,
  pinned = false,
  clears = 0,
  onAnnotate = ignore,
  highlighting = false,
  onGuided,
}: Props) {
  const wheel = useRef<{ dx: number; dy: number; timer?: ReturnType<typeof setTimeout> }>({ dx: 0, dy: 0 });
  const frameRef = useRef<HTMLDivElement>(null);
  const replayRootRef = useRef<HTMLDivElement>(null);
  const replayRef = useRef<LiveReplay | null>(null);
  const lastPointerAt = useRef(0);
  const pendingPointer = useRef<{ x: number; y: number } | null>(null);
  const pointerTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const [size, setSize] = useState<{ width: number; height: number } | null>(null);
  const [available, setAvailable] = useState({ width: 0, height: 0 });
  const [rings, setRings] = useState<{ id: number; x: number; y: number }[]>([]);
  const [editing, setEditing] = useState<EditedField | null>(null);
  const [hidden, setHidden] = useState<HiddenPage | null>(null);
  const selectors = useRef(disabledSelectors);
  selectors.current = disabledSelectors;

  useEffect(() => {
    const document = replayRef.current?.iframe()?.contentDocument;
    if (document) markAgentView(document, disabledSelectors);
  }, [disabledSelectors]);

  useEffect(() => {
    if (mode !== 'WRITE') setEditing(null);
  }, [mode]);

  useEffect(() => {
    const replay = createLiveReplay(replayRootRef.current!, {
      resize: (next) => {
        setSize(next);
        onViewport(next);
      },
      page: onPage,
      rebuilt: (document) => {
        setHidden(null);
        markAgentView(document, selectors.current);
      },
      hidden: (page) => {
        setEditing(null);
        setHidden(page);
      },
      unreadable: () => onUnreadable(),
      tab: (tab) => onTab?.(tab),
    });
    replayRef.current = replay;
    onReady({ addEvents: (events) => replay.addEvents(events) });
    const pendingWheel = wheel.current;
    return () => {
      clearTimeout(pendingWheel.timer);
      clearTimeout(pointerTimer.current);
      onReady(null);
      replay.destroy();
      replayRef.current = null;
    };
    // The stage lives as long as one session; callbacks are stable refs in the parent.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const frame = frameRef.current!;
    const observer = new ResizeObserver(
      ([entry]) => entry && setAvailable({ width: entry.contentRect.width, height: entry.contentRect.height }),
    );
    observer.observe(frame);
    return () => observer.disconnect();
  }, []);

  const replayOf = useCallback(() => replayRef.current, []);
  const scale = size && viewportMode === 'fit' ? Math.min(1, available.width / size.width, available.height / size.height) : 1;

  function toPage(event: MouseEvent<HTMLDivElement>) {
    const box = event.currentTarget.getBoundingClientRect();
    return { x: (event.clientX - box.left) / scale, y: (event.clientY - box.top) / scale };
  }

  function handleMove(event: MouseEvent<HTMLDivElement>) {
    if (!replayRef.current) return;
    const { x, y } = toPage(event);
    // At most one signal per frame, and always the last position: where the pointer stops matters most.
    pendingPointer.current = { x, y };
    if (pointerTimer.current) return;
    const wait = Math.max(0, lastPointerAt.current + POINTER_INTERVAL_MS - performance.now());
    pointerTimer.current = setTimeout(() => {
      pointerTimer.current = undefined;
      const position = pendingPointer.current;
      if (!position || !replayRef.current) return;
      lastPointerAt.current = performance.now();
      onPointer(pointerTarget(replayRef.current, position.x, position.y));
    }, wait);
  }

  function handleClick(event: MouseEvent<HTMLDivElement>) {
    if (!replayRef.current) return;
    const { x, y } = toPage(event);
    onClick(pointerTarget(replayRef.current, x, y));
    if (mode === 'WRITE') act(x, y);
    const ring = { id: now(), x, y };
    setRings((current) => [...current, ring]);
    setTimeout(() => setRings((current) => current.filter((item) => item !== ring)), CLICK_RING_MS);
  }

  /** Guided Mode: the wheel over the view scrolls the customer's page, a frame's worth at a time. */
  function handleWheel(event: WheelEvent<HTMLDivElement>) {
    if (!onGuided) return;
    const pending = wheel.current;
    pending.dx += event.deltaX;
    pending.dy += event.deltaY;
    pending.timer ??= setTimeout(() => {
      const { dx, dy } = pending;
      Object.assign(pending, { dx: 0, dy: 0, timer: undefined });
      if (dx || dy) onGuided({ type: 'scroll', dx: Math.round(dx), dy: Math.round(dy) });
    }, WHEEL_INTERVAL_MS);
  }

  /** Write Mode: the click becomes an action on the customer's page, or opens a field to type in. */
  function act(x: number, y: number) {
    const replay = replayRef.current!;
    const element = replay.iframe()?.contentDocument?.elementFromPoint(x, y);
    if (!element) return;
    if (isDisabledForAgents(element, selectors.current)) return onRefused('This control is disabled for agents. The customer can use it.');
    if (isMasked(element)) return onMaskedField();
    const nodeId = replay.nodeId(element);
    if (nodeId === null) return;
    const field = editedFieldFor(element, nodeId);
    if (field) setEditing(field);
    else onAction({ kind: 'click', nodeId }, describeElement(element));
  }

  return (
    <div className="stage-frame" ref={frameRef}>
      <div className="stage-sizer" style={size ? { width: size.width * scale, height: size.height * scale } : undefined}>
        <div className="stage-scaled" style={{ transform: `scale(${scale})`, width: size?.width, height: size?.height }}>
          <div ref={replayRootRef} className="replay-root" />
          <div
            className="pointer-layer"
            onMouseMove={handleMove}
            onClick={handleClick}
            onWheel={handleWheel}
            data-testid="agent-pointer-layer"
          >
            {editing && (
              <FieldEditor
                field={editing}
                onChange={(value) => onAction({ kind: 'input', nodeId: editing.nodeId, value }, editing.target)}
                onClose={() => setEditing(null)}
              />
            )}
            {rings.map((ring) => (
              <span key={ring.id} className="click-ring" style={{ left: ring.x, top: ring.y }} />
            ))}
          </div>
          <AnnotationLayer replay={replayOf} tool={annotationTool} pinned={pinned} clears={clears} toPage={toPage} onSignal={onAnnotate} />
          {highlighting && onGuided && <HighlightLayer replay={replayOf} size={size} toPage={toPage} onSignal={onGuided} />}
        </div>
      </div>
      {hidden ? (
        <div className="stage-hidden" data-testid="agent-page-hidden">
          <svg className="stage-hidden-icon" viewBox="0 0 24 24" width="36" height="36" aria-hidden>
            <rect x="5" y="10" width="14" height="10" rx="2" fill="currentColor" />
            <path d="M8 10V7a4 4 0 0 1 8 0v3" fill="none" stroke="currentColor" strokeWidth="2" />
          </svg>
          <strong>This page is hidden for the customer’s privacy</strong>
          <span className="muted small">
            The customer is on <code>{hidden.href}</code>; nothing of it is shared because {hidden.reason}. The view comes back when they
            move to another page.
          </span>
        </div>
      ) : (
        !size && <p className="stage-waiting">Waiting for the customer’s page…</p>
      )}
    </div>
  );
}

const ignore = () => {};

let ringCounter = 0;
const now = () => ++ringCounter;
