import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';

/**
 * Reads a TensorFlow.js model from the local file system: `path` is the model.json file or the folder holding
 * it; weight shards are read from beside it in manifest order. (tfjs's file:// handler needs tfjs-node, which
 * scorekit does not require.)
 */
export async function loadModelArtifacts(path: string): Promise<tf.io.ModelArtifacts & { format?: string }> {
  let file = path;
  try {
    if ((await stat(path)).isDirectory()) file = join(path, 'model.json');
  } catch {
    throw new Error(`model path ${path} does not exist; point it at a tfjs model.json or the folder holding it`);
  }
  let json: {
    format?: string;
    modelTopology?: unknown;
    weightsManifest?: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
    [k: string]: unknown;
  };
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read ${file} as a tfjs model.json: ${(e as Error).message}`);
  }
  if (json.modelTopology === undefined || !Array.isArray(json.weightsManifest)) {
    throw new Error(`${file} is not a TensorFlow.js model.json (needs modelTopology and weightsManifest)`);
  }
  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  const buffers: Uint8Array[] = [];
  for (const group of json.weightsManifest) {
    weightSpecs.push(...group.weights);
    for (const p of group.paths) {
      const shard = join(dirname(file), p);
      try {
        buffers.push(await readFile(shard));
      } catch (e) {
        throw new Error(`weight shard ${shard} listed in ${file} cannot be read: ${(e as Error).message}`);
      }
    }
  }
  const total = buffers.reduce((s, b) => s + b.byteLength, 0);
  const weightData = new Uint8Array(total);
  let offset = 0;
  for (const b of buffers) {
    weightData.set(b, offset);
    offset += b.byteLength;
  }
  const artifacts = {
    ...(json as object),
    modelTopology: json.modelTopology as tf.io.ModelArtifacts['modelTopology'],
    weightSpecs,
    weightData: weightData.buffer,
  } as tf.io.ModelArtifacts & { format?: string };
  return artifacts;
}
