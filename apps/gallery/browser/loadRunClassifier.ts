import { decodeNoisyClassifier, type TrainableNoisyClassifier } from '@scorekit/guidance';
import type { ReadBytes, RunModel } from './loadRunModel.js';

/**
 * Loads a run's noisy classifier (`<run>/classifier/`: `config.json`, already fetched and parsed, and
 * `weights.safetensors`, read here) into TensorFlow.js with `@scorekit/guidance`'s browser-safe
 * `decodeNoisyClassifier`, checked against the run's model — its SDE and sample shape — as
 * `scorekit sample --classifier` checks them; a classifier that does not fit is refused with every difference named.
 */
export async function loadRunClassifier(model: RunModel, manifest: unknown, weightsUrl: string, read: ReadBytes): Promise<TrainableNoisyClassifier> {
  const source = weightsUrl.replace(/\/[^/]*$/, '/');
  return decodeNoisyClassifier(manifest, await read(weightsUrl), { sde: model.sde, dataShape: model.pointShape, source });
}
