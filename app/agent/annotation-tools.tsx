'use client';

import { useEffect } from 'react';
import type { AnnotationTool } from '../../protocol/messages';
import { StrokeIcon } from '../lib/stroke-icon';

const ICONS = {
  draw: ['M3 21c3-1 4-4 7-4s2 3 5 3 4-3 6-5', 'M14 4l4 4-7 7H7v-4z'],
  laser: ['M12 12m-3 0a3 3 0 1 0 6 0a3 3 0 1 0-6 0', 'M12 2v3M12 19v3M2 12h3M19 12h3'],
  pin: ['M9 3h6l-1 6 3 3H7l3-3z', 'M12 12v9'],
  clear: ['M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13'],
};

const Icon = ({ name }: { name: keyof typeof ICONS }) => <StrokeIcon paths={ICONS[name]} size={18} />;

interface Props {
  tool: AnnotationTool | null;
  pinned: boolean;
  onTool: (tool: AnnotationTool | null) => void;
  onPinned: (pinned: boolean) => void;
  onClear: () => void;
}

/** Draw, Laser, Pin and Clear (Escape puts a tool down): the agent's annotation tools, usable in Pointer Mode (they change nothing on the page). */
export function AnnotationTools({ tool, pinned, onTool, onPinned, onClear }: Props) {
  // Escape puts the tool down: the mouse points and clicks again.
  useEffect(() => {
    if (!tool) return;
    const putDown = (event: KeyboardEvent) => event.key === 'Escape' && onTool(null);
    addEventListener('keydown', putDown);
    return () => removeEventListener('keydown', putDown);
  }, [tool, onTool]);
  const toggle = (name: AnnotationTool, label: string) => (
    <button
      type="button"
      className="icon-button"
      aria-pressed={tool === name}
      aria-label={label}
      title={label}
      onClick={() => onTool(tool === name ? null : name)}
      data-testid={`annotate-${name}`}
    >
      <Icon name={name} />
    </button>
  );
  return (
    <div className="annotation-tools" role="group" aria-label="Annotations">
      {toggle('draw', 'Draw on the customer’s page')}
      {toggle('laser', 'Laser pointer')}
      <button
        type="button"
        className="icon-button"
        aria-pressed={pinned}
        aria-label="Keep new strokes until cleared"
        title="Keep new strokes until cleared"
        onClick={() => onPinned(!pinned)}
        data-testid="annotate-pin"
      >
        <Icon name="pin" />
      </button>
      <button
        type="button"
        className="icon-button"
        aria-label="Clear annotations"
        title="Clear annotations"
        onClick={onClear}
        data-testid="annotate-clear"
      >
        <Icon name="clear" />
      </button>
    </div>
  );
}
