import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import nodePath from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@scorekit/core';
import { saveTensors } from '@scorekit/core/node';
import { VeSde, VpSde } from '@scorekit/sde';
import { describeOnBackends, expectAllClose } from '@scorekit/test-utils';
import { afterAll, expect, it } from 'vitest';
import { createNoisyClassifier, decodeNoisyClassifier } from '../src/index.js';
import { saveNoisyClassifier } from '../src/node.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describeOnBackends('decodeNoisyClassifier (the browser-safe reader)', () => {
  it('rebuilds a saved classifier from its two files’ contents: the same log-probabilities; misfits named at once', async () => {
    const sde = new VpSde();
    const classifier = createNoisyClassifier({ name: 'mlp', sde, numClasses: 3, dataShape: [2], width: 8, depth: 2, seed: 3 });
    const dir = mkdtempSync(nodePath.join(tmpdir(), 'scorekit-decode-'));
    dirs.push(dir);
    await saveNoisyClassifier(classifier, nodePath.join(dir, 'clf'));
    const manifest = JSON.parse(readFileSync(nodePath.join(dir, 'clf', 'config.json'), 'utf8')) as unknown;
    const bytes = new Uint8Array(readFileSync(nodePath.join(dir, 'clf', 'weights.safetensors')));
    const before = tf.memory().numTensors;
    const decoded = decodeNoisyClassifier(manifest, bytes, { sde: new VpSde(), dataShape: [2], numClasses: 3 });
    // Only its variables stay (the decoded weight tensors are freed).
    expect(tf.memory().numTensors - before).toBe(decoded.variables.length);
    const x = new Rng(5).normal([6, 2]);
    // The same weights and the same ops: identical numbers.
    const [got, want] = [decoded.logProbs(x, 0.3), classifier.logProbs(x, 0.3)];
    expectAllClose(got, want, 0, 0);
    // A folder saved before `name` holds the architecture under `kind`: it decodes to the same classifier.
    const { name, ...rest } = (manifest as { config: Record<string, unknown> }).config;
    expect(name).toBe('mlp');
    const old = decodeNoisyClassifier({ ...(manifest as object), config: { kind: name, ...rest } }, bytes, { sde: new VpSde(), dataShape: [2], numClasses: 3 });
    expect(old.config).toEqual(decoded.config);
    const fromOld = old.logProbs(x, 0.3);
    expectAllClose(fromOld, want, 0, 0);
    tf.dispose([got, want, fromOld]);
    old.dispose();
    decoded.dispose();
    expect(() => decodeNoisyClassifier(manifest, bytes, { sde: new VeSde(), dataShape: [28, 28, 1], numClasses: 10, source: 'runs/a/classifier/' })).toThrow(
      "runs/a/classifier/ does not fit: it was trained for another SDE (classifier vs model: SDE 'vp' vs 've'); it classifies samples of shape [2], the model makes [28, 28, 1]; it has 3 classes, 10 were expected",
    );
    expect(() => decodeNoisyClassifier({ format: 'scorekit-classifier', version: 1 }, bytes)).toThrow(
      "Cannot read noisy classifier: its config.json must have format 'scorekit-noisy-classifier' version 1 and a config; got format \"scorekit-classifier\" version 1",
    );
    // Weights that do not fit the config: a missing, a reshaped and an extra one, all named.
    const names = classifier.variables.map((v) => v.name);
    const wrong: tf.NamedTensorMap = {};
    classifier.variables.slice(1).forEach((v, i) => (wrong[v.name] = i === 0 ? tf.zeros([1, 1]) : v.variable));
    wrong.extra = tf.zeros([2]);
    await saveTensors(nodePath.join(dir, 'wrong.safetensors'), wrong);
    const wrongBytes = new Uint8Array(readFileSync(nodePath.join(dir, 'wrong.safetensors')));
    expect(() => decodeNoisyClassifier(manifest, wrongBytes)).toThrow(new RegExp(`weights do not match its config: ${names[0]} \\[.*\\] missing; ${names[1]} \\[.*\\] saved as \\[1,1\\]; unexpected weight 'extra'`));
    // A damaged file is refused by core's decoder, naming the source.
    expect(() => decodeNoisyClassifier(manifest, bytes.slice(0, 40), { source: 'clf/' })).toThrow(/clf\/ weights\.safetensors/);
    tf.dispose([x, wrong[names[1]!]!, wrong.extra!]);
    // Nothing left behind by the refused decodes either.
    expect(tf.memory().numTensors).toBe(before);
    classifier.dispose();
  });
}, ['cpu']);
