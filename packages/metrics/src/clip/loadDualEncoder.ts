import * as tf from '@tensorflow/tfjs-core';
import { promises as fs } from 'node:fs';
import * as nodePath from 'node:path';
import { Rng } from '@scorekit/core';
import { loadTensors } from '@scorekit/core/node';
import { DUAL_ENCODER_FORMAT } from './saveDualEncoder.js';
import { createDualEncoder } from './scorekitDualEncoder.js';
import type { DualEncoderConfig, ScorekitDualEncoder } from './scorekitDualEncoder.js';

/**
 * Loads a dual encoder saved by {@link saveDualEncoder}. Missing files, another format, or weights that do not
 * fit the stored architecture give an error naming the file and what was expected.
 *
 * @example
 * const encoder = await loadDualEncoder('runs/fashion-clip');
 * const score = clipScore(await encoder.encodeImages(samples), await encoder.encodeTexts(captions));
 */
export async function loadDualEncoder(dir: string): Promise<ScorekitDualEncoder> {
  const configPath = nodePath.join(dir, 'config.json');
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(await fs.readFile(configPath, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`dual encoder folder ${dir}: cannot read config.json (${(e as Error).message}); expected a folder written by saveDualEncoder or 'scorekit train-classifier --kind clip'`);
  }
  if (parsed.format !== DUAL_ENCODER_FORMAT) {
    throw new Error(`${configPath}: format is ${JSON.stringify(parsed.format)}; expected '${DUAL_ENCODER_FORMAT}'`);
  }
  const encoder = createDualEncoder(parsed as unknown as DualEncoderConfig, new Rng(0));
  const { tensors } = await loadTensors(nodePath.join(dir, 'weights.safetensors'));
  try {
    const take = (name: string, like: tf.Tensor): tf.Tensor => {
      const t = tensors[name];
      if (t === undefined || !tf.util.arraysEqual(t.shape, like.shape)) {
        throw new Error(
          `${dir}/weights.safetensors: tensor '${name}' should have shape [${like.shape.join(', ')}]` +
            `${t === undefined ? ' but is missing' : `, found [${t.shape.join(', ')}]`}`,
        );
      }
      return t;
    };
    for (const layer of encoder.imageTower.layers) {
      const values = layer.getWeights().map((w, j) => take(`image/${layer.name}/${j}`, w));
      if (values.length > 0) layer.setWeights(values);
    }
    const { words, projection, bias } = encoder.textWeights;
    words.assign(take('text/words', words));
    projection.assign(take('text/projection', projection));
    bias.assign(take('text/bias', bias));
    encoder.logScale.assign(take('logScale', encoder.logScale));
  } catch (e) {
    encoder.dispose();
    throw e;
  } finally {
    tf.dispose(tensors);
  }
  return encoder;
}
