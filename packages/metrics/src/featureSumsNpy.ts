import { loadNpy, saveNpy } from '@scorekit/core/node';
import * as TE from 'fp-ts/lib/TaskEither.js';
import type { FeatureSums } from './featureSums.js';
import type { FeatureStatisticsFileError } from './featureStatisticsFile.js';

/**
 * Writes FID sums as one float64 `.npy` matrix M of (d + 1) × (d + 1), the sum over samples of [1, f][1, f]ᵀ:
 * M[0][0] = n, M[0][1:] = Σf, M[1:][1:] = Σffᵀ. Shards merge by adding their matrices, also in numpy
 * (`sum(np.load(p) for p in paths)`; then `n = M[0,0]`, `mu = M[0,1:] / n`). Written atomically.
 *
 * @example
 * await saveFeatureSumsNpy('fid-0.npy', featureSums(features))();
 */
export function saveFeatureSumsNpy(path: string, sums: FeatureSums): TE.TaskEither<FeatureStatisticsFileError, void> {
  const { n, d } = sums;
  const m = new Float64Array((d + 1) * (d + 1));
  m[0] = n;
  for (let j = 0; j < d; j++) {
    m[j + 1] = sums.sum[j];
    m[(j + 1) * (d + 1)] = sums.sum[j];
    for (let k = 0; k < d; k++) m[(j + 1) * (d + 1) + k + 1] = sums.sumOuter[j * d + k];
  }
  return TE.tryCatch(
    () => saveNpy(path, m, [d + 1, d + 1], 'float64'),
    (e) => ({ kind: 'write' as const, path, problems: [(e as Error).message] }),
  );
}

/**
 * Reads FID sums written by {@link saveFeatureSumsNpy} (or by numpy in that layout); the matrix must be float64,
 * square, at least 2 × 2, with a positive integer n in its corner and a symmetric first row and column.
 *
 * @example
 * const shard = await loadFeatureSumsNpy('fid-0.npy')(); // Either<FeatureStatisticsFileError, FeatureSums>
 */
export function loadFeatureSumsNpy(path: string): TE.TaskEither<FeatureStatisticsFileError, FeatureSums> {
  return TE.tryCatchK(
    async () => {
      const a = await loadNpy(path);
      const [rows, cols] = a.shape;
      if (a.dtype !== 'float64') throw new Error(`must be float64 (exact sums); got ${a.dtype}`);
      if (a.shape.length !== 2 || rows !== cols || rows! < 2) throw new Error(`must be a square (d + 1) × (d + 1) matrix with d ≥ 1; got shape [${a.shape.join(', ')}]`);
      const m = a.data as Float64Array;
      const d = rows! - 1;
      const n = m[0]!;
      if (!Number.isInteger(n) || n < 1) throw new Error(`M[0][0] must be the sample count n, an integer ≥ 1; got ${n}`);
      const sum = new Float64Array(d);
      const sumOuter = new Float64Array(d * d);
      for (let j = 0; j < d; j++) {
        sum[j] = m[j + 1]!;
        if (m[(j + 1) * (d + 1)] !== sum[j]) throw new Error(`M[0][${j + 1}] and M[${j + 1}][0] must both be Σf[${j}]; got ${sum[j]} and ${m[(j + 1) * (d + 1)]}`);
        for (let k = 0; k < d; k++) sumOuter[j * d + k] = m[(j + 1) * (d + 1) + k + 1]!;
      }
      const bad = m.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) throw new Error(`entry ${bad} is ${m[bad]}; sums must be finite`);
      return { n, d, sum, sumOuter };
    },
    (e) => ({ kind: 'read' as const, path, problems: [(e as Error).message] }),
  )();
}
