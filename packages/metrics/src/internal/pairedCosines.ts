import type { FeatureInput } from '../FeatureInput.js';
import { toFeatureMatrix } from './featureMatrix.js';

/** Cosine similarity of row i of `images` with row i of `texts`, in float64; validates that they pair up. */
export function pairedCosines(images: FeatureInput, texts: FeatureInput): Float64Array {
  const a = toFeatureMatrix(images, 'images');
  const b = toFeatureMatrix(texts, 'texts');
  if (a.n !== b.n || a.d !== b.d) {
    throw new Error(
      `images and texts must be paired embeddings of equal shape; got [${a.n}, ${a.d}] and [${b.n}, ${b.d}]`,
    );
  }
  const out = new Float64Array(a.n);
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
    out[i] = dot / Math.sqrt(na * nb);
  }
  return out;
}
