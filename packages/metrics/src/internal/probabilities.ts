import type { FeatureMatrix } from './featureMatrix.js';

/** Throws unless every row is a probability vector (entries ≥ 0, summing to 1 ± 1e-3): softmax outputs, not logits. */
export function checkProbabilities(p: FeatureMatrix): void {
  const { n, d: c, data } = p;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < c; j++) {
      const v = data[i * c + j];
      if (v < 0) throw new Error(`probabilities[${i}][${j}] is ${v}; probabilities must be ≥ 0 (pass softmax outputs)`);
      s += v;
    }
    if (Math.abs(s - 1) > 1e-3) {
      throw new Error(`probabilities row ${i} sums to ${s}; each row must sum to 1 (± 1e-3): pass softmax outputs, not logits`);
    }
  }
}
