import * as tf from '@tensorflow/tfjs-core';
import { decodeTensors } from '@scorekit/core';
import type { Sde } from '@scorekit/sde';
import { createNoisyClassifier, type ResolvedNoisyClassifierConfig, type TrainableNoisyClassifier } from './createNoisyClassifier.js';
import { NOISY_CLASSIFIER_FILES, NOISY_CLASSIFIER_FORMAT, NOISY_CLASSIFIER_VERSION } from './internal/classifierFiles.js';
import { sdeDifference } from './internal/sdeDifference.js';

/** What a decoded classifier must fit; each given field is checked and every difference reported at once. */
export interface NoisyClassifierFit {
  /** The SDE of the model it will guide. */
  readonly sde?: Sde;
  /** One sample's shape of the model it will guide. */
  readonly dataShape?: readonly number[];
  /** The number of classes expected. */
  readonly numClasses?: number;
  /** What the files are, for error messages (a URL or folder); default `'noisy classifier'`. */
  readonly source?: string;
}

/**
 * Rebuilds a noisy classifier from the two files of a folder that `saveNoisyClassifier` (`@scorekit/guidance/node`,
 * or `scorekit train-classifier --noisy`) writes — the parsed `config.json` and the bytes of `weights.safetensors` —
 * with no Node module: this is how a browser loads a classifier it fetched. Like `loadNoisyClassifier`, it checks
 * the format, then the fit to the model it will guide (SDE, sample shape, classes) before reading any weight, then
 * every weight's name and shape, each time naming everything that differs in one error.
 *
 * @example
 * const manifest = await (await fetch('/files/run/classifier/config.json')).json();
 * const bytes = new Uint8Array(await (await fetch('/files/run/classifier/weights.safetensors')).arrayBuffer());
 * const classifier = decodeNoisyClassifier(manifest, bytes, { sde: model.sde, dataShape: [2] });
 */
export function decodeNoisyClassifier(manifest: unknown, weights: Uint8Array | ArrayBuffer, fit: NoisyClassifierFit = {}): TrainableNoisyClassifier {
  const source = fit.source ?? 'noisy classifier';
  const m = manifest as { format?: unknown; version?: unknown; config?: ResolvedNoisyClassifierConfig } | null;
  if (m == null || typeof m !== 'object' || m.format !== NOISY_CLASSIFIER_FORMAT || m.version !== NOISY_CLASSIFIER_VERSION || m.config == null) {
    throw new Error(
      `Cannot read ${source}: its ${NOISY_CLASSIFIER_FILES.config} must have format '${NOISY_CLASSIFIER_FORMAT}' version ${NOISY_CLASSIFIER_VERSION} and a config; ` +
        `got format ${JSON.stringify(m?.format)} version ${JSON.stringify(m?.version)}`,
    );
  }
  const classifier = createNoisyClassifier(m.config);
  try {
    const problems: string[] = [];
    if (fit.sde) {
      const differs = sdeDifference(classifier.sde, fit.sde);
      if (differs) problems.push(`it was trained for another SDE (classifier vs model: ${differs})`);
    }
    if (fit.dataShape && fit.dataShape.join(',') !== classifier.dataShape.join(',')) {
      problems.push(`it classifies samples of shape [${classifier.dataShape.join(', ')}], the model makes [${fit.dataShape.join(', ')}]`);
    }
    if (fit.numClasses != null && fit.numClasses !== classifier.numClasses) problems.push(`it has ${classifier.numClasses} classes, ${fit.numClasses} were expected`);
    if (problems.length > 0) throw new Error(`${source} does not fit: ${problems.join('; ')}`);
    const { tensors } = decodeTensors(weights, { source: `${source} ${NOISY_CLASSIFIER_FILES.weights}` });
    try {
      const wrong: string[] = [];
      const names = new Set(classifier.variables.map((v) => v.name));
      for (const v of classifier.variables) {
        const w = tensors[v.name];
        if (!w || !tf.util.arraysEqual(w.shape, v.variable.shape)) wrong.push(`${v.name} [${v.variable.shape.join(',')}]${w ? ` saved as [${w.shape.join(',')}]` : ' missing'}`);
      }
      for (const name of Object.keys(tensors)) if (!names.has(name)) wrong.push(`unexpected weight '${name}'`);
      if (wrong.length > 0) throw new Error(`Cannot read ${source}: its weights do not match its config: ${wrong.join('; ')}`);
      for (const v of classifier.variables) v.variable.assign(tensors[v.name]!);
    } finally {
      tf.dispose(tensors);
    }
  } catch (e) {
    classifier.dispose();
    throw e;
  }
  return classifier;
}
