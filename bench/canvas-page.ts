/**
 * The customer's page of the canvas step: a 640×320 line chart with a grid, axis labels and two
 * series, redrawn every animation frame (60 fps) while `window.animating`; Stop draws one last frame.
 */
export const canvasPage = (scripts: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Live chart</title>
<style>body{font:14px system-ui,sans-serif;margin:24px} canvas{display:block}</style></head>
<body><h1>Orders per minute</h1><button id="stop" onclick="animating = false">Stop</button>
<canvas id="chart" width="640" height="320"></canvas>
<script>
let animating = true;
const chart = document.getElementById('chart').getContext('2d');
const series = (t, phase, scale) => Array.from({ length: 60 }, (_, i) => 160 + Math.sin((i + t / 4) / 6 + phase) * scale + Math.sin((i + t) / 2.3) * 12);
function draw(t) {
  chart.fillStyle = '#fff';
  chart.fillRect(0, 0, 640, 320);
  chart.strokeStyle = '#e5e7eb';
  chart.fillStyle = '#6b7280';
  chart.font = '11px sans-serif';
  for (let y = 20; y < 320; y += 40) {
    chart.beginPath(); chart.moveTo(40, y); chart.lineTo(630, y); chart.stroke();
    chart.fillText(String(300 - y), 8, y + 4);
  }
  for (const [color, phase, scale] of [['#2563eb', 0, 80], ['#dc2626', 2, 50]]) {
    chart.strokeStyle = color;
    chart.lineWidth = 2;
    chart.beginPath();
    series(t, phase, scale).forEach((y, i) => (i ? chart.lineTo(40 + i * 10, y) : chart.moveTo(40, y)));
    chart.stroke();
  }
}
let t = 0;
(function frame() {
  if (animating) draw(++t);
  requestAnimationFrame(frame);
})();
</script>
${scripts}
</body></html>`;
