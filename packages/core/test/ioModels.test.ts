import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { loadGraphModel } from '@tensorflow/tfjs-converter';
import { describeOnBackends, expectAllClose } from '@scorekit/test-utils';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileSystem } from '../src/node.js';
import '../src/index.js'; // the wasm backend and scorekit's kernels, as an application selecting its backend gets them

let root: string;
beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'scorekit-models-'));
});
afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

function mlp(): tfl.Sequential {
  const model = tfl.sequential();
  model.add(tfl.layers.dense({ units: 4, inputShape: [3], activation: 'tanh', kernelInitializer: 'glorotNormal' }));
  model.add(tfl.layers.dense({ units: 2 }));
  return model;
}

// A graph model written by hand in the converter's GraphDef-JSON layout: out = relu(x·W + b), W 2×3, b 3. The
// weights are split over two shard files at byte 16, inside W, as the converter splits at shard boundaries.
const W = [0.5, -1, 2, 1.5, 0.25, -3];
const B = [0.1, -0.2, 0.3];
const graphModelJson = {
  format: 'graph-model',
  generatedBy: 'hand-written for scorekit tests',
  convertedBy: null,
  modelTopology: {
    node: [
      { name: 'x', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: { dim: [{ size: '-1' }, { size: '2' }] } } } },
      { name: 'w', op: 'Const', attr: { dtype: { type: 'DT_FLOAT' }, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: { dim: [{ size: '2' }, { size: '3' }] } } } } },
      { name: 'b', op: 'Const', attr: { dtype: { type: 'DT_FLOAT' }, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: { dim: [{ size: '3' }] } } } } },
      { name: 'xw', op: 'MatMul', input: ['x', 'w'], attr: { T: { type: 'DT_FLOAT' }, transpose_a: { b: false }, transpose_b: { b: false } } },
      { name: 'y', op: 'AddV2', input: ['xw', 'b'], attr: { T: { type: 'DT_FLOAT' } } },
      { name: 'out', op: 'Relu', input: ['y'], attr: { T: { type: 'DT_FLOAT' } } },
    ],
    library: {},
    versions: { producer: 1 },
  },
  weightsManifest: [
    {
      paths: ['group1-shard1of2.bin', 'group1-shard2of2.bin'],
      weights: [
        { name: 'w', shape: [2, 3], dtype: 'float32' },
        { name: 'b', shape: [3], dtype: 'float32' },
      ],
    },
  ],
};

async function writeGraphModel(dir: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  const weights = Buffer.from(new Float32Array([...W, ...B]).buffer);
  await fs.writeFile(path.join(dir, 'model.json'), JSON.stringify(graphModelJson));
  await fs.writeFile(path.join(dir, 'group1-shard1of2.bin'), weights.subarray(0, 16));
  await fs.writeFile(path.join(dir, 'group1-shard2of2.bin'), weights.subarray(16));
}

// relu(x·W + b) in float64, the closed form the graph computes.
function graphReference(x: number[][]): number[] {
  return x.flatMap((row) => [0, 1, 2].map((j) => Math.max(0, row[0] * W[j] + row[1] * W[3 + j] + B[j])));
}

describeOnBackends('file:// model IO without tfjs-node', (backend) => {
  it('model.save writes model.json + weights.bin as tfjs-node does, and loadLayersModel restores it exactly', async () => {
    const dir = path.join(root, `layers-${backend}`);
    const model = mlp();
    const result = await model.save(`file://${dir}`);
    expect((await fs.readdir(dir)).sort()).toEqual(['model.json', 'weights.bin']); // no temporary files left
    const json = JSON.parse(await fs.readFile(path.join(dir, 'model.json'), 'utf8'));
    expect(Object.keys(json)).toEqual(['modelTopology', 'weightsManifest', 'format', 'generatedBy', 'convertedBy']);
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest).toHaveLength(1);
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
    expect(json.weightsManifest[0].weights.map((w: { shape: number[] }) => w.shape)).toEqual([[3, 4], [4], [4, 2], [2]]);
    const weightBytes = 4 * (3 * 4 + 4 + 4 * 2 + 2);
    expect((await fs.stat(path.join(dir, 'weights.bin'))).size).toBe(weightBytes);
    expect(result.modelArtifactsInfo.weightDataBytes).toBe(weightBytes);

    // The bytes are the weights, in manifest order, decoded without our loader.
    const decoded = tf.io.decodeWeights(
      (await fs.readFile(path.join(dir, 'weights.bin'))).buffer.slice(0) as ArrayBuffer,
      json.weightsManifest[0].weights,
    );
    const originals = model.getWeights();
    json.weightsManifest[0].weights.forEach((spec: { name: string }, k: number) => {
      expect(Array.from(decoded[spec.name].dataSync())).toEqual(Array.from(originals[k].dataSync()));
    });

    for (const url of [`file://${dir}/model.json`, `file://${dir}`]) {
      const loaded = await tfl.loadLayersModel(url);
      const x = tf.tensor2d([[0.3, -1.2, 2.0], [1, 0, -0.5]]);
      // Same weights, same backend, same ops: the outputs agree bit for bit.
      expect(Array.from((loaded.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from((model.predict(x) as tf.Tensor).dataSync()));
      loaded.dispose();
      x.dispose();
    }
    tf.dispose(Object.values(decoded));
    model.dispose();
  });

  it('a second save replaces the first atomically', async () => {
    const dir = path.join(root, `resave-${backend}`);
    const a = mlp();
    const b = mlp();
    await a.save(`file://${dir}`);
    await b.save(`file://${dir}`);
    const loaded = await tfl.loadLayersModel(`file://${dir}/model.json`);
    const lw = loaded.getWeights();
    b.getWeights().forEach((w, k) => expect(Array.from(lw[k].dataSync())).toEqual(Array.from(w.dataSync())));
    expect((await fs.readdir(dir)).sort()).toEqual(['model.json', 'weights.bin']);
    tf.dispose([a, b, loaded] as unknown as tf.Tensor[]);
  });

  it('loadGraphModel reads a converter-style graph model with sharded weights, and saves it back', async () => {
    const dir = path.join(root, `graph-${backend}`);
    await writeGraphModel(dir);
    const model = await loadGraphModel(`file://${dir}/model.json`);
    const input = [[1, 2], [-0.5, 0.25], [3, -1]];
    const x = tf.tensor2d(input);
    // float32 arithmetic on O(1) values: 1e-6 absolute is a few ulps.
    expectAllClose(model.predict(x) as tf.Tensor, graphReference(input), 1e-6);

    const copy = path.join(root, `graph-copy-${backend}`);
    await model.save(`file://${copy}`);
    expect((await fs.readdir(copy)).sort()).toEqual(['model.json', 'weights.bin']);
    const again = await loadGraphModel(`file://${copy}/model.json`);
    expectAllClose(again.predict(x) as tf.Tensor, graphReference(input), 1e-6);
    model.dispose();
    again.dispose();
    x.dispose();
  });
});

describe('file:// model IO errors name the file and the problem', () => {
  it('missing model, missing weights, truncated weights, bad JSON, weights outside the directory', async () => {
    const dir = path.join(root, 'errors');
    await expect(tfl.loadLayersModel(`file://${dir}/model.json`)).rejects.toThrow(/Cannot load a model from .*errors\/model.json: no such file or directory/);

    await writeGraphModel(dir);
    await fs.rm(path.join(dir, 'group1-shard2of2.bin'));
    await expect(loadGraphModel(`file://${dir}/model.json`)).rejects.toThrow(/weight file .*group1-shard2of2.bin cannot be read/);

    await writeGraphModel(dir);
    await fs.truncate(path.join(dir, 'group1-shard2of2.bin'), 10);
    await expect(loadGraphModel(`file://${dir}/model.json`)).rejects.toThrow(
      /weightsManifest describes 36 bytes of weights but .*group1-shard1of2.bin, .*group1-shard2of2.bin hold 26 \(truncated/,
    );

    await fs.writeFile(path.join(dir, 'model.json'), '{"modelTopology": ');
    await expect(loadGraphModel(`file://${dir}/model.json`)).rejects.toThrow(/model.json: not valid JSON/);

    await fs.writeFile(path.join(dir, 'model.json'), JSON.stringify({ ...graphModelJson, weightsManifest: [{ paths: ['../../etc/passwd'], weights: [] }] }));
    await expect(loadGraphModel(`file://${dir}/model.json`)).rejects.toThrow(/weight path '..\/..\/etc\/passwd' points outside the model directory/);

    const file = path.join(root, 'a-file');
    await fs.writeFile(file, 'x');
    const model = mlp();
    await expect(model.save(`file://${file}`)).rejects.toThrow(/a-file: it exists and is a file; give a directory path/);
    model.dispose();
  });

  it('fileSystem() can be passed directly, and exactly one handler answers file:// URLs', async () => {
    expect(tf.io.getSaveHandlers('file:///tmp/x')).toHaveLength(1);
    expect(tf.io.getLoadHandlers('file:///tmp/x/model.json')).toHaveLength(1);
    const dir = path.join(root, 'direct');
    const model = mlp();
    await model.save(fileSystem(dir));
    const loaded = await tfl.loadLayersModel(fileSystem(path.join(dir, 'model.json')));
    expect(loaded.layers.map((l) => l.getClassName())).toEqual(['Dense', 'Dense']);
    expect(() => fileSystem('')).toThrow(/path must be a non-empty string/);
    model.dispose();
    loaded.dispose();
  });
});
