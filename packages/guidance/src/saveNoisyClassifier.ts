import { promises as fs } from 'node:fs';
import nodePath from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import { ensureDir, saveTensors, writeFileAtomic } from '@scorekit/core/node';
import type { TrainableNoisyClassifier } from './createNoisyClassifier.js';
import { NOISY_CLASSIFIER_FILES, NOISY_CLASSIFIER_FORMAT, NOISY_CLASSIFIER_VERSION } from './internal/classifierFiles.js';

/**
 * Writes a trained noisy classifier to a folder: `config.json` (format, version, the resolved config — name, SDE
 * config, classes, data shape, architecture) and `weights.safetensors` (the variables by their stable names, the
 * format of `@scorekit/models` checkpoints). The folder is built under a temporary name and renamed into place,
 * so an interrupted save leaves any previous classifier intact. Node only (`@scorekit/guidance/node`).
 *
 * @example
 * await saveNoisyClassifier(classifier, 'runs/mnist-noisy-clf');
 */
export async function saveNoisyClassifier(classifier: TrainableNoisyClassifier, dir: string, extra: Record<string, unknown> = {}): Promise<void> {
  if (classifier == null || classifier.config == null || !Array.isArray(classifier.variables)) {
    throw new Error('saveNoisyClassifier: classifier must come from createNoisyClassifier or loadNoisyClassifier');
  }
  const target = nodePath.resolve(dir);
  await ensureDir(nodePath.dirname(target));
  const tmp = `${target}.tmp-${process.pid}-${Date.now().toString(36)}`;
  await fs.mkdir(tmp);
  try {
    const weights: tf.NamedTensorMap = {};
    for (const v of classifier.variables) weights[v.name] = v.variable;
    await saveTensors(nodePath.join(tmp, NOISY_CLASSIFIER_FILES.weights), weights);
    const manifest = { format: NOISY_CLASSIFIER_FORMAT, version: NOISY_CLASSIFIER_VERSION, config: classifier.config, extra };
    await writeFileAtomic(nodePath.join(tmp, NOISY_CLASSIFIER_FILES.config), `${JSON.stringify(manifest, null, 2)}\n`);
    const aside = `${target}.old-${process.pid}-${Date.now().toString(36)}`;
    const existed = await fs.rename(target, aside).then(
      () => true,
      () => false,
    );
    await fs.rename(tmp, target);
    if (existed) await fs.rm(aside, { recursive: true, force: true });
  } catch (e) {
    await fs.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    throw e;
  }
}
