import * as tf from '@tensorflow/tfjs-core';
import { describeOnBackends, expectNoTensorLeak } from '@scorekit/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  bagOfWords,
  captionVocabulary,
  captionWords,
  clipScore,
  createExtractor,
  trainDualEncoder,
  zeroShotClassify,
} from '../src/index.js';
import { loadDualEncoder, saveDualEncoder } from '../src/node.js';
import type { ScorekitDualEncoder } from '../src/index.js';
import { FASHION_CLASSES, fashionSlice, hasFashion } from './imageData.js';

describe('caption tokenisation over a fixed vocabulary', () => {
  it('splits into lower-case words, builds a sorted vocabulary after <unk>, and averages words into a bag', () => {
    expect(captionWords('A photo of a T-shirt/top')).toEqual(['a', 'photo', 'of', 'a', 't', 'shirt', 'top']);
    const vocabulary = captionVocabulary(['a photo of a bag', 'an ankle boot']);
    expect(vocabulary).toEqual(['<unk>', 'a', 'an', 'ankle', 'bag', 'boot', 'of', 'photo']);
    // "a bag of cats": a ×1, bag ×1, of ×1, cats unknown ×1 — each 1/4 of the caption.
    expect(Array.from(bagOfWords(['a bag of cats'], vocabulary))).toEqual([0.25, 0.25, 0, 0, 0.25, 0, 0.25, 0]);
    expect(() => bagOfWords(['!!'], vocabulary)).toThrow(/caption 0 \("!!"\) has no words/);
  });
});

// Trained once on wasm (conv training on tfjs's cpu backend is seconds per step), then evaluated on each backend.
describe.skipIf(!hasFashion)('scorekit dual encoder trained contrastively on Fashion-MNIST', () => {
  const train = hasFashion ? fashionSlice(2000, 0, 'train') : undefined;
  const test = hasFashion ? fashionSlice(300) : undefined;
  let encoder: ScorekitDualEncoder;
  const losses: number[] = [];
  beforeAll(async () => {
    const previous = tf.getBackend();
    await tf.setBackend('wasm');
    const t = train as NonNullable<typeof train>;
    encoder = await trainDualEncoder({ ...t, classNames: FASHION_CLASSES, steps: 120, batchSize: 64, seed: 3, onStep: (_, l) => losses.push(l) });
    await tf.setBackend(previous);
  });
  afterAll(() => encoder.dispose());

  it('the symmetric InfoNCE loss starts at or above ln(batch) = ln 64 ≈ 4.16 and falls', () => {
    // Untrained embeddings match no caption better than the others: at least ln 64 (measured 5.4, random cosines
    // times the initial scale 1/0.07). Duplicates of a class in a batch (≈ 6 per class) keep the floor near
    // ln 6 ≈ 1.8 (measured 2.2 after 120 steps), so "falls below 3" is a clear sign of learning.
    expect(losses[0]).toBeGreaterThan(3.5);
    expect(Math.min(...losses.slice(-10))).toBeLessThan(3);
  });

  it('save / load round trip gives identical image and text embeddings, also through createExtractor("clip")', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scorekit-clip-'));
    try {
      await saveDualEncoder(encoder, dir);
      const loaded = await loadDualEncoder(dir);
      const s = test as NonNullable<typeof test>;
      const images = tf.tensor4d(s.images.subarray(0, 20 * 784), [20, 28, 28, 1]);
      const captions = FASHION_CLASSES.map((k) => `a photo of a ${k}`);
      const before = await encoder.encodeImages(images);
      expect((await loaded.encodeImages(images)).data).toEqual(before.data);
      expect((await loaded.encodeTexts(captions)).data).toEqual((await encoder.encodeTexts(captions)).data);
      expect(loaded.logScale.dataSync()[0]).toBe(encoder.logScale.dataSync()[0]);
      loaded.dispose();
      const extractor = await createExtractor('clip', { path: dir });
      expect(extractor.outputDim).toBe(32);
      expect((await extractor.extract(images)).data).toEqual(before.data);
      extractor.dispose();
      images.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describeOnBackends('zero-shot and CLIP score', () => {
    it('zero-shot classification from captions beats chance (0.1) by at least 0.4 on 300 held-out images', async () => {
      const s = test as NonNullable<typeof test>;
      const images = tf.tensor4d(s.images, s.shape);
      const predicted = await zeroShotClassify(encoder, images, FASHION_CLASSES);
      images.dispose();
      let correct = 0;
      for (let i = 0; i < 300; i++) if (predicted[i] === s.labels[i]) correct++;
      // Measured 0.80 on both backends; the binomial sd at 0.8 on 300 images is 0.023, so 0.5 leaves room for
      // another seed while sitting 0.4 above chance.
      expect(correct / 300).toBeGreaterThan(0.5);
    });

    it('clipScore of matching captions exceeds that of mismatched ones; embeddings are unit rows; memory flat', async () => {
      const s = test as NonNullable<typeof test>;
      const images = tf.tensor4d(s.images.subarray(0, 100 * 784), [100, 28, 28, 1]);
      const img = await encoder.encodeImages(images, { batchSize: 32 });
      const captions = Array.from(s.labels.subarray(0, 100), (k) => `a photo of a ${FASHION_CLASSES[k]}`);
      const wrong = Array.from(s.labels.subarray(0, 100), (k) => `a photo of a ${FASHION_CLASSES[(k + 5) % 10]}`);
      const matching = clipScore(img, await encoder.encodeTexts(captions));
      const mismatched = clipScore(img, await encoder.encodeTexts(wrong));
      // CLIP scores are 100 · max(mean cosine, 0): measured 52.9 for matching captions and 0 (negative mean cosine,
      // clamped) for captions of another class; a 10-point margin is far below that gap.
      expect(matching).toBeGreaterThan(mismatched + 10);
      let norm = 0;
      for (let q = 0; q < encoder.embedDim; q++) norm += img.data[q] ** 2;
      expect(norm).toBeCloseTo(1, 5); // float32 normalisation
      await expectNoTensorLeak(() => encoder.encodeImages(images, { batchSize: 32 }));
      images.dispose();
    });
  });
});
