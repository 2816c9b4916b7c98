import * as tf from '@tensorflow/tfjs-core';
import type { Sde } from '@scorekit/sde';
import { createNoisyClassifier, type ResolvedNoisyClassifierConfig, type TrainableNoisyClassifier } from '../createNoisyClassifier.js';
import { NOISY_CLASSIFIER_FILES, NOISY_CLASSIFIER_FORMAT, NOISY_CLASSIFIER_VERSION } from './classifierFiles.js';
import { sdeDifference } from './sdeDifference.js';

/** What a rebuilt classifier must fit: the model it will guide. */
export interface ClassifierFit {
  readonly sde?: Sde;
  readonly dataShape?: readonly number[];
  readonly numClasses?: number;
}

/**
 * Builds the classifier a saved folder's parsed `config.json` describes, after checking its format and its fit to
 * the model it will guide (every difference named in one error), with untrained weights. `source` names the
 * folder or URL in messages.
 */
export function classifierFromManifest(manifest: unknown, fit: ClassifierFit, source: string): TrainableNoisyClassifier {
  const m = manifest as { format?: unknown; version?: unknown; config?: ResolvedNoisyClassifierConfig } | null;
  if (m == null || typeof m !== 'object' || m.format !== NOISY_CLASSIFIER_FORMAT || m.version !== NOISY_CLASSIFIER_VERSION || m.config == null) {
    throw new Error(
      `Cannot read ${source}: its ${NOISY_CLASSIFIER_FILES.config} must have format '${NOISY_CLASSIFIER_FORMAT}' version ${NOISY_CLASSIFIER_VERSION} and a config; ` +
        `got format ${JSON.stringify(m?.format)} version ${JSON.stringify(m?.version)}`,
    );
  }
  const classifier = createNoisyClassifier(m.config);
  const problems: string[] = [];
  if (fit.sde) {
    const differs = sdeDifference(classifier.sde, fit.sde);
    if (differs) problems.push(`it was trained for another SDE (classifier vs model: ${differs})`);
  }
  if (fit.dataShape && fit.dataShape.join(',') !== classifier.dataShape.join(',')) {
    problems.push(`it classifies samples of shape [${classifier.dataShape.join(', ')}], the model makes [${fit.dataShape.join(', ')}]`);
  }
  if (fit.numClasses != null && fit.numClasses !== classifier.numClasses) problems.push(`it has ${classifier.numClasses} classes, ${fit.numClasses} were expected`);
  if (problems.length > 0) {
    classifier.dispose();
    throw new Error(`${source} does not fit: ${problems.join('; ')}`);
  }
  return classifier;
}

/**
 * Assigns saved weights to a rebuilt classifier after checking every name and shape (missing, reshaped and
 * unexpected weights all named in one error). Does not dispose `tensors`.
 */
export function assignClassifierWeights(classifier: TrainableNoisyClassifier, tensors: Record<string, tf.Tensor>, source: string): void {
  const wrong: string[] = [];
  const names = new Set(classifier.variables.map((v) => v.name));
  for (const v of classifier.variables) {
    const w = tensors[v.name];
    if (!w || !tf.util.arraysEqual(w.shape, v.variable.shape)) wrong.push(`${v.name} [${v.variable.shape.join(',')}]${w ? ` saved as [${w.shape.join(',')}]` : ' missing'}`);
  }
  for (const name of Object.keys(tensors)) if (!names.has(name)) wrong.push(`unexpected weight '${name}'`);
  if (wrong.length > 0) throw new Error(`Cannot read ${source}: its weights do not match its config: ${wrong.join('; ')}`);
  for (const v of classifier.variables) v.variable.assign(tensors[v.name]!);
}
