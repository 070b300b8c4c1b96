'use client';

import { useEffect, useRef, useState } from 'react';
import { Replayer } from 'rrweb';
import 'rrweb/dist/style.css';
import { MASKED_PAGE_EVENT_TAG, type RecordedEvent } from '../../../protocol/messages';
import { markAgentView } from '../../agent/agent-marks';
import { shadowRootMarks } from '../../agent/shadow-root-marks';
import { replayAssets } from '../../lib/replay-assets';
import { frameMarks } from '../../agent/frame-marks';
import { pointerStatesReplay } from '../../lib/replay-pointer-states';
import { openDialogsWithoutFocus, popoverReplay, syncPopovers } from '../../lib/replay-top-layer';
import { canvasFrames } from '../../agent/canvas-frames';

const SPEEDS = [1, 2, 4, 8];
const CUSTOM_EVENT = 5;
const FULL_SNAPSHOT = 2;

const clock = (ms: number) => {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
};

/** Plays a recorded session with rrweb's Replayer, scaled to fit, masked nodes marked as the agent saw them. */
export function RecordingPlayer({ events }: { events: RecordedEvent[] }) {
  const frameRef = useRef<HTMLDivElement>(null);
  const rootRef = useRef<HTMLDivElement>(null);
  const replayerRef = useRef<Replayer | null>(null);
  const [size, setSize] = useState({ width: 1280, height: 800 });
  const [width, setWidth] = useState(0);
  const [playing, setPlaying] = useState(false);
  const [time, setTime] = useState(0);
  const [speed, setSpeed] = useState(1);
  const [hidden, setHidden] = useState(false);
  const total = events.length > 1 ? events[events.length - 1]!.timestamp - events[0]!.timestamp : 0;

  useEffect(() => {
    const pointerStates = pointerStatesReplay();
    const replayer = new Replayer(events as never, {
      root: rootRef.current!,
      mouseTail: false,
      showWarning: false,
      UNSAFE_replayCanvas: false,
      skipInactive: true,
      triggerFocus: false,
      plugins: [popoverReplay, replayAssets(), canvasFrames, shadowRootMarks, pointerStates, frameMarks],
    });
    if (replayer.iframe.contentWindow) openDialogsWithoutFocus(replayer.iframe.contentWindow);
    replayer.on('resize', (next) => setSize(next as { width: number; height: number }));
    replayer.on('fullsnapshot-rebuilded', () => {
      const document = replayer.iframe.contentDocument;
      if (document) markAgentView(document, []);
    });
    replayer.on('event-cast', (event) => {
      const cast = event as RecordedEvent;
      const tag = (cast.data as { tag?: unknown } | null)?.tag;
      if (cast.type === CUSTOM_EVENT && tag === MASKED_PAGE_EVENT_TAG) setHidden(true);
      else if (cast.type === FULL_SNAPSHOT) setHidden(false);
    });
    // A seek builds the page off the document, then writes it in at once ("flush"), every popover
    // closed and nothing hovered or focused: open those the customer had open, show their pointer states.
    replayer.on('flush', () => {
      syncPopovers(replayer);
      pointerStates.sync(replayer);
    });
    replayer.on('finish', () => setPlaying(false));
    replayer.pause(0);
    replayerRef.current = replayer;
    const ticker = setInterval(() => setTime(replayer.getCurrentTime()), 250);
    return () => {
      clearInterval(ticker);
      replayer.destroy();
      replayerRef.current = null;
    };
  }, [events]);

  useEffect(() => {
    const observer = new ResizeObserver(([entry]) => entry && setWidth(entry.contentRect.width));
    observer.observe(frameRef.current!);
    return () => observer.disconnect();
  }, []);

  const scale = width ? Math.min(1, width / size.width) : 1;

  function toggle() {
    const replayer = replayerRef.current;
    if (!replayer) return;
    if (playing) replayer.pause();
    else replayer.play(time >= total ? 0 : replayer.getCurrentTime());
    setPlaying(!playing);
  }

  function seek(to: number) {
    const replayer = replayerRef.current;
    if (!replayer) return;
    // rrweb builds what happened before the position: at the end, the last change would be left out.
    const at = to >= total ? total + 1 : to;
    if (playing) replayer.play(at);
    else replayer.pause(at);
    setTime(to);
  }

  function changeSpeed(next: number) {
    replayerRef.current?.setConfig({ speed: next });
    setSpeed(next);
  }

  return (
    <div className="player">
      <div className="player-frame" ref={frameRef} style={{ height: size.height * scale }}>
        <div className="player-scaled" style={{ width: size.width, height: size.height, transform: `scale(${scale})` }}>
          <div ref={rootRef} className="replay-root" data-testid="replay-view" />
        </div>
        {hidden && (
          <div className="stage-hidden">
            <strong>This page was hidden from agents</strong>
            <span className="muted small">Nothing of it was recorded.</span>
          </div>
        )}
      </div>
      <div className="player-controls">
        <button type="button" className="button primary small" onClick={toggle} data-testid="replay-play">
          {playing ? 'Pause' : 'Play'}
        </button>
        <input
          type="range"
          min={0}
          max={total}
          value={Math.min(time, total)}
          onChange={(event) => seek(Number(event.target.value))}
          aria-label="Position in the recording"
          data-testid="replay-seek"
        />
        <span className="muted small player-clock" data-testid="replay-clock">
          {clock(time)} / {clock(total)}
        </span>
        <select value={speed} onChange={(event) => changeSpeed(Number(event.target.value))} aria-label="Speed">
          {SPEEDS.map((value) => (
            <option key={value} value={value}>
              {value}×
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}
