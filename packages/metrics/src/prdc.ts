import type { FeatureInput } from './FeatureInput.js';
import { manifoldCounts } from './internal/manifolds.js';
import type { MatmulPrecision } from './MatmulPrecision.js';

export interface PrdcOptions {
  /** Neighbourhood size (k-th nearest neighbour, self excluded). Default 5, as in prdc's README. */
  readonly k?: number;
  /** How the distance products run; see {@link MatmulPrecision}. Comparisons are exact either way. */
  readonly matmul?: MatmulPrecision;
}

export interface Prdc {
  /** Fraction of fake samples inside some real ball. */
  readonly precision: number;
  /** Fraction of real samples inside some fake ball. */
  readonly recall: number;
  /** Mean over fake samples of (number of real balls containing it) / k; unbounded, ≈ 1 for matching sets. */
  readonly density: number;
  /** Fraction of real samples whose own ball contains some fake sample; in [0, 1]. */
  readonly coverage: number;
}

/**
 * Precision, recall, density and coverage as clovaai's prdc computes them (Naeem et al. 2020, `prdc.py
 * compute_prdc`): k-NN balls as in {@link precisionRecall} but "inside" is a strict `<`. Both sets need more
 * than k samples and equal dimension.
 *
 * @example
 * const { density, coverage } = prdc(realFeatures, fakeFeatures, { k: 5 });
 */
export function prdc(real: FeatureInput, fake: FeatureInput, options: PrdcOptions = {}): Prdc {
  const c = manifoldCounts(real, fake, options, 5, true);
  let inside = 0;
  let balls = 0;
  for (const v of c.yInXBalls) {
    if (v > 0) inside++;
    balls += v;
  }
  let recalled = 0;
  for (const v of c.xInYBalls) recalled += v;
  let covered = 0;
  for (const v of c.xBallHasY) covered += v;
  return {
    precision: inside / c.nFake,
    recall: recalled / c.nReal,
    density: balls / (c.k * c.nFake),
    coverage: covered / c.nReal,
  };
}
