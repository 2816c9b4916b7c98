import type { FeatureInput } from './FeatureInput.js';
import { pairedCosines } from './internal/pairedCosines.js';
import { positiveOption } from './internal/options.js';

/** The mergeable form of the CLIP score: pair count, Σ cos and Σ max(cos, 0) over image–text pairs, float64. */
export interface ClipScoreSums {
  readonly n: number;
  readonly sumCos: number;
  readonly sumClipped: number;
}

/**
 * Sums of the cosine similarities of paired image and text embeddings (row i of each belong together).
 *
 * @example
 * const shard = clipScoreSums(imageEmbeddings, textEmbeddings);
 */
export function clipScoreSums(images: FeatureInput, texts: FeatureInput): ClipScoreSums {
  const cosines = pairedCosines(images, texts);
  let sumCos = 0;
  let sumClipped = 0;
  for (const c of cosines) {
    sumCos += c;
    sumClipped += Math.max(c, 0);
  }
  return { n: cosines.length, sumCos, sumClipped };
}

/**
 * Adds the sums of several shards.
 *
 * @example
 * clipScoreFromSums(mergeClipScoreSums([a, b]));
 */
export function mergeClipScoreSums(shards: readonly ClipScoreSums[]): ClipScoreSums {
  if (shards.length === 0) throw new Error('mergeClipScoreSums needs at least one shard; got none');
  return shards.reduce((a, b) => ({ n: a.n + b.n, sumCos: a.sumCos + b.sumCos, sumClipped: a.sumClipped + b.sumClipped }));
}

/**
 * The CLIP score from sums, in both of {@link clipScore}'s styles: `clip` (torchmetrics, 100 · max(mean cos, 0))
 * and `clipHessel` (mean of w · max(cos, 0), w = 2.5 by default).
 *
 * @example
 * clipScoreFromSums(sums); // { clip: 31.2, clipHessel: 0.78 }
 */
export function clipScoreFromSums(sums: ClipScoreSums, options: { readonly w?: number } = {}): { clip: number; clipHessel: number } {
  const w = positiveOption(options.w, 2.5, 'w');
  if (!(sums.n >= 1)) throw new Error(`CLIP score sums must hold at least one pair; got n = ${sums.n}`);
  return { clip: 100 * Math.max(sums.sumCos / sums.n, 0), clipHessel: (w * sums.sumClipped) / sums.n };
}
