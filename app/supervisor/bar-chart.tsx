/** One bar: its axis label, value and hover text. */
export interface Bar {
  key: string;
  label: string;
  value: number;
  title: string;
}

const WIDTH = 640;
const HEIGHT = 180;
const PAD = { top: 12, right: 8, bottom: 24, left: 30 };
/** At most this many x-axis labels, so long ranges stay readable. */
const MAX_X_LABELS = 16;

/** A round top for the y axis: 1, 2, 5, 10, 20, 50… at or above `max`. */
function niceMax(max: number): number {
  if (max <= 4) return Math.max(1, Math.ceil(max));
  const magnitude = 10 ** Math.floor(Math.log10(max));
  return ([1, 2, 5, 10].map((step) => step * magnitude).find((top) => top >= max) ?? 10 * magnitude) as number;
}

/**
 * A plain SVG bar chart: a few dozen rects need no charting library. It scales with its box
 * (viewBox) and each bar carries a <title> for hover and assistive tech.
 */
export function BarChart({ bars, description }: { bars: Bar[]; description: string }) {
  const top = niceMax(Math.max(0, ...bars.map((bar) => bar.value)));
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const slot = plotWidth / Math.max(1, bars.length);
  const barWidth = Math.max(2, Math.min(36, slot * 0.68));
  const labelEvery = Math.ceil(bars.length / MAX_X_LABELS);
  const y = (value: number) => PAD.top + plotHeight - (value / top) * plotHeight;
  const ticks = top <= 4 ? Array.from({ length: top + 1 }, (_, i) => i) : [0, top / 2, top];

  return (
    <svg className="bar-chart" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={description}>
      {ticks.map((tick) => (
        <g key={tick}>
          <line className="grid" x1={PAD.left} x2={WIDTH - PAD.right} y1={y(tick)} y2={y(tick)} />
          <text className="axis" x={PAD.left - 8} y={y(tick)} dy="0.32em" textAnchor="end">
            {tick}
          </text>
        </g>
      ))}
      {bars.map((bar, i) => {
        const x = PAD.left + i * slot + (slot - barWidth) / 2;
        const height = Math.max(bar.value > 0 ? 2 : 0, y(0) - y(bar.value));
        return (
          <g key={bar.key} className="bar">
            <title>{bar.title}</title>
            {/* A full-height hit area, so empty days show their tooltip too. */}
            <rect className="hit" x={PAD.left + i * slot} y={PAD.top} width={slot} height={plotHeight} />
            <rect className="value" x={x} y={y(0) - height} width={barWidth} height={height} rx={Math.min(4, barWidth / 3)} />
            {i % labelEvery === 0 && (
              <text className="axis" x={x + barWidth / 2} y={HEIGHT - 6} textAnchor="middle">
                {bar.label}
              </text>
            )}
          </g>
        );
      })}
    </svg>
  );
}
