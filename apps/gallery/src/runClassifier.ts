import nodePath from 'node:path';
import { variantNameOf } from '@scorekit/core';
import { isRecord } from './internal/json.js';
import type { readJson as ReadJsonFile } from './internal/json.js';

/** The run-folder convention: `<run>/classifier/` holds the noisy classifier that guides the run's samples. */
export const RUN_CLASSIFIER_FOLDER = 'classifier';

/**
 * What the gallery tells the page of a run's noisy classifier: what `scorekit train-classifier --noisy --out
 * <run>/classifier` wrote (`config.json` of format `scorekit-noisy-classifier`, and `weights.safetensors`).
 */
export interface RunClassifier {
  /** The classifier's variant ('mlp', 'conv'): its config's `name`, or `kind` in folders written before. */
  readonly name: string;
  readonly numClasses: number;
  readonly dataShape: readonly number[];
  /** The SDE it was trained for (its name). */
  readonly sde: string;
  /** What the trainer measured, where it recorded it: held-out accuracy at t = eps and at T/2. */
  readonly heldOutAccuracyAtEps: number | null;
  readonly heldOutAccuracyAtHalfT: number | null;
}

/**
 * Reads `<run>/classifier/config.json` (through the caller's real-path-checked reader): the classifier, null when
 * the folder has none, or the reason it cannot be used (broken JSON, another format, no weights file).
 */
export async function readRunClassifier(
  dir: string,
  readJson: (path: string) => ReturnType<typeof ReadJsonFile>,
  hasFile: (path: string) => Promise<boolean>,
): Promise<{ classifier: RunClassifier | null; problem: string | null }> {
  const folder = nodePath.join(dir, RUN_CLASSIFIER_FOLDER);
  const file = await readJson(nodePath.join(folder, 'config.json'));
  if (!file.ok) return { classifier: null, problem: file.missing ? null : `config.json: ${file.reason}` };
  const v = file.value;
  const c = isRecord(v) && isRecord(v.config) ? v.config : null;
  if (!isRecord(v) || v.format !== 'scorekit-noisy-classifier' || c == null) {
    return { classifier: null, problem: "config.json is not a noisy classifier's (format 'scorekit-noisy-classifier', written by scorekit train-classifier --noisy)" };
  }
  const numClasses = c.numClasses;
  const dataShape = c.dataShape;
  if (typeof numClasses !== 'number' || !Number.isInteger(numClasses) || numClasses < 1 || !Array.isArray(dataShape) || !dataShape.every((d) => typeof d === 'number')) {
    return { classifier: null, problem: 'config.json: config.numClasses and config.dataShape are missing or malformed' };
  }
  if (!(await hasFile(nodePath.join(folder, 'weights.safetensors')))) return { classifier: null, problem: 'weights.safetensors is missing' };
  const extra = isRecord(v.extra) ? v.extra : {};
  const num = (x: unknown) => (typeof x === 'number' ? x : null);
  return {
    classifier: {
      name: typeof variantNameOf(c, ['kind']) === 'string' ? (variantNameOf(c, ['kind']) as string) : '?',
      numClasses,
      dataShape: dataShape as number[],
      sde: isRecord(c.sde) && typeof c.sde.name === 'string' ? c.sde.name : '?',
      heldOutAccuracyAtEps: num(extra.heldOutAccuracyAtEps),
      heldOutAccuracyAtHalfT: num(extra.heldOutAccuracyAtHalfT),
    },
    problem: null,
  };
}
