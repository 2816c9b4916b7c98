import type { FeatureInput } from './FeatureInput.js';
import { toFeatureMatrix } from './internal/featureMatrix.js';
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
  const a = toFeatureMatrix(images, 'images');
  const b = toFeatureMatrix(texts, 'texts');
  if (a.n !== b.n || a.d !== b.d) {
    throw new Error(
      `images and texts must be paired embeddings of equal shape; got [${a.n}, ${a.d}] and [${b.n}, ${b.d}]`,
    );
  }
  let sumCos = 0;
  let sumClipped = 0;
  for (let i = 0; i < a.n; i++) {
    let dot = 0;
    let na = 0;
    let nb = 0;
    for (let j = 0; j < a.d; j++) {
      const u = a.data[i * a.d + j];
      const v = b.data[i * a.d + j];
      dot += u * v;
      na += u * u;
      nb += v * v;
    }
    if (na === 0 || nb === 0) {
      throw new Error(`${na === 0 ? 'images' : 'texts'} row ${i} is all zeros; a cosine needs non-zero embeddings`);
    }
    const cos = dot / Math.sqrt(na * nb);
    sumCos += cos;
    sumClipped += Math.max(cos, 0);
  }
  return style === 'torchmetrics' ? 100 * Math.max(sumCos / a.n, 0) : (w * sumClipped) / a.n;
}
