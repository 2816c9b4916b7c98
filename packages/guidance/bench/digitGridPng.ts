// A greyscale PNG of digits in a grid, for the MNIST guidance bench's README figure. The CLI's imageGridPng lives in
// the app, which a library bench may not import, and one 8-bit greyscale PNG is a few lines with node:zlib.
import { crc32, deflateSync } from 'node:zlib';

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * Images [n, h, w, 1] with values in [−1, 1] (clipped) as a PNG of `rows` × `cols` cells (row-major: image
 * r·cols + c in row r), `gap` white pixels between cells, each pixel repeated `scale` times.
 */
export function digitGridPng(values: ArrayLike<number>, n: number, h: number, w: number, cols: number, options: { gap?: number; scale?: number } = {}): Buffer {
  if (values.length !== n * h * w) throw new Error(`digitGridPng: ${values.length} values are not ${n} images of ${h}×${w}×1`);
  const gap = options.gap ?? 2;
  const scale = options.scale ?? 1;
  const rows = Math.ceil(n / cols);
  const width = cols * w * scale + (cols + 1) * gap;
  const height = rows * h * scale + (rows + 1) * gap;
  const raw = Buffer.alloc((width + 1) * height, 255);
  for (let y = 0; y < height; y++) raw[y * (width + 1)] = 0; // filter type 0 (none) per scanline
  for (let i = 0; i < n; i++) {
    const x0 = gap + (i % cols) * (w * scale + gap);
    const y0 = gap + Math.floor(i / cols) * (h * scale + gap);
    for (let y = 0; y < h * scale; y++) {
      for (let x = 0; x < w * scale; x++) {
        const v = values[(i * h + Math.floor(y / scale)) * w + Math.floor(x / scale)]!;
        raw[(y0 + y) * (width + 1) + 1 + x0 + x] = Math.round((Math.min(1, Math.max(-1, v)) + 1) * 127.5);
      }
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
