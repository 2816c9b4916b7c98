// The file-reading extractor kinds live behind the Node-only entry: the main entry alone knows only `identity`, and
// says where the others come from; importing `@scorekit/metrics/node` registers them.
import { expect, it } from 'vitest';
import { createExtractor, extractorNames } from '../src/index.js';

it('the main entry registers identity only and names the Node entry for the file kinds', async () => {
  expect(extractorNames()).toEqual(['identity']);
  await expect(createExtractor('classifier', { path: 'x' })).rejects.toThrow(
    "unknown feature extractor 'classifier' ('classifier' reads files: import '@scorekit/metrics/node' to register it); registered: identity",
  );
  await expect(createExtractor('nope', {})).rejects.toThrow("unknown feature extractor 'nope'; registered: identity");
});

it('importing the Node entry registers tfjs-model, classifier and clip', async () => {
  await import('../src/node.js');
  expect(extractorNames()).toEqual(['identity', 'tfjs-model', 'classifier', 'clip']);
  await expect(createExtractor('classifier', {})).rejects.toThrow('classifier extractor needs { path: a folder written by saveClassifier }');
});
