import type { ExtractedFeatures, ExtractOptions, ImageSource } from '../extractors/FeatureExtractor.js';

/**
 * A CLIP-style dual encoder: images and texts into one embedding space, where matching pairs have a high cosine.
 * scorekit's small one ({@link trainDualEncoder}) implements it, and so can an external CLIP converted to
 * TensorFlow.js (image tower through {@link loadTfjsModelExtractor}, text tower plus its tokenizer). Embeddings
 * come back as n × embedDim rows, ready for {@link clipScore}.
 *
 * @example
 * const img = await encoder.encodeImages(samples);
 * const txt = await encoder.encodeTexts(samples.map(() => 'a photo of a sneaker'));
 * console.log(clipScore(img, txt));
 */
export interface DualEncoder {
  readonly name: string;
  readonly embedDim: number;
  encodeImages(images: ImageSource, options?: ExtractOptions): Promise<ExtractedFeatures>;
  encodeTexts(texts: readonly string[]): Promise<ExtractedFeatures>;
  dispose(): void;
}
