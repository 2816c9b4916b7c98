import type * as tf from '@tensorflow/tfjs-core';
import type { ScoreFn, Sde } from '@scorekit/sde';
import { probabilityFlowRhs } from './internal/probabilityFlow.js';
import { checkSde, countingScore, readSolveOptions, solveOde, type OdeSolveOptions } from './internal/odeTransform.js';

/** Options of {@link encode} and {@link decode}: the score, its SDE and the solver. */
export interface OdeCodingOptions extends OdeSolveOptions {
  readonly score: ScoreFn;
  readonly sde: Sde;
}

/**
 * Encodes data into latents by integrating the probability-flow ODE forward from eps to T (Song et al. 2021,
 * §4.3: the ODE is an invertible map from data to the prior). {@link decode} runs it back. RK45 with
 * rtol = atol = 1e-5 by default. The caller owns `latents`.
 *
 * @example
 * const { latents } = await encode(x, { score, sde });
 * const { samples } = await decode(latents, { score, sde }); // ≈ x
 */
export async function encode(x: tf.Tensor, options: OdeCodingOptions): Promise<{ latents: tf.Tensor; nfe: number }> {
  const { score, sde, ...rest } = options ?? ({} as OdeCodingOptions);
  const o = readSolveOptions<OdeSolveOptions>('encode', rest);
  const eps = o.eps ?? sde?.samplingEps;
  checkSde('encode', sde, eps);
  const counted = countingScore(score);
  const latents = await solveOde('encode', probabilityFlowRhs(sde, counted.score), x, eps, sde.T, sde, o);
  return { latents, nfe: counted.count() };
}
