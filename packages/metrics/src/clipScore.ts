import type { FeatureInput } from './FeatureInput.js';
import { pairedCosines } from './internal/pairedCosines.js';
import { choiceOption, positiveOption } from './internal/options.js';

export interface ClipScoreOptions {
  /**
   * `torchmetrics` (default): 100 · max(mean cosine, 0), the clamp after the mean (torchmetrics
   * `functional/multimodal/clip_score.py`). `hessel`: mean of w · max(cosine, 0) per pair (Hessel et al. 2021,
   * CLIPScore, w = 2.5).
   */
  readonly style?: 'torchmetrics' | 'hessel';
  /** The weight w of the `hessel` style. Default 2.5. */
  readonly w?: number;
}

/**
 * CLIP score of paired image and text embeddings (row i of each belong together), from their cosine
 * similarities computed in float64. Embeddings come from a CLIP-style dual encoder; see the README for converting
 * one to TensorFlow.js.
 *
 * @example
 * clipScore(imageEmbeddings, textEmbeddings);                     // torchmetrics, e.g. 31.2
 * clipScore(imageEmbeddings, textEmbeddings, { style: 'hessel' }); // e.g. 0.78
 */
export function clipScore(images: FeatureInput, texts: FeatureInput, options: ClipScoreOptions = {}): number {
  const style = choiceOption(options.style, 'torchmetrics', 'style', ['torchmetrics', 'hessel'] as const);
  const w = positiveOption(options.w, 2.5, 'w');
  const cosines = pairedCosines(images, texts);
  let sumCos = 0;
  let sumClipped = 0;
  for (const cos of cosines) {
    sumCos += cos;
    sumClipped += Math.max(cos, 0);
  }
  const n = cosines.length;
  return style === 'torchmetrics' ? 100 * Math.max(sumCos / n, 0) : (w * sumClipped) / n;
}
