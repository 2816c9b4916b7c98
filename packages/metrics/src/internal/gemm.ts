import * as tf from '@tensorflow/tfjs';

import type { MatmulPrecision } from '../MatmulPrecision.js';

export { MATMUL_PRECISIONS } from '../MatmulPrecision.js';
export type { MatmulPrecision } from '../MatmulPrecision.js';

const AUTO_FLOAT64_LIMIT = 2 ** 26;

/** Rows per float32 chunk of a Gram product: bounds the float32 accumulation length (see gram). */
const GRAM_CHUNK_ROWS = 512;
/**
 * Chunk products summed in float32 on the device before one float64 accumulation on the host: the sum's rounding
 * adds at most 16·u to the 512·u of each chunk, and one download replaces sixteen (each 2.6M floats at d = 2048).
 */
const GRAM_CHUNKS_PER_FLUSH = 16;
/** Row band height of a Gram product: only the part of each band on or right of the diagonal is computed. */
const GRAM_TILE = 512;

export function useFloat32(precision: MatmulPrecision, multiplyAdds: number): boolean {
  return precision === 'float32' || (precision === 'auto' && multiplyAdds >= AUTO_FLOAT64_LIMIT);
}

/**
 * XᵀX (d × d, float64, symmetric) of a row-major n × d matrix, usually centred data.
 *
 * float32 error analysis: each chunk of c = 512 rows is one float32 GEMM whose entries carry a rounding error of
 * at most c·u·Σ|x_ki||x_kj| (u = 2⁻²⁴; typically √c·u ≈ 1.3e-6 relative); up to 16 chunk products are summed in
 * float32 (≤ 16·u more) and those sums in float64, so the bound is (c + 16)·u whatever n is. For covariances
 * this is a relative perturbation of the data of ~1e-6; FID is insensitive to it to first order (measured by
 * `pnpm bench` on 10 000 × 2048 ill-conditioned features, float32 covariance chunks and FᵀΣ₂F: FID relative
 * error 5.7e-7 against scipy's float64 sqrtm).
 */
export function gram(
  x: Float32Array | Float64Array,
  n: number,
  d: number,
  precision: MatmulPrecision,
  chunksPerFlush = GRAM_CHUNKS_PER_FLUSH,
): Float64Array {
  const out = new Float64Array(d * d);
  if (!useFloat32(precision, (n * d * d) / 2)) {
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
    // One accumulator per band of GRAM_TILE rows, on the device: Xᵀ[a0:a1] · X[:, a0:d] covers the band's tiles on
    // and right of the diagonal (transposeA is a stride in scorekit's wasm GEMM, not a copy).
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
          // Only j ≥ i is kept; the mirror below fills the rest.
          for (let j = i; j < w; j++) out[row + j] += band[src + j];
        }
      });
      sums = [];
    };
    try {
      for (let r0 = 0, chunkIndex = 0; r0 < n; r0 += GRAM_CHUNK_ROWS, chunkIndex++) {
        const c = Math.min(GRAM_CHUNK_ROWS, n - r0);
        bands.forEach((a0, b) => {
          // Columns a0..d of the chunk, and their first h: copied here (tfjs-wasm's slice reads the whole
          // input back to JS for a strided slice).
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
  }
  for (let i = 0; i < d; i++) for (let j = i + 1; j < d; j++) out[j * d + i] = out[i * d + j];
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
