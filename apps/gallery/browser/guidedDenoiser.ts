import { classifierFreeGuidance, classifierGuidance, type NoisyClassifier } from '@scorekit/guidance';
import type { Denoiser } from '@scorekit/sde';
import type { RunModel } from './loadRunModel.js';

/** Guidance for a draw: classifier-free (the run's own model) or by a loaded noisy classifier, with scale w. */
export type Guidance =
  | { readonly kind: 'classifier-free'; readonly scale: number }
  | { readonly kind: 'classifier'; readonly scale: number; readonly classifier: NoisyClassifier };

/**
 * The guided denoiser of a draw, composed exactly as `scorekit sample` composes it (apps/trainer conditioning.ts):
 * `classifierGuidance(model, classifier, { scale, labels })` for `--classifier … --guidance-scale w`, and
 * `classifierFreeGuidance(model, { scale, labels })` for `--cfg-scale w`, with the class of each sample as a list.
 */
export function guidedDenoiser(model: RunModel, guidance: Guidance, labels: readonly number[]): Denoiser {
  if (guidance.kind === 'classifier') return classifierGuidance(model.denoiser, guidance.classifier, { scale: guidance.scale, labels });
  return classifierFreeGuidance(model.denoiser, { scale: guidance.scale, labels });
}
