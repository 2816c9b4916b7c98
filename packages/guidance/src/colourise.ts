import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@scorekit/core';
import type { StepCallback } from '@scorekit/samplers';
import type { Sde } from '@scorekit/sde';

/** Options of {@link colourise}. */
export interface ColouriseOptions {
  /** The forward SDE of the denoiser the sampler runs. */
  readonly sde: Sde;
  /** The grey-scale images (data scale, the mean of the channels): [h, w, 1] for all samples or [n, h, w, 1]. */
  readonly grey: tf.Tensor;
  /** The generator of the forward-marginal noise (it advances). */
  readonly rng: Rng;
}

/**
 * Colourisation by replacement (score_sde `controllable_generation.py get_pc_colorizer`): the channels of each
 * pixel are decoupled by an orthogonal matrix whose first column is (1, …, 1)/√C, so the first decoupled channel
 * √C·mean(x) is what the grey image knows and the other C − 1 are free. After every step at time t that channel is
 * replaced by a draw of its forward marginal α(t)·√C·grey + σ(t)·z (z ~ N(0, 1) per pixel — an orthogonal map keeps
 * the noise white) and the image coupled back; on the final output it is √C·grey exactly, so the returned samples'
 * channel mean equals `grey`. Only the projection on (1, …, 1)/√C is touched, which is what score_sde's matrix
 * and its inverse amount to, so no matrix is formed. NHWC, any number of channels C ≥ 2.
 *
 * @example
 * const grey = tf.mean(images, 3, true);                      // [n, 32, 32, 1]
 * const onStep = colourise({ sde: model.sde, grey, rng: new Rng(1) });
 * const { samples } = await sampler.run({ denoiser: model, shape: [n, 32, 32, 3], seed: 0, onStep });
 */
export function colourise(options: ColouriseOptions): StepCallback {
  const where = 'colourise';
  const { sde, grey, rng } = options ?? ({} as ColouriseOptions);
  const problems: string[] = [];
  if (sde == null || typeof sde.alpha !== 'function') problems.push('sde must be an Sde from @scorekit/sde');
  if (!(grey instanceof tf.Tensor) || grey.isDisposed || (grey.rank !== 3 && grey.rank !== 4) || grey.shape[grey.rank - 1] !== 1) {
    problems.push(`grey must be a live tensor [h, w, 1] or [n, h, w, 1]; got ${grey instanceof tf.Tensor ? `[${grey.shape.join(', ')}]` : String(grey)}`);
  }
  if (!(rng instanceof Rng)) problems.push('rng must be an Rng from @scorekit/core');
  if (problems.length > 0) throw new Error(`${where}: ${problems.join('; ')}`);
  const greyCopy = tf.keep(tf.clone(grey));
  return ({ x, t, final }) => {
    if (greyCopy.isDisposed) throw new Error(`${where}: this callback served one run already (it frees its copy on the final step); make one per run`);
    const C = x.shape[3] ?? 0;
    const dims: number[] = greyCopy.rank === 3 ? greyCopy.shape : greyCopy.shape.slice(1);
    if (x.rank !== 4 || C < 2 || x.shape[1] !== dims[0] || x.shape[2] !== dims[1] || (greyCopy.rank === 4 && greyCopy.shape[0] !== x.shape[0])) {
      throw new Error(`${where}: grey [${greyCopy.shape.join(', ')}] does not fit samples [${x.shape.join(', ')}]; allowed: [h, w, 1] or [n, h, w, 1] of images with ≥ 2 channels`);
    }
    const root = Math.sqrt(C);
    const known = tf.mul(greyCopy, root); // the first decoupled channel of a grey image
    const target = final ? known : tf.add(tf.mul(known, sde.alpha(t)), tf.mul(rng.normal([x.shape[0], x.shape[1], x.shape[2], 1]), sde.sigma(t)));
    const current = tf.div(tf.sum(x, 3, true), root);
    // Coupling back moves every channel by (target − current)/√C.
    const out = tf.add(x, tf.div(tf.sub(target, current), root));
    // The driver's final call is the last: nothing else could free the copy.
    if (final) tf.dispose(greyCopy);
    return out;
  };
}
