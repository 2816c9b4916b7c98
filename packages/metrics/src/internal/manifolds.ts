import { checkSameDim, toFeatureMatrix } from './featureMatrix.js';
import { MATMUL_PRECISIONS } from './gemm.js';
import type { MatmulPrecision } from './gemm.js';
import { crossCounts, distanceEngine, kthNeighbourSq } from './neighbourhoods.js';
import type { CrossCounts } from './neighbourhoods.js';
import { choiceOption, integerOption } from './options.js';
import type { FeatureInput } from '../FeatureInput.js';

/** Validates inputs, builds both k-NN manifolds and compares every real–fake pair with both radii. */
export function manifoldCounts(
  real: FeatureInput,
  fake: FeatureInput,
  options: { k?: number; matmul?: MatmulPrecision },
  defaultK: number,
  strict: boolean,
): CrossCounts & { k: number; nReal: number; nFake: number } {
  const k = integerOption(options.k, defaultK, 'k', 1);
  const precision = choiceOption(options.matmul, 'auto', 'matmul', MATMUL_PRECISIONS);
  const x = toFeatureMatrix(real, 'real');
  const y = toFeatureMatrix(fake, 'fake');
  checkSameDim(x, y, 'real', 'fake');
  for (const [name, m] of [
    ['real', x],
    ['fake', y],
  ] as const) {
    if (m.n <= k) {
      throw new Error(`${name} needs more than k = ${k} samples (a k-th neighbour other than itself); got ${m.n}`);
    }
  }
  const engine = distanceEngine(x, y, precision);
  const rx = kthNeighbourSq(engine, 'x', k);
  const ry = kthNeighbourSq(engine, 'y', k);
  return { ...crossCounts(engine, rx, ry, strict), k, nReal: x.n, nFake: y.n };
}
