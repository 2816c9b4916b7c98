import * as tf from '@tensorflow/tfjs-core';
import { PNG } from 'pngjs';

/**
 * Tiles `n` NHWC images with values in [−1, 1] into one PNG (grey or RGB; `cols` columns, 2-pixel gaps, each
 * pixel drawn as a `scale`×`scale` block), and returns the encoded bytes. Values are clipped to [−1, 1] and mapped
 * to 0…255.
 *
 * @example
 * const bytes = imageGridPng(await samples.data() as Float32Array, [16, 28, 28, 1]);
 * await writeFileAtomic('grid.png', bytes);
 */
export function imageGridPng(
  values: ArrayLike<number>,
  shape: readonly [number, number, number, number],
  options: { cols?: number; gap?: number; scale?: number } = {},
): Buffer {
  const [n, h0, w0, c] = shape;
  const scale = options.scale ?? 1;
  if (!(Number.isInteger(scale) && scale >= 1)) throw new Error(`imageGridPng: scale must be an integer ≥ 1, got ${scale}`);
  const h = h0 * scale;
  const w = w0 * scale;
  if (c !== 1 && c !== 3) throw new Error(`imageGridPng: images must have 1 or 3 channels, got ${c}`);
  if (values.length !== n * h0 * w0 * c) {
    throw new Error(`imageGridPng: ${values.length} values do not match shape [${shape.join(', ')}]`);
  }
  const cols = Math.max(1, Math.min(n, options.cols ?? Math.ceil(Math.sqrt(n))));
  const rows = Math.max(1, Math.ceil(n / cols));
  const gap = options.gap ?? 2;
  const width = cols * w + (cols + 1) * gap;
  const height = rows * h + (rows + 1) * gap;
  const png = new PNG({ width, height });
  png.data.fill(255);
  const toByte = (v: number): number => Math.round((Math.min(1, Math.max(-1, v)) + 1) * 127.5);
  for (let i = 0; i < n; i++) {
    const x0 = gap + (i % cols) * (w + gap);
    const y0 = gap + Math.floor(i / cols) * (h + gap);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const src = ((i * h0 + Math.floor(y / scale)) * w0 + Math.floor(x / scale)) * c;
        const dst = ((y0 + y) * width + x0 + x) * 4;
        const r = toByte(values[src]!);
        png.data[dst] = r;
        png.data[dst + 1] = c === 3 ? toByte(values[src + 1]!) : r;
        png.data[dst + 2] = c === 3 ? toByte(values[src + 2]!) : r;
        png.data[dst + 3] = 255;
      }
    }
  }
  return PNG.sync.write(png);
}

/** The square region of the plane a scatter plot shows: [min, max] on both axes, or each axis its own. */
export interface ViewBox {
  readonly min: number;
  readonly max: number;
  /** The y axis's range when it differs from [min, max]. */
  readonly yMin?: number;
  readonly yMax?: number;
}

/** Options of {@link scatterPng}. */
export interface ScatterOptions {
  /** Width and height in pixels, default 512 (the plot area is this less a margin for the tick labels). */
  readonly size?: number;
  /** The region shown; default: the 0.5 %–99.5 % quantiles of each coordinate, widened by 10 % and made square. */
  readonly view?: ViewBox;
  /** Points drawn beneath the samples in light orange (e.g. the training data). */
  readonly reference?: ArrayLike<number>;
  /**
   * The exact density, when known (a Gaussian mixture's): given x, y pairs it returns p(x, y) for each. Drawn as a
   * light grey shading under the points with contour lines at 10 %, 30 %, 50 %, 70 % and 90 % of its maximum.
   */
  readonly density?: ((points: Float32Array) => ArrayLike<number>) | undefined;
}

const MARGIN_LEFT = 34;
const MARGIN_BOTTOM = 14;

/**
 * Rasterises 2D points (`[x0, y0, x1, y1, …]`) onto a `size`×`size` PNG: a white plot area with a frame, ticks
 * and numbered tick labels on both axes, light axes through the origin, each point a small dark-blue dot, darker
 * where points pile up, and the exact density beneath when given. `y` points up. The default view comes from
 * quantiles, so a few stray samples (a diverged one at 1e6, say) cannot shrink the rest to a dot; points outside
 * the view are counted in `outside`, not drawn.
 *
 * @example
 * const { png, outside } = scatterPng(await samples.data(), { size: 512, density: mixtureDensity(mixture) });
 */
export function scatterPng(points: ArrayLike<number>, options: ScatterOptions = {}): { png: Buffer; view: ViewBox; outside: number } {
  if (points.length % 2 !== 0) throw new Error(`scatterPng: expected pairs of coordinates, got ${points.length} values`);
  const size = options.size ?? 512;
  if (!Number.isInteger(size) || size < 64) throw new Error(`scatterPng: size must be an integer ≥ 64, got ${size}`);
  const view = options.view ?? defaultView(points);
  const x0 = view.min;
  const x1 = view.max;
  const y0 = view.yMin ?? view.min;
  const y1 = view.yMax ?? view.max;
  const png = new PNG({ width: size, height: size });
  png.data.fill(255);
  const w = size - MARGIN_LEFT; // plot area: columns MARGIN_LEFT…size−1, rows 0…h−1
  const h = size - MARGIN_BOTTOM;
  const col = (x: number): number => MARGIN_LEFT + Math.round(((x - x0) / (x1 - x0)) * (w - 1));
  const row = (y: number): number => h - 1 - Math.round(((y - y0) / (y1 - y0)) * (h - 1));
  if (options.density != null) drawDensity(png, size, w, h, options.density, (i) => x0 + ((i + 0.5) / w) * (x1 - x0), (j) => y1 - ((j + 0.5) / h) * (y1 - y0));
  // axes through the origin, light grey
  if (x0 < 0 && x1 > 0) for (let j = 0; j < h; j++) setGrey(png, size, col(0), j, 220);
  if (y0 < 0 && y1 > 0) for (let i = MARGIN_LEFT; i < size; i++) setGrey(png, size, i, row(0), 220);
  drawFrameAndTicks(png, size, w, h, [x0, x1], [y0, y1], col, row);
  if (options.reference != null) plot(png, size, h, options.reference, col, row, [250, 190, 130], 0.5);
  const outside = plot(png, size, h, points, col, row, [20, 60, 160], 0.35);
  return { png: PNG.sync.write(png), view, outside };
}

/**
 * A density for {@link scatterPng} from a Gaussian mixture of `@scorekit/data` (its exact log-density).
 *
 * @example
 * scatterPng(values, { density: mixtureDensity(ncsnToyMixture()) });
 */
export function mixtureDensity(mixture: { logProb(x: tf.Tensor): tf.Tensor }): (points: Float32Array) => Float32Array {
  return (points) => tf.tidy(() => tf.exp(mixture.logProb(tf.tensor2d(points, [points.length / 2, 2]))).dataSync() as Float32Array);
}

/** The q-quantile of finite values (linear interpolation between order statistics). */
function quantile(sorted: Float64Array, q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

function defaultView(points: ArrayLike<number>): ViewBox {
  const ranges = [0, 1].map((axis) => {
    const values: number[] = [];
    for (let k = axis; k < points.length; k += 2) if (Number.isFinite(points[k]!)) values.push(points[k]!);
    if (values.length === 0) return [-1, 1] as const;
    const sorted = Float64Array.from(values).sort();
    // 0.5 % of the points on each side may fall outside: one outlier in 200+ points cannot set the range.
    return [quantile(sorted, 0.005), quantile(sorted, 0.995)] as const;
  });
  // Square: both axes get the larger span (widened by 10 % on each side), centred on their own quantile range.
  const span = Math.max(ranges[0]![1] - ranges[0]![0], ranges[1]![1] - ranges[1]![0], 1e-6) * 1.2;
  const centre = ranges.map(([a, b]) => (a + b) / 2);
  return { min: centre[0]! - span / 2, max: centre[0]! + span / 2, yMin: centre[1]! - span / 2, yMax: centre[1]! + span / 2 };
}

function setGrey(png: PNG, size: number, x: number, y: number, g: number): void {
  setRgb(png, size, x, y, [g, g, g]);
}

function setRgb(png: PNG, size: number, x: number, y: number, rgb: readonly [number, number, number]): void {
  if (x < 0 || x >= size || y < 0 || y >= size) return;
  const i = (y * size + x) * 4;
  png.data[i] = rgb[0];
  png.data[i + 1] = rgb[1];
  png.data[i + 2] = rgb[2];
}

// Shading (white → light grey with the density) and contour lines where the level band changes between pixels.
function drawDensity(
  png: PNG,
  size: number,
  w: number,
  h: number,
  density: (points: Float32Array) => ArrayLike<number>,
  xOf: (i: number) => number,
  yOf: (j: number) => number,
): void {
  const grid = new Float32Array(w * h * 2);
  for (let j = 0; j < h; j++) {
    for (let i = 0; i < w; i++) {
      grid[2 * (j * w + i)] = xOf(i);
      grid[2 * (j * w + i) + 1] = yOf(j);
    }
  }
  const p = density(grid);
  let max = 0;
  for (let k = 0; k < w * h; k++) if (Number.isFinite(p[k]!) && p[k]! > max) max = p[k]!;
  if (!(max > 0)) return;
  const LEVELS = [0.1, 0.3, 0.5, 0.7, 0.9];
  const band = (k: number): number => {
    const r = p[k]! / max;
    let b = 0;
    for (const l of LEVELS) if (r >= l) b++;
    return b;
  };
  const bands = new Uint8Array(w * h);
  for (let k = 0; k < w * h; k++) bands[k] = band(k);
  for (let j = 0; j < h; j++) {
    for (let i = 0; i < w; i++) {
      const k = j * w + i;
      const edge = (i + 1 < w && bands[k + 1] !== bands[k]) || (j + 1 < h && bands[k + w] !== bands[k]);
      if (edge) setRgb(png, size, MARGIN_LEFT + i, j, [235, 120, 40]);
      else setGrey(png, size, MARGIN_LEFT + i, j, Math.round(255 - 40 * Math.min(p[k]! / max, 1)));
    }
  }
}

// "Nice" tick positions (1, 2 or 5 × 10^k apart), about five per axis.
function ticks(lo: number, hi: number): number[] {
  const raw = (hi - lo) / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9 * step; v += step) out.push(Math.abs(v) < 1e-9 * step ? 0 : v);
  return out;
}

function tickLabel(v: number): string {
  const s = Math.abs(v) >= 1000 || (Math.abs(v) < 0.01 && v !== 0) ? v.toExponential(0) : String(Number(v.toPrecision(3)));
  return s.replace('e+', 'e');
}

function drawFrameAndTicks(
  png: PNG,
  size: number,
  w: number,
  h: number,
  xs: readonly [number, number],
  ys: readonly [number, number],
  col: (x: number) => number,
  row: (y: number) => number,
): void {
  const ink = 90;
  for (let i = MARGIN_LEFT; i < size; i++) setGrey(png, size, i, h - 1, ink);
  for (let j = 0; j < h; j++) setGrey(png, size, MARGIN_LEFT, j, ink);
  for (const v of ticks(xs[0], xs[1])) {
    const c = col(v);
    for (let d = 1; d <= 4; d++) setGrey(png, size, c, h - 1 - d, ink);
    const label = tickLabel(v);
    drawText(png, size, c - Math.floor((label.length * 4 - 1) / 2), h + 3, label, ink);
  }
  for (const v of ticks(ys[0], ys[1])) {
    const r = row(v);
    for (let d = 1; d <= 4; d++) setGrey(png, size, MARGIN_LEFT + d, r, ink);
    const label = tickLabel(v);
    drawText(png, size, MARGIN_LEFT - 3 - label.length * 4, r - 2, label, ink);
  }
  void w;
}

// A 3×5 pixel font for tick labels: each glyph is five rows of three bits.
const GLYPHS: Record<string, readonly number[]> = {
  '0': [7, 5, 5, 5, 7], '1': [2, 6, 2, 2, 7], '2': [7, 1, 7, 4, 7], '3': [7, 1, 7, 1, 7], '4': [5, 5, 7, 1, 1],
  '5': [7, 4, 7, 1, 7], '6': [7, 4, 7, 5, 7], '7': [7, 1, 1, 1, 1], '8': [7, 5, 7, 5, 7], '9': [7, 5, 7, 1, 7],
  '-': [0, 0, 7, 0, 0], '.': [0, 0, 0, 0, 2], e: [0, 7, 7, 4, 7],
};

function drawText(png: PNG, size: number, x: number, y: number, text: string, grey: number): void {
  [...text].forEach((ch, n) => {
    const glyph = GLYPHS[ch];
    if (glyph == null) return;
    glyph.forEach((bits, r) => {
      for (let b = 0; b < 3; b++) if ((bits >> (2 - b)) & 1) setGrey(png, size, x + 4 * n + b, y + r, grey);
    });
  });
}

// Each dot is a 3×3 blend towards `rgb` with opacity `alpha`, so overlapping dots get darker; dots stay inside
// the plot area.
function plot(
  png: PNG,
  size: number,
  h: number,
  points: ArrayLike<number>,
  col: (x: number) => number,
  row: (y: number) => number,
  rgb: readonly [number, number, number],
  alpha: number,
): number {
  let outside = 0;
  for (let k = 0; k + 1 < points.length; k += 2) {
    const px = col(points[k]!);
    const py = row(points[k + 1]!);
    if (!(px >= MARGIN_LEFT && px < size && py >= 0 && py < h)) {
      outside++;
      continue;
    }
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        const x = px + dx;
        const y = py + dy;
        if (x <= MARGIN_LEFT || x >= size || y < 0 || y >= h - 1) continue;
        const i = (y * size + x) * 4;
        for (let ch = 0; ch < 3; ch++) png.data[i + ch] = Math.round(png.data[i + ch]! * (1 - alpha) + rgb[ch]! * alpha);
      }
    }
  }
  return outside;
}

/**
 * Decodes a PNG's size and RGBA bytes (used by tests and the gallery to check what was written).
 *
 * @example
 * const { width, height } = decodePng(await fs.readFile('grid.png'));
 */
export function decodePng(bytes: Buffer): { width: number; height: number; data: Buffer } {
  const png = PNG.sync.read(bytes);
  return { width: png.width, height: png.height, data: png.data };
}
