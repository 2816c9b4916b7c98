import { ConfigError } from '@scorekit/core';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { createExtractor, extractorNames, extractorRegistry, identityExtractor, registerExtractor } from '../src/index.js';

it("identity's config with three mistakes gives three issues, each with its path and what is allowed", async () => {
  let error: unknown;
  try {
    await createExtractor('identity', { dim: 0, width: 2, depth: 3 });
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).issues).toEqual([
    { path: 'dim', problem: 'must be an integer ≥ 1; got 0', allowed: 'an integer ≥ 1' },
    { path: 'width', problem: 'is not an option (allowed: dim)', allowed: 'dim' },
    { path: 'depth', problem: 'is not an option (allowed: dim)', allowed: 'dim' },
  ]);
  expect(extractorRegistry.resolve({ name: 'identity', dim: 2.5 })).toEqual({ ok: false, issues: [expect.objectContaining({ path: 'dim', allowed: 'an integer ≥ 1' })] });
});

it('an unknown name is a ConfigError listing the registered ones', async () => {
  const error = await createExtractor('inception-v9', {}).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).issues).toEqual([expect.objectContaining({ path: 'name', allowed: extractorNames().join(', ') })]);
});

it('the registry builds the same extractor as createExtractor; kinds registered without a spec get their config as given', async () => {
  const images = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
  const direct = await identityExtractor({ dim: 3 }).extract(images);
  const viaRegistry = await (await extractorRegistry.create({ name: 'identity', dim: 3 })).extract(images);
  expect(Array.from(viaRegistry.data)).toEqual(Array.from(direct.data));
  expect(Array.from(direct.data)).toEqual([1, 2, 3, 4, 5, 6]);
  const seen: unknown[] = [];
  registerExtractor('recording', (c: { dim: number; label?: string }) => (seen.push(c), identityExtractor({ dim: c.dim })));
  expect((await createExtractor('recording', { dim: 3, label: 'in reports' })).outputDim).toBe(3);
  // The registry's `{ name, ...options }` form carries the label too: `name` is the extractor, `label` its label.
  expect((await extractorRegistry.create({ name: 'recording', dim: 2, label: 'mine' })).outputDim).toBe(2);
  expect(seen).toEqual([{ dim: 3, label: 'in reports' }, { dim: 2, label: 'mine' }]);
  images.dispose();
});
