import type * as tf from '@tensorflow/tfjs-core';
import * as nodePath from 'node:path';
import { ensureDir, saveTensors, writeFileAtomic } from '@scorekit/core/node';
import type { ScorekitDualEncoder } from './scorekitDualEncoder.js';

/** The format tag in a saved dual encoder's config.json. */
export const DUAL_ENCODER_FORMAT = 'scorekit-dual-encoder/1';

/**
 * Saves scorekit's dual encoder to a folder: `weights.safetensors` (image tower `image/<layer>/<index>`, text tower
 * `text/words`, `text/projection`, `text/bias`, and `logScale`) and then `config.json` (architecture and
 * vocabulary), each written atomically. Load with {@link loadDualEncoder}; `clip:<dir>` in the CLI.
 *
 * @example
 * await saveDualEncoder(encoder, 'runs/fashion-clip');
 */
export async function saveDualEncoder(encoder: ScorekitDualEncoder, dir: string): Promise<void> {
  await ensureDir(dir);
  const tensors: tf.NamedTensorMap = {
    'text/words': encoder.textWeights.words,
    'text/projection': encoder.textWeights.projection,
    'text/bias': encoder.textWeights.bias,
    logScale: encoder.logScale,
  };
  for (const layer of encoder.imageTower.layers) {
    layer.getWeights().forEach((w, j) => {
      tensors[`image/${layer.name}/${j}`] = w;
    });
  }
  await saveTensors(nodePath.join(dir, 'weights.safetensors'), tensors, { format: DUAL_ENCODER_FORMAT });
  await writeFileAtomic(nodePath.join(dir, 'config.json'), `${JSON.stringify({ format: DUAL_ENCODER_FORMAT, ...encoder.config }, null, 2)}\n`);
}
