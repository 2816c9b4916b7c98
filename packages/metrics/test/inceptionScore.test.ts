import { describe, expect, it } from 'vitest';
import { expectClose } from '@scorekit/test-utils';
import { inceptionScore } from '../src/index.js';
import { reference } from './referenceData.js';

describe('inceptionScore', () => {
  it('matches the reference definition (improved-gan inception_score.py) on the issue example', () => {
    // exp of a mean of a few logs in float64: agreement to 1e-12.
    expectClose(inceptionScore(reference.inception.p, { splits: 1 }).mean, 1.28105369797913, 1e-12);
  });

  it('contiguous splits, std with ddof 0 by default and ddof 1 on request (with a zero probability)', () => {
    const { q, mean3, std3, std3_ddof1 } = reference.inception;
    const r = inceptionScore(q, { splits: 3 });
    expectClose(r.mean, mean3, 1e-12);
    expectClose(r.std, std3, 1e-12);
    expectClose(inceptionScore(q, { splits: 3, ddof: 1 }).std, std3_ddof1, 1e-12);
  });

  it('closed forms: identical predictions give 1, confident predictions spread evenly over C classes give C', () => {
    const same = Array.from({ length: 6 }, () => [0.2, 0.5, 0.3]);
    expectClose(inceptionScore(same, { splits: 2 }).mean, 1, 1e-12);
    const oneHot = Array.from({ length: 8 }, (_, i) => [0, 1, 2, 3].map((c) => (c === i % 4 ? 1 : 0)));
    const r = inceptionScore(oneHot, { splits: 2 });
    expectClose(r.mean, 4, 1e-12);
    expectClose(r.std, 0, 1e-12);
  });

  it('rejects logits and too few rows, saying what is expected', () => {
    expect(() => inceptionScore([[2, -1, 0.5]], { splits: 1 })).toThrow(/probabilities must be ≥ 0 \(pass softmax outputs\)/);
    expect(() => inceptionScore([[0.5, 0.6]], { splits: 1 })).toThrow(/row 0 sums to 1.1.*softmax outputs, not logits/);
    expect(() => inceptionScore(reference.inception.p)).toThrow(/at least splits = 10 rows; got 4/);
    expect(() => inceptionScore(reference.inception.p, { splits: 2, ddof: 2 as never })).toThrow(/ddof must be one of 0, 1/);
  });
});
