import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describeOnBackends, expectAllClose, expectNoTensorLeak } from '@scorekit/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExtractor, extractorNames, fid, identityExtractor, registerExtractor } from '../src/index.js';
import { loadTfjsModelExtractor } from '../src/node.js';

const dir = mkdtempSync(join(tmpdir(), 'scorekit-extractors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes artifacts in the on-disk layout tensorflowjs_converter produces: model.json + one weight shard. */
function writeModel(folder: string, json: object, weights: ArrayBuffer): void {
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'model.json'), JSON.stringify(json));
  writeFileSync(join(folder, 'group1-shard1of1.bin'), new Uint8Array(weights));
}

let layersModel: tfl.LayersModel;
const layersPath = join(dir, 'small-cnn');
const graphPath = join(dir, 'graph');

beforeAll(async () => {
  const input = tfl.input({ shape: [4, 4, 1] });
  const flat = tfl.layers.flatten().apply(input);
  const hidden = tfl.layers.dense({ units: 5, activation: 'relu', name: 'hidden', kernelInitializer: 'glorotNormal' }).apply(flat);
  const out = tfl.layers.dense({ units: 3, name: 'out' }).apply(hidden) as tfl.SymbolicTensor;
  layersModel = tfl.model({ inputs: input, outputs: out });
  await layersModel.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const data = artifacts.weightData as ArrayBuffer;
      writeModel(
        layersPath,
        {
          format: 'layers-model',
          modelTopology: artifacts.modelTopology,
          weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: artifacts.weightSpecs }],
        },
        data,
      );
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  // A graph model written by hand in the converter's format: x [-1, 3] → MatMul(w) → Relu.
  const f = (name: string) => ({ type: 'DT_FLOAT', name });
  const graph = {
    format: 'graph-model',
    generatedBy: 'scorekit test',
    convertedBy: 'hand',
    modelTopology: {
      node: [
        { name: 'x', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: { dim: [{ size: '-1' }, { size: '3' }] } } } },
        {
          name: 'w',
          op: 'Const',
          attr: {
            dtype: { type: 'DT_FLOAT' },
            value: { tensor: { dtype: 'DT_FLOAT', tensorShape: { dim: [{ size: '3' }, { size: '2' }] } } },
          },
        },
        { name: 'mm', op: 'MatMul', input: ['x', 'w'], attr: { T: f('T'), transpose_a: { b: false }, transpose_b: { b: false } } },
        { name: 'out', op: 'Relu', input: ['mm'], attr: { T: f('T') } },
      ],
      versions: { producer: 1 },
    },
    weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: [{ name: 'w', shape: [3, 2], dtype: 'float32' }] }],
  };
  writeModel(graphPath, graph, new Float32Array([1, -1, 2, 0.5, -3, 1]).buffer);
});

describe('identityExtractor and the registry', () => {
  it('returns the samples themselves, batch by batch with progress', async () => {
    const x = tf.tensor2d([[1, 2], [3, 4], [5, 6], [7, 8], [9, 10], [11, 12], [13, 14]]);
    const progress: [number, number | undefined][] = [];
    const e = identityExtractor({ dim: 2 });
    const f = await e.extract(x, { batchSize: 3, onProgress: (i, n) => progress.push([i, n]) });
    expect(f.shape).toEqual([7, 2]);
    expect(Array.from(f.data)).toEqual(Array.from(x.dataSync()));
    expect(progress).toEqual([[3, 7], [6, 7], [7, 7]]);
    expect(e.name).toBe('identity:2');
    expect(fid(f, f)).toBeCloseTo(0, 10);
    await expectNoTensorLeak(() => e.extract(x, { batchSize: 2 }));
    x.dispose();
  });

  it('accepts an async iterable of batches (total unknown) and rejects a wrong size', async () => {
    async function* batches() {
      yield tf.tensor2d([[1, 2]]);
      yield tf.tensor2d([[3, 4], [5, 6]]);
    }
    const seen: (number | undefined)[] = [];
    const f = await identityExtractor({ dim: 2 }).extract(batches(), { onProgress: (_, n) => seen.push(n) });
    expect(Array.from(f.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(seen).toEqual([undefined, undefined]);
    await expect(identityExtractor({ dim: 3 }).extract(tf.zeros([2, 2]))).rejects.toThrow(/expected 3 features per image, got 2/);
  });

  it('creates registered kinds by name and lists them when a name is unknown', async () => {
    expect(extractorNames()).toEqual(expect.arrayContaining(['identity', 'tfjs-model']));
    await expect(createExtractor('inception', {})).rejects.toThrow(/unknown feature extractor 'inception'; registered: identity, tfjs-model/);
    registerExtractor('doubled', (c: { dim: number }) => identityExtractor({ dim: c.dim }));
    expect((await createExtractor('doubled', { dim: 4 })).outputDim).toBe(4);
  });
});

describeOnBackends('loadTfjsModelExtractor', () => {
  it('reads a named layer of a layers model from a local folder, equal to the model itself', async () => {
    const e = await createExtractor('tfjs-model', { path: layersPath, layer: 'hidden' });
    expect(e.outputDim).toBe(5);
    expect(e.name).toBe('tfjs-model:small-cnn/hidden');
    const labelled = await createExtractor('tfjs-model', { path: layersPath, layer: 'hidden', label: 'cnn' });
    expect(labelled.name).toBe('tfjs-model:cnn/hidden');
    labelled.dispose();
    const images = tf.randomUniform([5, 4, 4, 1], -1, 1);
    const f = await e.extract(images, { batchSize: 2 });
    const hidden = tfl.model({ inputs: layersModel.inputs, outputs: layersModel.getLayer('hidden').output as tfl.SymbolicTensor });
    const expected = hidden.predict(images) as tf.Tensor;
    // Same weights and ops on the same backend: equal up to float32 summation order (1e-5).
    expectAllClose(f.data, expected, 1e-5);
    await expectNoTensorLeak(() => e.extract(images, { batchSize: 2 }));
    tf.dispose([images, expected]);
    e.dispose();
  });

  it('resizes images to the model input and maps [−1, 1] to the model range', async () => {
    const e = await loadTfjsModelExtractor({ path: join(layersPath, 'model.json'), inputRange: [0, 1] });
    expect(e.outputDim).toBe(3);
    const images = tf.randomUniform([3, 8, 8, 1], -1, 1);
    const f = await e.extract(images);
    const expected = tf.tidy(
      () =>
        layersModel.predict(tf.div(tf.add(tf.image.resizeBilinear(images as tf.Tensor4D, [4, 4], false, true), 1), 2)) as tf.Tensor,
    );
    expectAllClose(f.data, expected, 1e-5);
    tf.dispose([images, expected]);
    e.dispose();
  });

  it('reads any node of a graph model', async () => {
    const x = tf.tensor2d([[1, 2, 3], [-1, 0, 2]]);
    // w = [[1, −1], [2, 0.5], [−3, 1]]: x·w = [[−4, 3], [−7, 3]], relu → [[0, 3], [0, 3]]
    const mm = await loadTfjsModelExtractor({ path: graphPath, layer: 'mm' });
    expect(Array.from((await mm.extract(x)).data)).toEqual([-4, 3, -7, 3]);
    const out = await loadTfjsModelExtractor({ path: graphPath });
    expect(Array.from((await out.extract(x)).data)).toEqual([0, 3, 0, 3]);
    tf.dispose(x);
    mm.dispose();
    out.dispose();
  });

  it('explains a wrong path, layer or image size', async () => {
    await expect(loadTfjsModelExtractor({ path: join(dir, 'missing') })).rejects.toThrow(/does not exist; point it at a tfjs model.json/);
    await expect(loadTfjsModelExtractor({ path: layersPath, layer: 'pool3' })).rejects.toThrow(
      /layer 'pool3' is not in the model; its layers are: .*hidden, out/,
    );
    const e = await loadTfjsModelExtractor({ path: layersPath });
    await expect(e.extract(tf.zeros([1, 4, 4, 2]))).rejects.toThrow(/the model wants 1 channels; images have 2/);
    e.dispose();
  });
});
