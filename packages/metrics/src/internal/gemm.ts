import * as tf from '@tensorflow/tfjs-core';
import { forEachProductBlock } from '@scorekit/core';
import type { ProductBlock } from '@scorekit/core';

import type { MatmulPrecision } from '../MatmulPrecision.js';

export { MATMUL_PRECISIONS } from '../MatmulPrecision.js';
export type { MatmulPrecision } from '../MatmulPrecision.js';

const AUTO_FLOAT64_LIMIT = 2 ** 26;

/** Rows per float32 chunk of a Gram product: bounds the float32 accumulation length (see gram). */
const GRAM_CHUNK_ROWS = 512;
/** Side of the square tiles of XᵀX: only tiles on or right of the diagonal are computed. */
const GRAM_TILE = 512;
/**
 * Chunk products summed in float32 on the device before one float64 accumulation on the host, on backends where
 * tf.matMul runs (tfjs-node, GPU): the sum's rounding adds at most 16·u to the 512·u of each chunk.
 */
const GRAM_CHUNKS_PER_FLUSH = 16;

export function useFloat32(precision: MatmulPrecision, multiplyAdds: number): boolean {
  return precision === 'float32' || (precision === 'auto' && multiplyAdds >= AUTO_FLOAT64_LIMIT);
}

/**
 * Whether the big float32 products run on scorekit's own wasm GEMM (forEachProductBlock: whole blocks on both
 * threads) — on the wasm and cpu backends; on tfjs-node or a GPU, tf.matMul's native kernels are faster.
 */
export function ownGemm(): boolean {
  const backend = tf.getBackend();
  return backend === 'wasm' || backend === 'cpu';
}

/**
 * (X − 1·shiftᵀ)ᵀ(X − 1·shiftᵀ) (d × d, float64, symmetric) of a row-major n × d matrix X: a scatter matrix when
 * `shift` is the column means (rows minus the shift are formed in float64 and, for the float32 products, rounded
 * once to float32).
 *
 * float32 error analysis: each chunk of c = 512 rows is one float32 GEMM whose entries carry a rounding error of
 * at most c·u·Σ|x_ki||x_kj| (u = 2⁻²⁴; typically √c·u ≈ 1.3e-6 relative), and the chunk products are summed in
 * float64 (through tf.matMul, up to 16 of them in float32 first: ≤ 16·u more), so the bound is c·u, or (c + 16)·u,
 * whatever n is. For covariances this is a relative perturbation of the data of ~1e-6; FID is insensitive to it
 * to first order (measured by `pnpm bench` on 10 000 × 2048 ill-conditioned features, float32 covariance chunks
 * and FᵀΣ₂F: FID relative error 5.7e-7 against scipy's float64 sqrtm).
 */
export function gram(
  data: Float32Array | Float64Array,
  n: number,
  d: number,
  precision: MatmulPrecision,
  shift: Float64Array = new Float64Array(d),
): Float64Array {
  const fast = useFloat32(precision, (n * d * d) / 2);
  if (fast && ownGemm()) return mirrorUpper(gramByBlocks(data, n, d, shift), d);
  const x = centre(data, n, d, shift, fast);
  let out: Float64Array;
  if (!fast) {
    out = new Float64Array(d * d);
    for (let r = 0; r < n; r++) {
      const o = r * d;
      for (let i = 0; i < d; i++) {
        const xi = x[o + i];
        if (xi === 0) continue;
        const row = i * d;
        for (let j = i; j < d; j++) out[row + j] += xi * x[o + j];
      }
    }
  } else {
    out = gramByTfMatMul(x, n, d);
  }
  return mirrorUpper(out, d);
}

function mirrorUpper(out: Float64Array, d: number): Float64Array {
  for (let i = 0; i < d; i++) for (let j = i + 1; j < d; j++) out[j * d + i] = out[i * d + j];
  return out;
}

/**
 * The tiles of XᵀX on and right of the diagonal (the upper triangle, and some entries below it), from float32 chunk products summed in float64. Each chunk's
 * transpose is stacked under the previous one, so that every (tile, chunk) product is one block of a single
 * forEachProductBlock call and both threads stay busy throughout. The float64 sums take each tile's chunks in
 * order, whatever order the blocks arrive in, so the result does not depend on the threads.
 */
export function gramByBlocks(
  x: Float32Array | Float64Array,
  n: number,
  d: number,
  shift: Float64Array = new Float64Array(d),
): Float64Array {
  const c = GRAM_CHUNK_ROWS;
  const chunks = Math.ceil(n / c);
  // Chunk q occupies rows q·d … q·d + d − 1: row i holds feature i (minus its shift) of the chunk's samples, zero
  // past n.
  const stacked = new Float32Array(chunks * d * c);
  stackChunkTransposes(x, n, d, c, shift, stacked);
  const blocks: ProductBlock[] = [];
  const tiles: { a0: number; b0: number }[] = [];
  for (let a0 = 0; a0 < d; a0 += GRAM_TILE) {
    for (let b0 = a0; b0 < d; b0 += GRAM_TILE) {
      tiles.push({ a0, b0 });
      for (let q = 0; q < chunks; q++) {
        const o = q * d;
        blocks.push({ i0: o + a0, i1: o + Math.min(d, a0 + GRAM_TILE), j0: o + b0, j1: o + Math.min(d, b0 + GRAM_TILE) });
      }
    }
  }
  const indexOf = new Map(blocks.map((b, i) => [b, i]));
  const out = new Float64Array(d * d);
  const nextChunk = new Int32Array(tiles.length);
  const early = new Map<number, Float32Array>();
  const add = (tile: number, g: Float32Array): void => {
    const { a0, b0 } = tiles[tile];
    const h = Math.min(GRAM_TILE, d - a0);
    const w = Math.min(GRAM_TILE, d - b0);
    for (let i = 0; i < h; i++) addRow(out, (a0 + i) * d + b0, g, i * w, w);
    nextChunk[tile]++;
  };
  const m = { data: stacked, rows: chunks * d, cols: c };
  forEachProductBlock(m, m, blocks, (block, g) => {
    const index = indexOf.get(block) as number;
    const tile = Math.floor(index / chunks);
    if (index - tile * chunks !== nextChunk[tile]) {
      // ahead of an earlier chunk of its tile (the other thread's): held until that one is added
      early.set(index, Float32Array.from(g));
      return;
    }
    add(tile, g);
    for (;;) {
      const held = early.get(tile * chunks + nextChunk[tile]);
      if (held === undefined) break;
      early.delete(tile * chunks + nextChunk[tile]);
      add(tile, held);
    }
  });
  return out;
}

/** out[o … o + w) += g[s … s + w), four at a time (1.3 ns per add where a plain loop took 2.5). */
function addRow(out: Float64Array, o: number, g: Float32Array, s: number, w: number): void {
  const end = s + w - (w % 4);
  while (s < end) {
    out[o] += g[s];
    out[o + 1] += g[s + 1];
    out[o + 2] += g[s + 2];
    out[o + 3] += g[s + 3];
    o += 4;
    s += 4;
  }
  for (const last = s + (w % 4); s < last; s++, o++) out[o] += g[s];
}

/**
 * stacked[(q·d + i)·c + r] = x[(q·c + r)·d + i] − shift[i]: each c-row chunk of x, shifted and transposed, 16 rows
 * at a time for the cache.
 */
function stackChunkTransposes(
  x: Float32Array | Float64Array,
  n: number,
  d: number,
  c: number,
  shift: Float64Array,
  stacked: Float32Array,
): void {
  for (let q = 0; q * c < n; q++) {
    const chunkEnd = Math.min(n, (q + 1) * c);
    for (let r0 = q * c; r0 < chunkEnd; r0 += 16) {
      const rows = Math.min(16, chunkEnd - r0);
      for (let i = 0; i < d; i++) {
        const dst = (q * d + i) * c + (r0 - q * c);
        const s = shift[i];
        for (let r = 0; r < rows; r++) stacked[dst + r] = x[(r0 + r) * d + i] - s;
      }
    }
  }
}

/**
 * The band parts of XᵀX on and right of the diagonal (the upper triangle, and some entries below it) through
 * tf.matMul with transposeA, up to `chunksPerFlush` chunk products summed on the device per download.
 */
export function gramByTfMatMul(
  x: Float32Array | Float64Array,
  n: number,
  d: number,
  chunksPerFlush = GRAM_CHUNKS_PER_FLUSH,
): Float64Array {
  const out = new Float64Array(d * d);
  // One accumulator per band of GRAM_TILE rows, on the device: Xᵀ[a0:a1] · X[:, a0:d] covers the band's tiles on
  // and right of the diagonal.
  const bands: number[] = [];
  for (let a0 = 0; a0 < d; a0 += GRAM_TILE) bands.push(a0);
  let sums: tf.Tensor[] = [];
  const flush = (): void => {
    bands.forEach((a0, b) => {
      const h = Math.min(GRAM_TILE, d - a0);
      const w = d - a0;
      const band = download(sums[b]);
      for (let i = 0; i < h; i++) {
        const row = (a0 + i) * d + a0;
        const src = i * w;
        // Only j ≥ i is kept; the mirror fills the rest.
        for (let j = i; j < w; j++) out[row + j] += band[src + j];
      }
    });
    sums = [];
  };
  try {
    for (let r0 = 0, chunkIndex = 0; r0 < n; r0 += GRAM_CHUNK_ROWS, chunkIndex++) {
      const c = Math.min(GRAM_CHUNK_ROWS, n - r0);
      bands.forEach((a0, b) => {
        // Columns a0..d of the chunk, and their first h, copied here (a strided slice would read the whole input).
        const h = Math.min(GRAM_TILE, d - a0);
        const w = d - a0;
        const left = new Float32Array(c * h);
        const right = new Float32Array(c * w);
        for (let r = 0; r < c; r++) {
          const o = (r0 + r) * d + a0;
          right.set(x.subarray(o, o + w), r * w);
          left.set(x.subarray(o, o + h), r * h);
        }
        const previous = sums[b] as tf.Tensor | undefined;
        sums[b] = tf.tidy(() => {
          const product = tf.matMul(tf.tensor2d(left, [c, h]), tf.tensor2d(right, [c, w]), true, false);
          return previous === undefined ? product : tf.add(previous, product);
        });
        previous?.dispose();
      });
      if ((chunkIndex + 1) % chunksPerFlush === 0) flush();
    }
    if (sums.length > 0) flush();
  } finally {
    for (const t of sums) t.dispose();
  }
  return out;
}

/** A (m × k) · B (k × n), row-major, result in float64. */
export function matmul(
  a: Float32Array | Float64Array,
  b: Float32Array | Float64Array,
  m: number,
  k: number,
  n: number,
  precision: MatmulPrecision,
): Float64Array {
  if (useFloat32(precision, m * k * n)) {
    const r = download(
      tf.tidy(() => tf.matMul(tf.tensor2d(Float32Array.from(a), [m, k]), tf.tensor2d(Float32Array.from(b), [k, n]))),
    );
    return Float64Array.from(r);
  }
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    const o = i * n;
    for (let p = 0; p < k; p++) {
      const aip = a[i * k + p];
      if (aip === 0) continue;
      const bp = p * n;
      for (let j = 0; j < n; j++) out[o + j] += aip * b[bp + j];
    }
  }
  return out;
}

/**
 * The values of a float32 tensor, which is then disposed. (Returning the typed array from inside tf.tidy would
 * make tidy walk every element looking for tensors: 14 s for a 2000 × 2000 distance matrix.)
 */
export function download(t: tf.Tensor): Float32Array {
  try {
    return t.dataSync() as Float32Array;
  } finally {
    t.dispose();
  }
}

/** Column means of a row-major n × d matrix, summed in float64. */
export function columnMeans(x: Float32Array | Float64Array, n: number, d: number): Float64Array {
  const mean = new Float64Array(d);
  for (let r = 0; r < n; r++) {
    const o = r * d;
    for (let j = 0; j < d; j++) mean[j] += x[o + j];
  }
  for (let j = 0; j < d; j++) mean[j] /= n;
  return mean;
}

/** x − shift row by row, computed in float64 and stored in float32 or float64. */
export function centre(
  x: Float32Array | Float64Array,
  n: number,
  d: number,
  shift: Float64Array,
  asFloat32: boolean,
): Float32Array | Float64Array {
  const out = asFloat32 ? new Float32Array(n * d) : new Float64Array(n * d);
  for (let r = 0; r < n; r++) {
    const o = r * d;
    for (let j = 0; j < d; j++) out[o + j] = x[o + j] - shift[j];
  }
  return out;
}
