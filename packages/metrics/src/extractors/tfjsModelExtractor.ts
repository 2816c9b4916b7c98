import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { loadGraphModel } from '@tensorflow/tfjs-converter';
import { extractInBatches } from '../internal/batchedExtraction.js';
import { loadModelArtifacts } from '../internal/loadModelArtifacts.js';
import type { FeatureExtractor } from './FeatureExtractor.js';

export interface TfjsModelExtractorConfig {
  /** A local TensorFlow.js model: its model.json, or the folder holding it (graph or layers format). */
  readonly path: string;
  /**
   * What to read: for a layers model, a layer name (default: the model's output); for a graph model, a node name
   * such as `pool_3` or `StatefulPartitionedCall:1` (default: the model's output). Outputs with spatial
   * dimensions of size 1 ([n, 1, 1, 2048]) are flattened.
   */
  readonly layer?: string;
  /** Value range the model expects. Images arrive in [−1, 1] and are mapped linearly. Default [−1, 1]. */
  readonly inputRange?: readonly [number, number];
  /** Input [height, width, channels] when the model's input shape leaves them open. */
  readonly inputShape?: readonly [number, number, number];
  /** The extractor's label in reports (its `name` is `tfjs-model:<label>/<layer>`). Default: the folder name. */
  readonly label?: string;
}

/**
 * Loads any TensorFlow.js model from a local path as a feature extractor: how users bring Inception-v3 (for FID,
 * KID, precision/recall) or a CLIP image tower, converted with `tensorflowjs_converter` (see the README). Images
 * (NHWC in [−1, 1]) are resized bilinearly to the model's input size, grey images repeated to 3 channels where
 * the model wants RGB, and mapped to `inputRange`; models with a flat input get flattened samples.
 *
 * @example
 * const inception = await loadTfjsModelExtractor({ path: './inception-v3-tfjs', layer: 'pool_3', inputRange: [0, 1] });
 * const features = await inception.extract(images, { batchSize: 50 });
 */
export async function loadTfjsModelExtractor(config: TfjsModelExtractorConfig): Promise<FeatureExtractor> {
  if (typeof config?.path !== 'string' || config.path === '') {
    throw new Error('tfjs-model extractor needs { path: a model.json file or the folder holding it }');
  }
  const [lo, hi] = config.inputRange ?? [-1, 1];
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || !(hi > lo)) {
    throw new Error(`inputRange must be [lo, hi] with finite lo < hi; got [${config.inputRange?.join(', ')}]`);
  }
  const artifacts = await loadModelArtifacts(config.path);
  const isGraph = artifacts.format === 'graph-model';
  let run: (x: tf.Tensor) => tf.Tensor;
  let inputShape: (number | null)[];
  let dispose: () => void;
  if (isGraph) {
    const model = await loadGraphModel(tf.io.fromMemory(artifacts));
    const outputs = model.outputNodes;
    const node = config.layer ?? outputs[0];
    inputShape = (model.inputs[0]?.shape ?? []).map((s) => (s === -1 ? null : s));
    run = (x) => {
      const out = model.execute(x, node);
      return Array.isArray(out) ? out[0] : out;
    };
    dispose = () => model.dispose();
  } else {
    const model = await tfl.loadLayersModel(tf.io.fromMemory(artifacts));
    let reader: tfl.LayersModel = model;
    if (config.layer !== undefined) {
      const names = model.layers.map((l) => l.name);
      if (!names.includes(config.layer)) {
        throw new Error(`layer '${config.layer}' is not in the model; its layers are: ${names.join(', ')}`);
      }
      reader = tfl.model({ inputs: model.inputs, outputs: model.getLayer(config.layer).output as tfl.SymbolicTensor });
    }
    inputShape = [...(model.inputs[0].shape as (number | null)[])];
    run = (x) => reader.predict(x) as tf.Tensor;
    dispose = () => model.dispose();
  }
  const spatial = inputShape.length === 4;
  const target = spatial ? resolveInputShape(inputShape, config.inputShape) : null;
  const flatDim = !spatial ? inputShape[1] ?? null : null;
  const prepare = (images: tf.Tensor): tf.Tensor => {
    let x = tf.cast(images, 'float32');
    if (target !== null) {
      if (x.rank !== 4) throw new Error(`images must be NHWC [n, h, w, c]; got shape [${x.shape.join(', ')}]`);
      const [h, w, c] = target;
      // Half-pixel centres: the convention of PyTorch (align_corners=False) and TF2, which pytorch-fid resizes with.
      if (x.shape[1] !== h || x.shape[2] !== w) x = tf.image.resizeBilinear(x as tf.Tensor4D, [h, w], false, true);
      if (x.shape[3] !== c) {
        if (x.shape[3] === 1 && c === 3) x = tf.tile(x, [1, 1, 1, 3]);
        else throw new Error(`the model wants ${c} channels; images have ${x.shape[3]}`);
      }
    } else {
      x = tf.reshape(x, [x.shape[0] ?? 0, -1]);
      if (flatDim !== null && x.shape[1] !== flatDim) {
        throw new Error(`the model wants ${flatDim} values per sample; images have ${x.shape[1]}`);
      }
    }
    return lo === -1 && hi === 1 ? x : tf.add(tf.mul(tf.add(x, 1), (hi - lo) / 2), lo);
  };
  // One forward pass on a single zero image fixes the output size (and fails early on a wrong layer name).
  const probeShape = target !== null ? [1, ...target] : [1, flatDim ?? 1];
  let outputDim: number;
  try {
    outputDim = tf.tidy(() => {
      const out = run(tf.zeros(probeShape));
      return out.size;
    });
  } catch (e) {
    dispose();
    throw new Error(`cannot read '${config.layer ?? 'output'}' from ${config.path}: ${(e as Error).message}`);
  }
  const folder = config.path.replace(/\/model\.json$/, '').split('/').filter(Boolean).pop() ?? 'model';
  const name = `tfjs-model:${config.label ?? folder}/${config.layer ?? 'output'}`;
  return {
    name,
    outputDim,
    extract: (images, options = {}) => extractInBatches(images, options, outputDim, (b) => run(prepare(b)), name),
    dispose,
  };
}

function resolveInputShape(
  modelShape: (number | null)[],
  given: readonly [number, number, number] | undefined,
): [number, number, number] {
  const [, h, w, c] = modelShape;
  if (given !== undefined) {
    const ok = given.every((v, i) => Number.isInteger(v) && v > 0 && (modelShape[i + 1] == null || modelShape[i + 1] === v));
    if (!ok) throw new Error(`inputShape [${given.join(', ')}] does not fit the model's input [${modelShape.join(', ')}]`);
    return [given[0], given[1], given[2]];
  }
  if (h == null || w == null || c == null) {
    throw new Error(`the model's input [${modelShape.join(', ')}] leaves sizes open; pass inputShape: [height, width, channels]`);
  }
  return [h, w, c];
}
