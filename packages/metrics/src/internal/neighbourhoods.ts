import * as tf from '@tensorflow/tfjs-core';
import { forEachProductBlock } from '@scorekit/core';
import type { ProductBlock } from '@scorekit/core';
import { DistanceFilters } from './distanceFilters.js';
import { NearestCandidates } from './nearestCandidates.js';
import type { FeatureMatrix } from './featureMatrix.js';
import { columnMeans, download, ownGemm, useFloat32 } from './gemm.js';
import type { MatmulPrecision } from './gemm.js';

// Pairwise squared distances for k-NN manifolds, in blocks of BLOCK × BLOCK so that 50k × 50k never needs more
// than a few blocks of memory. The float32 path computes ‖x‖² + ‖y‖² − 2xᵀy with a TensorFlow.js matMul
// (scorekit's GEMM on wasm) on data centred by a shared shift; every value that lands within the rigorous float32
// error bound of a threshold is recomputed exactly in float64 from the original features, so every comparison,
// radius and count equals the one of an exact float64 computation.

const BLOCK = 1024;

/** Diagonal blocks are computed as a DIAGONAL_SPLIT × DIAGONAL_SPLIT grid, upper triangle only. */
const DIAGONAL_SPLIT = 4;
/** Extra nearest-neighbour candidates kept beyond k + 1, re-ranked with exact distances. */
const EXTRA_CANDIDATES = 8;
const U32 = 2 ** -24;
/** Rows per call of the nearest-candidate filter: thresholds are refreshed between calls. */
const FILTER_STRIPE = 32;

export interface DistanceSide {
  readonly m: FeatureMatrix;
  /** Rows minus the shared shift, rounded to float32 (float32 path only). */
  readonly centred: Float32Array | null;
  /** Squared norms of the centred float32 rows, in float64 (float32 path only). */
  readonly norms: Float64Array | null;
  /** The largest of `norms` (0 on the float64 path): bounds the error of any distance to this side. */
  readonly maxNorm: number;
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
  if (!fast) {
    const side = (m: FeatureMatrix): DistanceSide => ({ m, centred: null, norms: null, maxNorm: 0 });
    return { x: side(x), y: side(y), band: 0, block };
  }
  // Centring by the mean of x removes the common offset (Inception features are all positive), which is where
  // ‖x‖² + ‖y‖² − 2xᵀy loses digits.
  const shift = columnMeans(x.data, x.n, d);
  const side = (m: FeatureMatrix): DistanceSide => {
    const centred = new Float32Array(m.n * d);
    const norms = new Float64Array(m.n);
    const maxNorm = centreRows(m.data, m.n, d, shift, centred, norms);
    return { m, centred, norms, maxNorm };
  };
  const sx = side(x);
  // Rounding the centred inputs moves ‖x − y‖² by ≤ 4u(‖x‖² + ‖y‖²) (plus u² terms); a float32 dot product of
  // length d errs by ≤ γ_d‖x‖‖y‖ ≤ γ_d(‖x‖² + ‖y‖²)/2, γ_d = d·u/(1 − d·u) (Higham, Accuracy and Stability of
  // Numerical Algorithms, §3.1), doubled by the factor 2 in front of xᵀy. The band adds a safety factor of 2.
  // So |float32 distance − exact| ≤ band·(‖x̃ᵢ‖² + ‖ỹⱼ‖²) for every pair.
  const gamma = (d * U32) / (1 - d * U32);
  return { x: sx, y: y === x ? sx : side(y), band: 2 * (gamma + 4 * U32 + 1e-12), block };
}

/**
 * centred = rows − shift rounded to float32, norms = their squared norms (of the rounded values, in float64);
 * returns the largest norm. (A function of its own so that V8 optimises the loop for the array types it sees.)
 */
function centreRows(
  data: Float32Array | Float64Array,
  n: number,
  d: number,
  shift: Float64Array,
  centred: Float32Array,
  norms: Float64Array,
): number {
  let maxNorm = 0;
  for (let r = 0; r < n; r++) {
    const o = r * d;
    let s = 0;
    for (let j = 0; j < d; j++) {
      const v = Math.fround(data[o + j] - shift[j]);
      centred[o + j] = v;
      s += v * v;
    }
    norms[r] = s;
    if (s > maxNorm) maxNorm = s;
  }
  return maxNorm;
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
 * [j0, j1) and the float32 products g = x̃ᵢᵀỹⱼ (row-major h × w, valid during the call), from which the caller
 * forms ‖x̃ᵢ‖² + ‖ỹⱼ‖² − 2gᵢⱼ inline; on the float64 path `g` is null and the caller uses {@link exactSq}. With
 * `upperOnly` (x = y) only blocks with j0 ≥ i0 are visited, each column's diagonal block listed first (with two
 * threads the order is only close to that).
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
  const blocks: ProductBlock[] = [];
  for (let j0 = 0; j0 < y.m.n; j0 += block) {
    const j1 = Math.min(y.m.n, j0 + block);
    // The diagonal block first: it gives the column rows their first nearest lists, so the filter of the blocks
    // above it has finite thresholds on both sides. It is cut into a grid of smaller blocks of which only those on
    // and above the diagonal are computed (10 of 16: 5/8 of its products instead of all).
    if (upperOnly) {
      const sub = Math.max(1, Math.ceil(block / DIAGONAL_SPLIT));
      for (let s0 = j0; s0 < j1; s0 += sub) {
        const s1 = Math.min(j1, s0 + sub);
        for (let r0 = s0; r0 >= j0; r0 -= sub) blocks.push({ i0: r0, i1: Math.min(s1, r0 + sub), j0: s0, j1: s1 });
      }
    }
    for (let i0 = 0; i0 < (upperOnly ? j0 : x.m.n); i0 += block) blocks.push({ i0, i1: Math.min(x.m.n, i0 + block), j0, j1 });
  }
  if (xc === null || yc === null) {
    for (const b of blocks) visit(b.i0, b.i1, b.j0, b.j1, null);
    return;
  }
  if (ownGemm()) {
    // Whole blocks on both threads at once, each visited while the worker computes the next.
    const xm = { data: xc, rows: x.m.n, cols: d };
    const ym = xc === yc ? xm : { data: yc, rows: y.m.n, cols: d };
    forEachProductBlock(xm, ym, blocks, (b, g) => visit(b.i0, b.i1, b.j0, b.j1, g));
    return;
  }
  for (const b of blocks) {
    // transposeB: no copy on backends with a strided GEMM
    const g = download(
      tf.tidy(() =>
        tf.matMul(tf.tensor2d(xc.subarray(b.i0 * d, b.i1 * d), [b.i1 - b.i0, d]), tf.tensor2d(yc.subarray(b.j0 * d, b.j1 * d), [b.j1 - b.j0, d]), false, true),
      ),
    );
    visit(b.i0, b.i1, b.j0, b.j1, g);
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
  const n = side.m.n;
  const keep = side.norms === null ? k + 1 : Math.min(n, k + 1 + EXTRA_CANDIDATES);
  const best = new NearestCandidates(n, keep);
  if (side.norms === null) {
    const m = side.m;
    forEachBlock(engine, true, (i0, i1, j0, j1) => {
      for (let i = i0; i < i1; i++) {
        // Diagonal blocks visit each unordered pair once (j ≥ i).
        for (let j = i0 === j0 ? i : j0; j < j1; j++) best.offerPair(i, j, exactSq(m, i, m, j));
      }
    });
    const out = new Float64Array(n);
    for (let r = 0; r < n; r++) out[r] = best.vals[r * keep + k];
    return out;
  }
  const norms = side.norms;
  const worst = best.worst;
  const filters = new DistanceFilters(engine.block, engine.block);
  forEachBlock(engine, true, (i0, i1, j0, j1, g) => {
    const gv = g as Float32Array;
    const h = i1 - i0;
    const w = j1 - j0;
    filters.setBlock(gv, h, w, norms.subarray(j0, j1));
    const rowNorm = norms.subarray(i0, i1);
    const rowWorst = worst.subarray(i0, i1);
    const colWorst = worst.subarray(j0, j1);
    // In stripes of rows, so the filter sees thresholds this block has already tightened (a diagonal block starts
    // with empty lists: filtered whole, every one of its distances would pass).
    for (let r0 = 0; r0 < h; r0 += FILTER_STRIPE) {
      const hits = filters.near(r0, Math.min(h, r0 + FILTER_STRIPE), rowNorm, rowWorst, colWorst, i0 === j0);
      // In row-major order, as a plain loop over the block would offer them; offerPair re-checks each against the
      // lists as they are now.
      for (let t = 0; t < hits.length; t++) {
        const flat = hits[t];
        const r = (flat / w) | 0;
        const i = i0 + r;
        const j = j0 + flat - r * w;
        const v = norms[i] + norms[j] - 2 * gv[flat];
        best.offerPair(i, j, v < 0 ? 0 : v);
      }
    }
  });
  return exactKth(side, best, k, pair.band);
}

/**
 * The exact (k+1)-th smallest distance of each row from its float32 candidates. Each float32 distance a is within
 * t = band·(‖x̃ᵣ‖² + ‖x̃_c‖²) of the exact one, and every column not kept has a ≥ the row's last kept value.
 * - When the interval [a − t, a + t] of the k-th candidate overlaps no other, it is the k-th exactly and only it is
 *   recomputed (in 2048-D, most rows).
 * - Otherwise U, the (k+1)-th smallest upper end a + t, bounds the answer from above, so only candidates whose
 *   interval starts at or below U are recomputed; the answer is the k-th of those, provided no column outside the
 *   kept ones can be below it — else the whole row is recomputed.
 */
function exactKth(side: DistanceSide, best: NearestCandidates, k: number, band: number): Float64Array {
  const { m } = side;
  const norms = side.norms as Float64Array;
  const { vals, idx, keep } = best;
  const n = m.n;
  const out = new Float64Array(n);
  const upper = new Float64Array(keep);
  const exactVals: number[] = [];
  for (let r = 0; r < n; r++) {
    const o = r * keep;
    const tol = (c: number): number => band * (norms[r] + norms[idx[o + c]]);
    // Columns never kept are at least this far, exactly.
    const outsideLow = keep < n ? vals[o + keep - 1] - band * (norms[r] + side.maxNorm) : Infinity;
    const lo = vals[o + k] - tol(k);
    const hi = vals[o + k] + tol(k);
    let isolated = outsideLow > hi;
    for (let c = 0; c < keep && isolated; c++) {
      if (c < k) isolated = vals[o + c] + tol(c) < lo;
      else if (c > k) isolated = vals[o + c] - tol(c) > hi;
    }
    if (isolated) {
      out[r] = exactSq(m, r, m, idx[o + k]);
      continue;
    }
    for (let c = 0; c < keep; c++) upper[c] = vals[o + c] + tol(c);
    const bound = upper.sort()[k];
    exactVals.length = 0;
    for (let c = 0; c < keep; c++) if (vals[o + c] - tol(c) <= bound) exactVals.push(exactSq(m, r, m, idx[o + c]));
    exactVals.sort((p, q) => p - q);
    out[r] = exactVals[k] <= outsideLow ? exactVals[k] : kthOfRow(m, r, k);
  }
  return out;
}

/** The (k+1)-th smallest exact distance from row r to every row of m (self included, at 0). */
function kthOfRow(m: FeatureMatrix, r: number, k: number): number {
  const all = new Float64Array(m.n);
  for (let j = 0; j < m.n; j++) all[j] = exactSq(m, r, m, j);
  return all.sort()[k];
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
  const record = (i: number, j: number, v: number): void => {
    if (strict ? v < rx[i] : v <= rx[i]) {
      yInXBalls[j]++;
      xBallHasY[i] = 1;
    }
    if (strict ? v < ry[j] : v <= ry[j]) xInYBalls[i] = 1;
  };
  const xn = x.norms;
  const yn = y.norms;
  if (xn === null || yn === null) {
    forEachBlock(engine, false, (i0, i1, j0, j1) => {
      for (let i = i0; i < i1; i++) for (let j = j0; j < j1; j++) record(i, j, exactSq(x.m, i, y.m, j));
    });
    return { yInXBalls, xInYBalls, xBallHasY };
  }
  // v − t, the float32 distance less its error bound t = band·(‖x̃ᵢ‖² + ‖ỹⱼ‖²), is (xnᵢ − band·xnᵢ) + (ynⱼ − band·ynⱼ) − 2g.
  const low = (norms: Float64Array): Float64Array => norms.map((v) => v - band * v);
  const xLow = low(xn);
  const yLow = low(yn);
  const filters = new DistanceFilters(engine.block, engine.block);
  forEachBlock(engine, false, (i0, i1, j0, j1, g) => {
    const gv = g as Float32Array;
    const w = j1 - j0;
    // Pairs far outside both balls — nearly all — are dropped by the filter without exact arithmetic.
    const hits = filters.cross(
      gv, i1 - i0, w, xLow.subarray(i0, i1), rx.subarray(i0, i1), yLow.subarray(j0, j1), ry.subarray(j0, j1),
    );
    for (let t = 0; t < hits.length; t++) {
      const flat = hits[t];
      const r = (flat / w) | 0;
      const i = i0 + r;
      const j = j0 + flat - r * w;
      const v = xn[i] + yn[j] - 2 * gv[flat];
      const tol = band * (xn[i] + yn[j]);
      record(i, j, Math.abs(v - rx[i]) <= tol || Math.abs(v - ry[j]) <= tol ? exactSq(x.m, i, y.m, j) : v);
    }
  });
  return { yInXBalls, xInYBalls, xBallHasY };
}
