import * as tf from '@tensorflow/tfjs-core';
import * as fs from 'node:fs/promises';
import * as nodePath from 'node:path';
import { ensureDir } from './ensureDir.js';
import { writeFileAtomic } from './writeFileAtomic.js';

const MODEL_JSON = 'model.json';
const WEIGHTS_BIN = 'weights.bin';

/**
 * A tfjs IO handler for a directory on the local disk, for Node without tfjs-node: `save` writes the layout
 * tfjs-node writes (`model.json` + `weights.bin`, tfjs-node src/io/file_system.ts), each file atomically (see
 * {@link writeFileAtomic}); `load` reads `model.json` (or a directory holding one) and the weight files its
 * manifest names, for layers and graph models alike. Errors name the file and what is wrong with it.
 * Usually reached through a `file://` URL (see {@link registerFileSystemRouter}) rather than called directly.
 *
 * @example
 * await model.save(fileSystem('runs/a/model'));
 * const same = await tf.loadLayersModel(fileSystem('runs/a/model/model.json'));
 */
export function fileSystem(path: string): tf.io.IOHandler {
  if (typeof path !== 'string' || path === '') throw new TypeError('fileSystem(path): path must be a non-empty string');
  const root = nodePath.resolve(path);
  return {
    save: (artifacts) => save(root, artifacts),
    load: () => load(root),
  };
}

async function save(dir: string, artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
  if (artifacts.modelTopology instanceof ArrayBuffer) {
    throw new Error(`Cannot save to ${dir}: a binary (protobuf) model topology cannot be written as model.json`);
  }
  const existing = await fs.stat(dir).catch(() => null);
  if (existing != null && !existing.isDirectory()) {
    throw new Error(`Cannot save a model to ${dir}: it exists and is a file; give a directory path`);
  }
  await ensureDir(dir);
  const weights = artifacts.weightData == null ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
  const modelJson: tf.io.ModelJSON = {
    modelTopology: artifacts.modelTopology as tf.io.ModelJSON['modelTopology'],
    weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }],
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy,
  };
  if (artifacts.trainingConfig != null) modelJson.trainingConfig = artifacts.trainingConfig;
  if (artifacts.signature != null) modelJson.signature = artifacts.signature;
  if (artifacts.userDefinedMetadata != null) modelJson.userDefinedMetadata = artifacts.userDefinedMetadata;
  if (artifacts.modelInitializer != null) modelJson.modelInitializer = artifacts.modelInitializer;
  if (artifacts.initializerSignature != null) modelJson.initializerSignature = artifacts.initializerSignature;
  // Weights first: model.json is what loaders open, so it only ever points at weights already on disk.
  await writeFileAtomic(nodePath.join(dir, WEIGHTS_BIN), weights);
  await writeFileAtomic(nodePath.join(dir, MODEL_JSON), JSON.stringify(modelJson));
  return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
}

async function load(path: string): Promise<tf.io.ModelArtifacts> {
  const info = await fs.stat(path).catch(() => null);
  if (info == null) throw new Error(`Cannot load a model from ${path}: no such file or directory`);
  const jsonPath = info.isDirectory() ? nodePath.join(path, MODEL_JSON) : path;
  let text: string;
  try {
    text = await fs.readFile(jsonPath, 'utf8');
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    throw new Error(`Cannot load a model from ${jsonPath}: ${missing ? 'no such file' : (e as Error).message}`, { cause: e });
  }
  let modelJson: tf.io.ModelJSON;
  try {
    modelJson = JSON.parse(text) as tf.io.ModelJSON;
  } catch (e) {
    throw new Error(`Cannot load a model from ${jsonPath}: not valid JSON (${(e as Error).message})`, { cause: e });
  }
  if (modelJson === null || typeof modelJson !== 'object' || (modelJson.modelTopology == null && modelJson.weightsManifest == null)) {
    throw new Error(`Cannot load a model from ${jsonPath}: it has neither modelTopology nor weightsManifest`);
  }
  return tf.io.getModelArtifactsForJSON(modelJson, (manifest) => loadWeights(manifest, jsonPath));
}

async function loadWeights(
  manifest: tf.io.WeightsManifestConfig,
  jsonPath: string,
): Promise<[tf.io.WeightsManifestEntry[], tf.io.WeightData]> {
  const dir = nodePath.dirname(jsonPath);
  if (!Array.isArray(manifest)) throw new Error(`Cannot load a model from ${jsonPath}: weightsManifest is not a list`);
  const specs: tf.io.WeightsManifestEntry[] = [];
  const buffers: ArrayBuffer[] = [];
  const files: string[] = [];
  for (const group of manifest) {
    if (!Array.isArray(group?.paths) || !Array.isArray(group?.weights)) {
      throw new Error(`Cannot load a model from ${jsonPath}: each weightsManifest group needs 'paths' and 'weights' lists`);
    }
    for (const rel of group.paths) {
      const file = nodePath.resolve(dir, rel);
      const inside = nodePath.relative(dir, file);
      if (inside === '..' || inside.startsWith(`..${nodePath.sep}`) || nodePath.isAbsolute(inside)) {
        throw new Error(`Cannot load a model from ${jsonPath}: weight path '${rel}' points outside the model directory`);
      }
      let buf: Buffer;
      try {
        buf = await fs.readFile(file);
      } catch (e) {
        throw new Error(`Cannot load a model from ${jsonPath}: weight file ${file} cannot be read (${(e as Error).message})`, {
          cause: e,
        });
      }
      buffers.push(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer);
      files.push(file);
    }
    specs.push(...group.weights);
  }
  const expected = expectedWeightBytes(specs);
  const actual = buffers.reduce((n, b) => n + b.byteLength, 0);
  if (expected != null && expected !== actual) {
    throw new Error(
      `Cannot load a model from ${jsonPath}: its weightsManifest describes ${expected} bytes of weights but ` +
        `${files.join(', ')} hold ${actual} (truncated, or from a different save)`,
    );
  }
  return [specs, buffers.length === 1 ? buffers[0] : buffers];
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8, uint8: 1, uint16: 2, float16: 2 };

// Strings have per-element lengths inside the data, so a file holding any is not size-checked.
function expectedWeightBytes(specs: readonly tf.io.WeightsManifestEntry[]): number | null {
  let total = 0;
  for (const s of specs) {
    const dtype = s.quantization?.dtype ?? s.dtype;
    const size = BYTES[dtype];
    if (size == null || !Array.isArray(s.shape)) return null;
    total += size * s.shape.reduce((a, b) => a * b, 1);
  }
  return total;
}
