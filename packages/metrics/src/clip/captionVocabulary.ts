/** The token of words outside the vocabulary; index 0 of every {@link captionVocabulary}. */
export const UNKNOWN_WORD = '<unk>';

/**
 * Splits a caption into lower-case words (runs of letters and digits): `'A photo of a T-shirt/top'` →
 * `['a', 'photo', 'of', 'a', 't', 'shirt', 'top']`.
 *
 * @example
 * captionWords('an ankle boot'); // ['an', 'ankle', 'boot']
 */
export function captionWords(caption: string): string[] {
  if (typeof caption !== 'string') throw new Error(`a caption must be a string; got ${typeof caption}`);
  return caption.toLowerCase().match(/[a-z0-9]+/g) ?? [];
}

/**
 * The fixed word vocabulary of a set of captions: `<unk>` then every word that occurs, sorted, so the same
 * captions always give the same indices. scorekit's dual encoder stores it with its weights.
 *
 * @example
 * captionVocabulary(['a photo of a bag']); // ['<unk>', 'a', 'bag', 'of', 'photo']
 */
export function captionVocabulary(captions: readonly string[]): string[] {
  const words = new Set<string>();
  for (const c of captions) for (const w of captionWords(c)) words.add(w);
  return [UNKNOWN_WORD, ...[...words].sort()];
}

/**
 * Bag-of-words rows of captions over a vocabulary: row i holds, for each word, its count in caption i divided by
 * the caption's length (so the text tower sees the mean word embedding). Unknown words count as `<unk>`.
 *
 * @example
 * bagOfWords(['a bag'], ['<unk>', 'a', 'bag']); // Float32Array [0, 0.5, 0.5]
 */
export function bagOfWords(captions: readonly string[], vocabulary: readonly string[]): Float32Array {
  const index = new Map(vocabulary.map((w, i) => [w, i]));
  const v = vocabulary.length;
  const out = new Float32Array(captions.length * v);
  captions.forEach((c, i) => {
    const words = captionWords(c);
    if (words.length === 0) throw new Error(`caption ${i} (${JSON.stringify(c)}) has no words`);
    for (const w of words) out[i * v + (index.get(w) ?? 0)] += 1 / words.length;
  });
  return out;
}
