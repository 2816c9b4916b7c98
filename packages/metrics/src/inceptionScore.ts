import type { FeatureInput } from './FeatureInput.js';
import { toFeatureMatrix } from './internal/featureMatrix.js';
import { choiceOption, integerOption } from './internal/options.js';
import { checkProbabilities } from './internal/probabilities.js';

export interface InceptionScoreOptions {
  /** Number of contiguous splits (the original `inception_score.py` default). Default 10. */
  readonly splits?: number;
  /** Degrees of freedom of the std over splits: 0 (default, the original and clean-fid) or 1 (torchmetrics). */
  readonly ddof?: 0 | 1;
}

export interface InceptionScore {
  readonly mean: number;
  readonly std: number;
}

/**
 * Inception Score from class probabilities p(y|x) (n × classes, rows summing to 1): exp(E_x KL(p(y|x) ‖ p(y)))
 * per split, p(y) the split's mean, then mean and std over splits. Splits are contiguous, rows
 * ⌊i·n/splits⌋ … ⌊(i+1)·n/splits⌋ − 1 (openai/improved-gan `inception_score.py`); torchmetrics shuffles first
 * and uses ddof 1 — shuffle yourself and pass `ddof: 1` to match it. 0·log 0 counts as 0.
 *
 * @example
 * inceptionScore(tf.softmax(logits), { splits: 10 }); // { mean: 9.46, std: 0.11 } for a strong CIFAR-10 model
 */
export function inceptionScore(probabilities: FeatureInput, options: InceptionScoreOptions = {}): InceptionScore {
  const splits = integerOption(options.splits, 10, 'splits', 1);
  const ddof = choiceOption(options.ddof, 0, 'ddof', [0, 1] as const);
  const p = toFeatureMatrix(probabilities, 'probabilities');
  const { n, d: c, data } = p;
  if (n < splits) throw new Error(`probabilities needs at least splits = ${splits} rows; got ${n}`);
  if (ddof === 1 && splits < 2) throw new Error('ddof 1 needs splits ≥ 2');
  checkProbabilities(p);
  const scores = new Float64Array(splits);
  const marginal = new Float64Array(c);
  for (let k = 0; k < splits; k++) {
    const r0 = Math.floor((k * n) / splits);
    const r1 = Math.floor(((k + 1) * n) / splits);
    marginal.fill(0);
    for (let i = r0; i < r1; i++) for (let j = 0; j < c; j++) marginal[j] += data[i * c + j];
    for (let j = 0; j < c; j++) marginal[j] /= r1 - r0;
    let kl = 0;
    for (let i = r0; i < r1; i++) {
      for (let j = 0; j < c; j++) {
        const v = data[i * c + j];
        if (v > 0) kl += v * (Math.log(v) - Math.log(marginal[j]));
      }
    }
    scores[k] = Math.exp(kl / (r1 - r0));
  }
  let mean = 0;
  for (const v of scores) mean += v;
  mean /= splits;
  let sq = 0;
  for (const v of scores) sq += (v - mean) ** 2;
  return { mean, std: Math.sqrt(sq / (splits - ddof)) };
}
