// Hand-drawn SVG and canvas plots: line charts with axes, scatter plots, image grids and score-field arrows.
// A charting library would be more code than the three plots the gallery needs.
import { contourSegments, highestDensityLevels, histogram2d, lattice, mixtureDensity2d } from './density.js';

const SVG = 'http://www.w3.org/2000/svg';
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

/** Creates an SVG element with attributes. */
function svgEl(name, attrs = {}, text) {
  const el = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text != null) el.textContent = text;
  return el;
}

/** About `count` round tick values covering [lo, hi] (1, 2, 5 × 10^k steps). */
export function niceTicks(lo, hi, count = 5) {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

/** Ticks for a log axis spanning [10^lo, 10^hi]: the decades, or 1-2-5 steps when fewer than two decades show. */
function logTicks(lo, hi) {
  const decades = [];
  for (let e = Math.ceil(lo); e <= Math.floor(hi); e++) decades.push(10 ** e);
  if (decades.length >= 2) return decades;
  const ticks = [];
  for (let e = Math.floor(lo); e <= Math.ceil(hi); e++) for (const m of [1, 2, 5]) ticks.push(m * 10 ** e);
  return ticks.filter((t) => Math.log10(t) >= lo && Math.log10(t) <= hi);
}

function formatTick(v) {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-3 ? v.toExponential(0) : String(Number(v.toPrecision(3)));
}

/**
 * A line chart as an SVG element: `series` = [{ name, points: [[x, y], …] }], with axes, ticks, labels and a
 * legend. `logY` draws y on a log scale (loss curves); `markers` draws a dot at each point (sparse data such as NFE).
 */
export function lineChart({ series, xLabel, yLabel, title, logY = false, markers = false, width = 560, height = 300, logX = false }) {
  const m = { left: 64, right: 16, top: title ? 28 : 12, bottom: 44 };
  const svg = svgEl('svg', { viewBox: `0 0 ${width} ${height}`, width, height, class: 'chart', role: 'img' });
  if (title) svg.append(svgEl('text', { x: width / 2, y: 18, 'text-anchor': 'middle', class: 'chart-title' }, title));
  const fy = (y) => (logY ? Math.log10(y) : y);
  const fx = (x) => (logX ? Math.log10(x) : x);
  const all = series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(fx(x)) && Number.isFinite(fy(y)));
  if (all.length === 0) {
    svg.append(svgEl('text', { x: width / 2, y: height / 2, 'text-anchor': 'middle' }, 'no data'));
    return svg;
  }
  let [x0, x1] = [Math.min(...all.map((p) => fx(p[0]))), Math.max(...all.map((p) => fx(p[0])))];
  let [y0, y1] = [Math.min(...all.map((p) => fy(p[1]))), Math.max(...all.map((p) => fy(p[1])))];
  if (x1 === x0) [x0, x1] = [x0 - 1, x1 + 1];
  if (y1 === y0) [y0, y1] = [y0 - 1, y1 + 1];
  const pad = (y1 - y0) * 0.05;
  [y0, y1] = [y0 - pad, y1 + pad];
  const px = (x) => m.left + ((fx(x) - x0) / (x1 - x0)) * (width - m.left - m.right);
  const py = (y) => height - m.bottom - ((fy(y) - y0) / (y1 - y0)) * (height - m.top - m.bottom);
  const axes = svgEl('g', { class: 'axes' });
  axes.append(svgEl('line', { x1: m.left, y1: height - m.bottom, x2: width - m.right, y2: height - m.bottom }));
  axes.append(svgEl('line', { x1: m.left, y1: m.top, x2: m.left, y2: height - m.bottom }));
  const xTicks = logX ? logTicks(x0, x1) : niceTicks(x0, x1);
  for (const t of xTicks) {
    const x = px(t);
    axes.append(svgEl('line', { x1: x, y1: height - m.bottom, x2: x, y2: height - m.bottom + 4 }));
    axes.append(svgEl('text', { x, y: height - m.bottom + 16, 'text-anchor': 'middle' }, formatTick(t)));
  }
  const yTicks = logY ? logTicks(y0, y1) : niceTicks(y0, y1);
  for (const t of yTicks) {
    const y = py(t);
    if (y < m.top - 1 || y > height - m.bottom + 1) continue;
    axes.append(svgEl('line', { x1: m.left - 4, y1: y, x2: width - m.right, y2: y, class: 'grid' }));
    axes.append(svgEl('text', { x: m.left - 6, y: y + 4, 'text-anchor': 'end' }, formatTick(t)));
  }
  axes.append(svgEl('text', { x: (m.left + width - m.right) / 2, y: height - 8, 'text-anchor': 'middle', class: 'axis-label' }, xLabel));
  axes.append(svgEl('text', { x: 14, y: (m.top + height - m.bottom) / 2, transform: `rotate(-90 14 ${(m.top + height - m.bottom) / 2})`, 'text-anchor': 'middle', class: 'axis-label' }, yLabel + (logY ? ' (log)' : '')));
  svg.append(axes);
  series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length];
    const pts = s.points.filter(([x, y]) => Number.isFinite(fx(x)) && Number.isFinite(fy(y)));
    if (pts.length === 0) return;
    const d = pts.map(([x, y], k) => `${k === 0 ? 'M' : 'L'}${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ');
    svg.append(svgEl('path', { d, fill: 'none', stroke: colour, 'stroke-width': 1.5, class: 'series' }));
    if (markers) for (const [x, y] of pts) svg.append(svgEl('circle', { cx: px(x), cy: py(y), r: 3, fill: colour }));
    if (series.length > 1) {
      svg.append(svgEl('rect', { x: width - m.right - 150, y: m.top + 4 + i * 16, width: 10, height: 10, fill: colour }));
      svg.append(svgEl('text', { x: width - m.right - 134, y: m.top + 13 + i * 16, class: 'legend' }, s.name));
    }
  });
  return svg;
}

/**
 * A scatter plot of 2D points (flat [x0, y0, x1, y1, …]) on a canvas with axes through the origin and ticks, in
 * the fixed view `view` = [xmin, xmax, ymin, ymax] so that plots of different sets compare. `arrows` optionally
 * draws a vector field: [{ x, y, dx, dy }] in data units, scaled to fit the grid spacing.
 */
export function scatterPlot(points, { view = [-10, 10, -10, 10], size = 320, arrows = null, colour = 'rgba(31,119,180,0.55)', label, marks = [] } = {}) {
  const canvas = document.createElement('canvas');
  canvas.width = size;
  canvas.height = size;
  canvas.className = 'scatter';
  if (label) canvas.setAttribute('aria-label', label);
  const ctx = canvas.getContext('2d');
  const [xa, xb, ya, yb] = view;
  const px = (x) => ((x - xa) / (xb - xa)) * size;
  const py = (y) => size - ((y - ya) / (yb - ya)) * size;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, size, size);
  ctx.strokeStyle = '#999';
  ctx.fillStyle = '#555';
  ctx.font = '10px sans-serif';
  ctx.beginPath();
  ctx.moveTo(px(xa), py(0));
  ctx.lineTo(px(xb), py(0));
  ctx.moveTo(px(0), py(ya));
  ctx.lineTo(px(0), py(yb));
  ctx.stroke();
  for (const t of niceTicks(xa, xb, 4)) {
    if (t === 0 || t <= xa || t >= xb) continue; // no labels cut by the edge
    ctx.fillRect(px(t), py(0) - 2, 1, 4);
    ctx.fillText(String(t), px(t) - 4, py(0) + 12);
    ctx.fillRect(px(0) - 2, py(t), 4, 1);
    ctx.fillText(String(t), px(0) + 4, py(t) + 3);
  }
  if (arrows) {
    const longest = Math.max(1e-12, ...arrows.map((a) => Math.hypot(a.dx, a.dy)));
    const spacing = arrows.length > 1 ? Math.abs(arrows[1].x - arrows[0].x) || Math.abs(arrows[1].y - arrows[0].y) : 1;
    const scale = (0.9 * spacing) / longest;
    ctx.strokeStyle = 'rgba(214,39,40,0.8)';
    for (const a of arrows) {
      const [x0, y0, x1, y1] = [px(a.x), py(a.y), px(a.x + a.dx * scale), py(a.y + a.dy * scale)];
      ctx.beginPath();
      ctx.moveTo(x0, y0);
      ctx.lineTo(x1, y1);
      const angle = Math.atan2(y1 - y0, x1 - x0);
      ctx.lineTo(x1 - 4 * Math.cos(angle - 0.5), y1 - 4 * Math.sin(angle - 0.5));
      ctx.moveTo(x1, y1);
      ctx.lineTo(x1 - 4 * Math.cos(angle + 0.5), y1 - 4 * Math.sin(angle + 0.5));
      ctx.stroke();
    }
  }
  ctx.fillStyle = colour;
  for (let i = 0; i + 1 < points.length; i += 2) ctx.fillRect(px(points[i]) - 1.5, py(points[i + 1]) - 1.5, 3, 3);
  // Highlighted points (an interpolation's current point) as red rings on top.
  ctx.strokeStyle = '#d62728';
  ctx.lineWidth = 2;
  for (const [x, y] of marks) {
    ctx.beginPath();
    ctx.arc(px(x), py(y), 5, 0, 2 * Math.PI);
    ctx.stroke();
  }
  return canvas;
}

/**
 * Images [n, h, w, c] in [−1, 1] (flat data) as a grid on a canvas, each pixel drawn `zoom` times larger.
 */
export function imageGrid(shape, data, { columns, zoom = 3 } = {}) {
  const [n, h, w, c] = shape;
  const cols = columns ?? Math.ceil(Math.sqrt(n));
  const rows = Math.ceil(n / cols);
  const gap = 2;
  const canvas = document.createElement('canvas');
  canvas.width = cols * (w * zoom + gap) - gap;
  canvas.height = rows * (h * zoom + gap) - gap;
  canvas.className = 'grid';
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const tile = ctx.createImageData(w, h);
  const off = document.createElement('canvas');
  off.width = w;
  off.height = h;
  const octx = off.getContext('2d');
  ctx.imageSmoothingEnabled = false;
  for (let k = 0; k < n; k++) {
    for (let p = 0; p < h * w; p++) {
      for (let ch = 0; ch < 3; ch++) {
        const v = data[(k * h * w + p) * c + (c === 1 ? 0 : ch)];
        tile.data[4 * p + ch] = Math.max(0, Math.min(255, Math.round(((v + 1) / 2) * 255)));
      }
      tile.data[4 * p + 3] = 255;
    }
    octx.putImageData(tile, 0, 0);
    ctx.drawImage(off, (k % cols) * (w * zoom + gap), Math.floor(k / cols) * (h * zoom + gap), w * zoom, h * zoom);
  }
  return canvas;
}

/**
 * A density plot of 2D samples: their histogram (bins × bins over `view`, white → blue by count) with the exact
 * density's highest-density contours on top where it is known (`mixture`: 50%, 90% and 99% of the mass, red),
 * on framed axes with ticks and labels x₁, x₂.
 */
export function densityPlot(points, { view, size = 420, bins = 60, mixture = null } = {}) {
  const margin = 34;
  const canvas = document.createElement('canvas');
  canvas.width = size + margin + 8;
  canvas.height = size + margin + 8;
  canvas.className = 'density';
  const ctx = canvas.getContext('2d');
  const [xa, xb, ya, yb] = view;
  const px = (x) => margin + ((x - xa) / (xb - xa)) * size;
  const py = (y) => 8 + size - ((y - ya) / (yb - ya)) * size;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const counts = histogram2d(points, view, bins);
  const most = Math.max(1, ...counts);
  const cell = size / bins;
  for (let j = 0; j < bins; j++) {
    for (let i = 0; i < bins; i++) {
      const c = counts[j * bins + i];
      if (c === 0) continue;
      // Square-root scale, so that a 20% mode stays visible beside an 80% one.
      const a = Math.sqrt(c / most);
      ctx.fillStyle = `rgba(31,119,180,${(0.15 + 0.85 * a).toFixed(3)})`;
      ctx.fillRect(margin + i * cell, 8 + size - (j + 1) * cell, Math.ceil(cell), Math.ceil(cell));
    }
  }
  if (mixture) {
    const cells = 120;
    const values = lattice(mixtureDensity2d(mixture), view, cells);
    const levels = highestDensityLevels(values, [0.5, 0.9, 0.99]);
    ctx.strokeStyle = 'rgb(214,39,40)';
    levels.forEach((level, k) => {
      ctx.lineWidth = [2, 1.5, 1][k];
      ctx.beginPath();
      for (const [x0, y0, x1, y1] of contourSegments(values, view, cells, level)) {
        ctx.moveTo(px(x0), py(y0));
        ctx.lineTo(px(x1), py(y1));
      }
      ctx.stroke();
    });
  }
  // Framed axes with ticks.
  ctx.lineWidth = 1;
  ctx.strokeStyle = '#555';
  ctx.strokeRect(margin, 8, size, size);
  ctx.fillStyle = '#333';
  ctx.font = '10px sans-serif';
  for (const t of niceTicks(xa, xb, 5)) {
    if (t < xa || t > xb) continue;
    ctx.fillRect(px(t), 8 + size, 1, 4);
    ctx.fillText(String(t), px(t) - 4, 8 + size + 14);
  }
  for (const t of niceTicks(ya, yb, 5)) {
    if (t < ya || t > yb) continue;
    ctx.fillRect(margin - 4, py(t), 4, 1);
    ctx.fillText(String(t), 2, py(t) + 3);
  }
  ctx.fillText('x₁', margin + size - 10, 8 + size + 26);
  ctx.fillText('x₂', 4, 16);
  return canvas;
}

/** Draws a sample slice `{ shape, data }` the way its kind wants: 2D points as a scatter, images as a grid. */
export function drawSamples(slice, options = {}) {
  return slice.shape.length === 2 ? scatterPlot(slice.data, options) : imageGrid(slice.shape, slice.data, options);
}

/**
 * A square view [−r, r]² around the bulk of the points: 1.4 × the 95th percentile of |coordinate|, rounded up to
 * a multiple of 5 — a young model's few far outliers (|x| ≈ 100) must not shrink everything else to a dot.
 */
export function viewFor(...pointSets) {
  const abs = pointSets.flatMap((p) => Array.from(p, Math.abs)).filter(Number.isFinite).sort((a, b) => a - b);
  const q = abs.length ? abs[Math.min(abs.length - 1, Math.floor(abs.length * 0.95))] : 1;
  const r = Math.max(1, Math.ceil((q * 1.4) / 5) * 5);
  return [-r, r, -r, r];
}
