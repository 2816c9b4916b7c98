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

/** The square region of the plane a scatter plot shows: [min, max] on both axes. */
export interface ViewBox {
  readonly min: number;
  readonly max: number;
}

/**
 * Rasterises 2D points (`[x0, y0, x1, y1, …]`) onto a `size`×`size` PNG: a white canvas with light axes through
 * the origin, each point a small dark-blue dot, darker where points pile up (a simple density view). `y` points
 * up. Points outside the view box are counted, not drawn. The view box defaults to the points' range with a
 * margin, made square and symmetric about 0 so plots of the same data line up.
 *
 * @example
 * const { png, outside } = scatterPng(await samples.data(), { size: 512 });
 */
export function scatterPng(
  points: ArrayLike<number>,
  options: { size?: number; view?: ViewBox; reference?: ArrayLike<number> } = {},
): { png: Buffer; view: ViewBox; outside: number } {
  if (points.length % 2 !== 0) throw new Error(`scatterPng: expected pairs of coordinates, got ${points.length} values`);
  const size = options.size ?? 512;
  const view = options.view ?? defaultView(points);
  const png = new PNG({ width: size, height: size });
  png.data.fill(255);
  const toPx = (v: number): number => ((v - view.min) / (view.max - view.min)) * (size - 1);
  // axes through the origin, light grey
  const o = Math.round(toPx(0));
  if (o >= 0 && o < size) {
    for (let i = 0; i < size; i++) {
      setGrey(png, size, o, i, 220);
      setGrey(png, size, i, size - 1 - o, 220);
    }
  }
  // optional reference points (e.g. the training data) in light orange, beneath the samples
  if (options.reference != null) plot(png, size, options.reference, toPx, [250, 190, 130], 0.5);
  const outside = plot(png, size, points, toPx, [20, 60, 160], 0.35);
  return { png: PNG.sync.write(png), view, outside };
}

function defaultView(points: ArrayLike<number>): ViewBox {
  let m = 0;
  for (let i = 0; i < points.length; i++) {
    const v = Math.abs(points[i]!);
    if (Number.isFinite(v) && v > m) m = v;
  }
  const half = m > 0 ? m * 1.1 : 1;
  return { min: -half, max: half };
}

function setGrey(png: PNG, size: number, x: number, y: number, g: number): void {
  const i = (y * size + x) * 4;
  png.data[i] = g;
  png.data[i + 1] = g;
  png.data[i + 2] = g;
}

// Each dot is a 3×3 blend towards `rgb` with opacity `alpha`, so overlapping dots get darker.
function plot(
  png: PNG,
  size: number,
  points: ArrayLike<number>,
  toPx: (v: number) => number,
  rgb: readonly [number, number, number],
  alpha: number,
): number {
  let outside = 0;
  for (let k = 0; k + 1 < points.length; k += 2) {
    const px = Math.round(toPx(points[k]!));
    const py = size - 1 - Math.round(toPx(points[k + 1]!));
    if (!(px >= 0 && px < size && py >= 0 && py < size)) {
      outside++;
      continue;
    }
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        const x = px + dx;
        const y = py + dy;
        if (x < 0 || x >= size || y < 0 || y >= size) continue;
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
