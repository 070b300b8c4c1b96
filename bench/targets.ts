/** One SPEC §7 target, judged on this run's figures only. */
export interface Verdict {
  name: string;
  wanted: string;
  measured: string;
  met: boolean;
}

interface RunFigures {
  bareRelay: { capacity: number };
  cobrowse: { capacity: number };
  capacityRatio: number;
  browserLatencyMs: { domChange: { p50: number; p99: number }; pointerMove: { p50: number } };
  widgetFirstSnapshot: { medianMs: number; payloadKB: number };
}

/** Compares a run against the performance targets of SPEC §7. */
export function judgeTargets(run: RunFigures): Verdict[] {
  const { domChange, pointerMove } = run.browserLatencyMs;
  const snapshot = run.widgetFirstSnapshot;
  return [
    {
      name: 'capacity vs bare ws relay',
      wanted: '≥ 50%',
      measured: `${Math.round(run.capacityRatio * 100)}% (${run.cobrowse.capacity} vs ${run.bareRelay.capacity} sessions)`,
      met: run.capacityRatio >= 0.5,
    },
    { name: 'DOM change → agent, p50', wanted: '≤ 30 ms', measured: `${domChange.p50} ms`, met: domChange.p50 <= 30 },
    { name: 'DOM change → agent, p99', wanted: '≤ 80 ms', measured: `${domChange.p99} ms`, met: domChange.p99 <= 80 },
    { name: 'pointer move → agent, p50', wanted: '≤ 50 ms', measured: `${pointerMove.p50} ms`, met: pointerMove.p50 <= 50 },
    { name: 'first snapshot, 5,000 elements', wanted: '≤ 150 ms', measured: `${snapshot.medianMs} ms`, met: snapshot.medianMs <= 150 },
    { name: 'first snapshot on the wire', wanted: '≤ 60 KB', measured: `${snapshot.payloadKB} KB`, met: snapshot.payloadKB <= 60 },
  ];
}
