import type { FeatureInput } from './FeatureInput.js';
import type { InceptionScore } from './inceptionScore.js';
import { checkProbabilities } from './internal/probabilities.js';
import { toFeatureMatrix } from './internal/featureMatrix.js';
import { choiceOption } from './internal/options.js';

/**
 * The mergeable form of the Inception Score over one group of samples: n, Σₓ p(y|x) per class and
 * Σₓ Σ_y p log p. Then Σₓ KL(p(y|x) ‖ p(y)) = Σ p log p − Σ_y (Σₓ p(y|x)) log p(y) with p(y) = Σₓ p(y|x) / n,
 * so the score of a group is exact from its sums, and groups add.
 */
export interface InceptionScoreSums {
  readonly n: number;
  readonly classes: number;
  readonly sumP: Float64Array;
  readonly sumPLogP: number;
}

/**
 * Sums of class probabilities (n × classes, rows summing to 1, as {@link inceptionScore} takes them).
 *
 * @example
 * const shard = inceptionScoreSums(tf.softmax(logits));
 */
export function inceptionScoreSums(probabilities: FeatureInput): InceptionScoreSums {
  const p = toFeatureMatrix(probabilities, 'probabilities');
  checkProbabilities(p);
  const { n, d: c, data } = p;
  const sumP = new Float64Array(c);
  let sumPLogP = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < c; j++) {
      const v = data[i * c + j];
      sumP[j] += v;
      if (v > 0) sumPLogP += v * Math.log(v); // 0·log 0 counts as 0, as in inceptionScore
    }
  }
  return { n, classes: c, sumP, sumPLogP };
}

/**
 * Adds the sums of several groups of samples (e.g. shards) into one.
 *
 * @example
 * inceptionScoreFromSums([mergeInceptionScoreSums(shards)]); // IS of all samples, one split
 */
export function mergeInceptionScoreSums(groups: readonly InceptionScoreSums[]): InceptionScoreSums {
  checkGroups(groups);
  const sumP = new Float64Array(groups[0].classes);
  let n = 0;
  let sumPLogP = 0;
  for (const g of groups) {
    n += g.n;
    sumPLogP += g.sumPLogP;
    for (let j = 0; j < sumP.length; j++) sumP[j] += g.sumP[j];
  }
  return { n, classes: sumP.length, sumP, sumPLogP };
}

/**
 * Inception Score with each group as one split: exp(mean KL) per group, then mean and std (ddof 0 by default)
 * over groups. With the groups the contiguous splits of {@link inceptionScore} this equals it; with shards of
 * equal size as groups, each shard is a split; merge first for one split over everything.
 *
 * @example
 * inceptionScoreFromSums(shards);                              // one split per shard
 * inceptionScoreFromSums([mergeInceptionScoreSums(shards)]);   // one split
 */
export function inceptionScoreFromSums(groups: readonly InceptionScoreSums[], options: { readonly ddof?: 0 | 1 } = {}): InceptionScore {
  const ddof = choiceOption(options.ddof, 0, 'ddof', [0, 1] as const);
  checkGroups(groups);
  if (ddof === 1 && groups.length < 2) throw new Error('ddof 1 needs at least 2 groups');
  const scores = groups.map((g) => {
    if (g.n < 1) throw new Error('every group needs at least one sample');
    let cross = 0;
    for (const s of g.sumP) if (s > 0) cross += s * Math.log(s / g.n);
    return Math.exp((g.sumPLogP - cross) / g.n);
  });
  const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
  const sq = scores.reduce((a, v) => a + (v - mean) ** 2, 0);
  return { mean, std: Math.sqrt(sq / (scores.length - ddof)) };
}

function checkGroups(groups: readonly InceptionScoreSums[]): void {
  if (groups.length === 0) throw new Error('Inception Score sums: need at least one group; got none');
  const c = groups[0].classes;
  const bad = groups.findIndex((g) => g.classes !== c);
  if (bad >= 0) throw new Error(`every group must have the same number of classes; group 0 has ${c}, group ${bad} has ${groups[bad].classes}`);
}
