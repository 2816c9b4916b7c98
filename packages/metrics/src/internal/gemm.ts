import * as tf from '@tensorflow/tfjs';

import type { MatmulPrecision } from '../MatmulPrecision.js';

export { MATMUL_PRECISIONS } from '../MatmulPrecision.js';
export type { MatmulPrecision } from '../MatmulPrecision.js';

const AUTO_FLOAT64_LIMIT = 2 ** 26;

/** Rows per float32 chunk of a Gram product: bounds the float32 accumulation length (see gram). */
const GRAM_CHUNK_ROWS = 512;
/** Column tile width of a Gram product: only tiles on or above the diagonal are computed. */
const GRAM_TILE = 512;

export function useFloat32(precision: MatmulPrecision, multiplyAdds: number): boolean {
  return precision === 'float32' || (precision === 'auto' && multiplyAdds >= AUTO_FLOAT64_LIMIT);
}

/**
 * XᵀX (d × d, float64, symmetric) of a row-major n × d matrix, usually centred data.
 *
 * float32 error analysis: each chunk of c = 512 rows is one float32 GEMM whose entries carry a rounding error of
 * at most c·u·Σ|x_ki||x_kj| (u = 2⁻²⁴; typically √c·u ≈ 1.3e-6 relative), and chunks are summed in float64, so
 * the error does not grow with n. For covariances this is a relative perturbation of the data of ~1e-6; FID is
 * insensitive to it to first order (measured by `pnpm bench` on 10 000 × 2048 ill-conditioned features, float32
 * covariance chunks and FᵀΣ₂F: FID relative error 5.6e-7 against scipy's float64 sqrtm).
 */
export function gram(x: Float32Array | Float64Array, n: number, d: number, precision: MatmulPrecision): Float64Array {
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
    const tiles: [number, number][] = [];
    for (let t = 0; t < d; t += GRAM_TILE) tiles.push([t, Math.min(d, t + GRAM_TILE)]);
    for (let r0 = 0; r0 < n; r0 += GRAM_CHUNK_ROWS) {
      const c = Math.min(GRAM_CHUNK_ROWS, n - r0);
      // Xᵀ of the chunk, laid out so every product below is a plain matMul (XNNPACK has no transposed path).
      const xt = new Float32Array(d * c);
      for (let r = 0; r < c; r++) {
        const o = (r0 + r) * d;
        for (let i = 0; i < d; i++) xt[i * c + r] = x[o + i];
      }
      const colTiles = tiles.map(([a, b]) => {
        const w = b - a;
        const cols = new Float32Array(c * w);
        for (let r = 0; r < c; r++) {
          const o = (r0 + r) * d + a;
          for (let j = 0; j < w; j++) cols[r * w + j] = x[o + j];
        }
        return cols;
      });
      for (let ti = 0; ti < tiles.length; ti++) {
        const [a0, a1] = tiles[ti];
        const h = a1 - a0;
        for (let tj = ti; tj < tiles.length; tj++) {
          const [b0, b1] = tiles[tj];
          const w = b1 - b0;
          const block = download(
            tf.tidy(() => tf.matMul(tf.tensor2d(xt.subarray(a0 * c, a1 * c), [h, c]), tf.tensor2d(colTiles[tj], [c, w]))),
          );
          for (let i = 0; i < h; i++) {
            const row = (a0 + i) * d + b0;
            const src = i * w;
            // Within a diagonal tile only j ≥ i is kept; the mirror below fills the rest.
            for (let j = tj === ti ? i : 0; j < w; j++) out[row + j] += block[src + j];
          }
        }
      }
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
