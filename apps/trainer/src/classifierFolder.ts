import * as fs from 'node:fs/promises';
import { CliError } from './errors.js';
import { checkOutputFolder } from './outputPath.js';

// The files a classifier or dual-encoder folder holds: an earlier one is never overwritten.
const CLASSIFIER_FILES = ['config.json', 'weights.safetensors', 'training.json'];

/**
 * Refuses an `--out` folder that already holds a trained classifier, dual encoder or noisy classifier (its files
 * are never overwritten), or one that cannot be written.
 *
 * @example
 * await refuseToOverwriteClassifier('classifiers/mnist');
 */
export async function refuseToOverwriteClassifier(out: string): Promise<void> {
  await checkOutputFolder(out, '--out');
  const present = (await fs.readdir(out).catch(() => [] as string[])).filter((f) => CLASSIFIER_FILES.includes(f));
  if (present.length > 0) {
    throw new CliError(`--out ${out} already holds a trained model (${present.join(', ')}); choose another --out, or delete the folder to train it again.`);
  }
}
