import * as tf from '@tensorflow/tfjs';
import type { FeatureMatrix } from './featureMatrix.js';
import { download, useFloat32 } from './gemm.js';
import type { MatmulPrecision } from './gemm.js';

// Pairwise squared distances for k-NN manifolds, in blocks of BLOCK × BLOCK so that 50k × 50k never needs more
// than a few blocks of memory. The float32 path computes ‖x‖² + ‖y‖² − 2xᵀy with a TensorFlow.js matMul
// (scorekit's GEMM on wasm) on data centred by a shared shift; every value that lands within the rigorous float32
// error bound of a threshold is recomputed exactly in float64 from the original features, so every comparison,
// radius and count equals the one of an exact float64 computation.

const BLOCK = 1024;
/** Extra nearest-neighbour candidates kept beyond k + 1, re-ranked with exact distances. */
const EXTRA_CANDIDATES = 8;
const U32 = 2 ** -24;

export interface DistanceSide {
  readonly m: FeatureMatrix;
  /** Rows minus the shared shift, rounded to float32 (float32 path only). */
  readonly centred: Float32Array | null;
  /** Squared norms of the centred float32 rows, in float64 (float32 path only). */
  readonly norms: Float64Array | null;
}

export interface DistanceEngine {
  readonly x: DistanceSide;
  readonly y: DistanceSide;
  /** Relative half-width of the band around a threshold inside which a float32 distance is recomputed. */
  readonly band: number;
  /** Rows per block side. */
  readonly block: number;
}

/** Prepares two sets for blocked distance computations (y may be the same matrix as x). */
export function distanceEngine(
  x: FeatureMatrix,
  y: FeatureMatrix,
  precision: MatmulPrecision,
  block = BLOCK,
): DistanceEngine {
  const d = x.d;
  const n = Math.max(x.n, y.n);
  const fast = useFloat32(precision, n * n * d);
  if (!fast) return { x: { m: x, centred: null, norms: null }, y: { m: y, centred: null, norms: null }, band: 0, block };
  // Centring by the mean of x removes the common offset (Inception features are all positive), which is where
  // ‖x‖² + ‖y‖² − 2xᵀy loses digits.
  const shift = new Float64Array(d);
  for (let r = 0; r < x.n; r++) for (let j = 0; j < d; j++) shift[j] += x.data[r * d + j];
  for (let j = 0; j < d; j++) shift[j] /= x.n;
  const side = (m: FeatureMatrix): DistanceSide => {
    const centred = new Float32Array(m.n * d);
    const norms = new Float64Array(m.n);
    for (let r = 0; r < m.n; r++) {
      let s = 0;
      for (let j = 0; j < d; j++) {
        const v = Math.fround(m.data[r * d + j] - shift[j]);
        centred[r * d + j] = v;
        s += v * v;
      }
      norms[r] = s;
    }
    return { m, centred, norms };
  };
  const sx = side(x);
  // Rounding the centred inputs moves ‖x − y‖² by ≤ 4u(‖x‖² + ‖y‖²) (plus u² terms); a float32 dot product of
  // length d errs by ≤ γ_d‖x‖‖y‖ ≤ γ_d(‖x‖² + ‖y‖²)/2, γ_d = d·u/(1 − d·u) (Higham, Accuracy and Stability of
  // Numerical Algorithms, §3.1), doubled by the factor 2 in front of xᵀy. The band adds a safety factor of 2.
  const gamma = (d * U32) / (1 - d * U32);
  return { x: sx, y: y === x ? sx : side(y), band: 2 * (gamma + 4 * U32 + 1e-12), block };
}

/** Exact squared distance between row i of a and row j of b, in float64 from the original features. */
export function exactSq(a: FeatureMatrix, i: number, b: FeatureMatrix, j: number): number {
  const d = a.d;
  const ad = a.data;
  const bd = b.data;
  const oa = i * d;
  const ob = j * d;
  let s = 0;
  for (let t = 0; t < d; t++) {
    const diff = ad[oa + t] - bd[ob + t];
    s += diff * diff;
  }
  return s;
}

/**
 * Visits the x–y distance matrix block by block. `visit` receives the block's row range [i0, i1), column range
 * [j0, j1) and the float32 products g = x̃ᵢᵀỹⱼ (row-major h × w), from which the caller forms
 * ‖x̃ᵢ‖² + ‖ỹⱼ‖² − 2gᵢⱼ inline; on the float64 path `g` is null and the caller uses {@link exactSq}. With
 * `upperOnly` (x = y) only blocks with j0 ≥ i0 are visited.
 */
export function forEachBlock(
  engine: DistanceEngine,
  upperOnly: boolean,
  visit: (i0: number, i1: number, j0: number, j1: number, g: Float32Array | null) => void,
): void {
  const { x, y, block } = engine;
  const d = x.m.d;
  const xc = x.centred;
  const yc = y.centred;
  for (let j0 = 0; j0 < y.m.n; j0 += block) {
    const j1 = Math.min(y.m.n, j0 + block);
    // The column block as rows; matMul's transposeB is a stride in scorekit's wasm GEMM, not a copy.
    const yBlock = xc !== null && yc !== null ? tf.tensor2d(yc.subarray(j0 * d, j1 * d), [j1 - j0, d]) : null;
    try {
      for (let i0 = 0; i0 < (upperOnly ? j0 + 1 : x.m.n); i0 += block) {
        const i1 = Math.min(x.m.n, i0 + block);
        const g =
          xc === null || yBlock === null
            ? null
            : download(tf.tidy(() => tf.matMul(tf.tensor2d(xc.subarray(i0 * d, i1 * d), [i1 - i0, d]), yBlock, false, true)));
        visit(i0, i1, j0, j1, g);
      }
    } finally {
      yBlock?.dispose();
    }
  }
}

/**
 * Squared distance from each row of x to its k-th nearest neighbour in x, excluding itself — the (k+1)-th
 * smallest distance counting self (Kynkäänniemi et al. `ManifoldEstimator`: `np.partition(d, seq)[:, k]`;
 * prdc `get_kth_value(d, k + 1)`). Duplicate rows count as neighbours at distance 0.
 */
export function kthNeighbourSq(pair: DistanceEngine, which: 'x' | 'y', k: number): Float64Array {
  const side = which === 'x' ? pair.x : pair.y;
  const engine: DistanceEngine = { ...pair, x: side, y: side };
  const m = side.m;
  const n = m.n;
  const exact = engine.x.centred === null;
  const keep = exact ? k + 1 : Math.min(n, k + 1 + EXTRA_CANDIDATES);
  // Per row, the `keep` smallest (approximate) squared distances seen so far, ascending, with their column.
  const vals = new Float64Array(n * keep).fill(Infinity);
  const idx = new Int32Array(n * keep).fill(-1);
  const offer = (row: number, col: number, v: number): void => {
    const o = row * keep;
    let p = keep - 1;
    while (p > 0 && vals[o + p - 1] > v) {
      vals[o + p] = vals[o + p - 1];
      idx[o + p] = idx[o + p - 1];
      p--;
    }
    vals[o + p] = v;
    idx[o + p] = col;
  };
  const norms = side.norms;
  forEachBlock(engine, true, (i0, i1, j0, j1, g) => {
    const w = j1 - j0;
    for (let i = i0; i < i1; i++) {
      const o = (i - i0) * w - j0;
      for (let j = i0 === j0 ? i : j0; j < j1; j++) {
        // Diagonal blocks visit each unordered pair once (j ≥ i).
        let v: number;
        if (g === null || norms === null) {
          v = exactSq(m, i, m, j);
        } else {
          v = norms[i] + norms[j] - 2 * g[o + j];
          if (v < 0) v = 0;
        }
        if (v < vals[i * keep + keep - 1]) offer(i, j, v);
        if (j !== i && v < vals[j * keep + keep - 1]) offer(j, i, v);
      }
    }
  });
  const out = new Float64Array(n);
  const exactVals = new Float64Array(keep);
  for (let r = 0; r < n; r++) {
    const o = r * keep;
    if (exact) {
      out[r] = vals[o + k];
      continue;
    }
    for (let c = 0; c < keep; c++) exactVals[c] = exactSq(m, r, m, idx[o + c]);
    exactVals.sort();
    out[r] = exactVals[k];
  }
  return out;
}

export interface CrossCounts {
  /** Per row of y: how many balls of x (radius² rx) contain it. */
  readonly yInXBalls: Int32Array;
  /** Per row of x: 1 when some ball of y (radius² ry) contains it. */
  readonly xInYBalls: Uint8Array;
  /** Per row of x: 1 when some row of y lies inside x's own ball (prdc coverage). */
  readonly xBallHasY: Uint8Array;
}

/**
 * One pass over the x–y distances comparing each with both radii; `strict` selects `<` (prdc) instead of `≤`
 * (Kynkäänniemi et al.).
 */
export function crossCounts(engine: DistanceEngine, rx: Float64Array, ry: Float64Array, strict: boolean): CrossCounts {
  const { x, y, band } = engine;
  const yInXBalls = new Int32Array(y.m.n);
  const xInYBalls = new Uint8Array(x.m.n);
  const xBallHasY = new Uint8Array(x.m.n);
  const xn = x.norms;
  const yn = y.norms;
  forEachBlock(engine, false, (i0, i1, j0, j1, g) => {
    const w = j1 - j0;
    for (let i = i0; i < i1; i++) {
      const rxi = rx[i];
      const xni = xn === null ? 0 : xn[i];
      const bi = band * xni;
      const o = (i - i0) * w - j0;
      for (let j = j0; j < j1; j++) {
        let v: number;
        if (g === null || yn === null) {
          v = exactSq(x.m, i, y.m, j);
        } else {
          v = xni + yn[j] - 2 * g[o + j];
          const tol = bi + band * yn[j];
          // Far outside both balls: the common case, decided without exact arithmetic.
          if (v - tol > rxi && v - tol > ry[j]) continue;
          if (Math.abs(v - rxi) <= tol || Math.abs(v - ry[j]) <= tol) v = exactSq(x.m, i, y.m, j);
        }
        if (strict ? v < rxi : v <= rxi) {
          yInXBalls[j]++;
          xBallHasY[i] = 1;
        }
        if (strict ? v < ry[j] : v <= ry[j]) xInYBalls[i] = 1;
      }
    }
  });
  return { yInXBalls, xInYBalls, xBallHasY };
}
