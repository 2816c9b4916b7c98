import type * as tf from '@tensorflow/tfjs-core';
import type { OdeCodingOptions } from './encode.js';
import { probabilityFlowRhs } from './internal/probabilityFlow.js';
import { checkSde, countingScore, readSolveOptions, solveOde, type OdeSolveOptions } from './internal/odeTransform.js';

/**
 * Decodes latents (at time T) to data (at eps) along the probability-flow ODE: the inverse of {@link encode}, and
 * the same map as the `'ode'` sampler started from `init`. The caller owns `samples`.
 *
 * @example
 * const { samples, nfe } = await decode(latents, { score, sde, method: 'rk45' });
 */
export async function decode(z: tf.Tensor, options: OdeCodingOptions): Promise<{ samples: tf.Tensor; nfe: number }> {
  const { score, sde, ...rest } = options ?? ({} as OdeCodingOptions);
  const o = readSolveOptions<OdeSolveOptions>('decode', rest);
  const eps = o.eps ?? sde?.samplingEps;
  checkSde('decode', sde, eps);
  const counted = countingScore(score);
  const samples = await solveOde('decode', probabilityFlowRhs(sde, counted.score), z, sde.T, eps, sde, o);
  return { samples, nfe: counted.count() };
}
