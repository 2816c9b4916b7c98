import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@scorekit/core';
import type { StepCallback } from '@scorekit/samplers';
import type { Sde } from '@scorekit/sde';

/** Options of {@link inpaint}. */
export interface InpaintOptions {
  /** The forward SDE of the denoiser the sampler runs. */
  readonly sde: Sde;
  /** The known values (data scale): one sample's shape [...dims] or [n, ...dims]; entries where mask = 0 are ignored. */
  readonly known: tf.Tensor;
  /** 1 where the value is known, 0 where it is to be filled: one sample's shape, or [n, ...dims] (broadcast like `known`). */
  readonly mask: tf.Tensor;
  /** The generator of the forward-marginal noise (it advances). */
  readonly rng: Rng;
  /** The batch shape [n, ...dims] the sampler will run, checked now (before any sampling) when given. */
  readonly shape?: readonly number[];
}

/**
 * Inpainting by replacement (score_sde `controllable_generation.py get_pc_inpainter`; Song et al. 2021, App. I):
 * a {@link StepCallback} for `SampleRequest.onStep` that, after every step at time t, overwrites the known
 * entries with a fresh draw of the forward marginal α(t)·known + σ(t)·z, and on the final output with `known`
 * itself — so the returned samples keep the known entries exactly. The unknown entries follow the reverse process;
 * replacement ignores how the known part should steer them, so they are only approximately p(unknown | known)
 * (the package tests measure the gap on a Gaussian mixture).
 *
 * @example
 * const onStep = inpaint({ sde: model.sde, known: image, mask, rng: new Rng(1) });
 * const { samples } = await createSampler('euler-maruyama', { steps: 1000 }).run({ denoiser: model, shape: [8, 28, 28, 1], seed: 0, onStep });
 */
export function inpaint(options: InpaintOptions): StepCallback {
  const where = 'inpaint';
  const { sde, known, mask, rng, shape } = options ?? ({} as InpaintOptions);
  const problems: string[] = [];
  if (sde == null || typeof sde.alpha !== 'function') problems.push('sde must be an Sde from @scorekit/sde');
  if (!(known instanceof tf.Tensor) || known.isDisposed) problems.push('known must be a live tensor, one sample [...dims] or [n, ...dims]');
  if (!(mask instanceof tf.Tensor) || mask.isDisposed) problems.push('mask must be a live tensor of 0/1, one sample [...dims] or [n, ...dims]');
  if (!(rng instanceof Rng)) problems.push('rng must be an Rng from @scorekit/core');
  if (problems.length > 0) throw new Error(`${where}: ${problems.join('; ')}`);
  const values = mask.dataSync();
  if (values.some((v) => v !== 0 && v !== 1)) throw new Error(`${where}: mask must hold only 0 (fill) and 1 (known); found ${values.find((v) => v !== 0 && v !== 1)}`);
  checkBroadcast(known.shape, mask.shape, where);
  if (shape) checkAgainst(shape, known.shape, mask.shape, where);
  // Copies the callback owns (the caller may dispose theirs); kept across the run's tidies.
  const knownCopy = tf.keep(tf.clone(known));
  const maskCopy = tf.keep(tf.cast(mask, 'bool'));
  let checked = false;
  return ({ x, t, final }) => {
    if (knownCopy.isDisposed) throw new Error(`${where}: this callback served one run already (it frees its copies on the final step); make one per run`);
    if (!checked) {
      checkAgainst(x.shape, knownCopy.shape, maskCopy.shape, where);
      checked = true;
    }
    const target = final ? knownCopy : tf.add(tf.mul(knownCopy, sde.alpha(t)), tf.mul(rng.normal(x.shape), sde.sigma(t)));
    // A select, not x + mask·(target − x): that sum rounds in float32, and the known entries must be exact.
    const out = tf.where(tf.broadcastTo(maskCopy, x.shape), tf.broadcastTo(target, x.shape), x);
    // The driver's final call is the last: nothing else could free the copies.
    if (final) tf.dispose([knownCopy, maskCopy]);
    return out;
  };
}

function checkBroadcast(known: readonly number[], mask: readonly number[], where: string): void {
  // Same rank: the same shape. Ranks one apart: the longer is [n, ...dims] of the shorter's dims.
  const [longer, shorter] = known.length >= mask.length ? [known, mask] : [mask, known];
  const ok =
    longer.length === shorter.length ? longer.join(',') === shorter.join(',') : longer.length === shorter.length + 1 && longer.slice(1).join(',') === shorter.join(',');
  if (!ok) throw new Error(`${where}: mask [${mask.join(', ')}] does not match known [${known.join(', ')}]; give both one sample's shape or [n, ...dims] of the same dims`);
}

function checkAgainst(x: readonly number[], known: readonly number[], mask: readonly number[], where: string): void {
  const dims = x.slice(1);
  for (const [name, s] of [['known', known], ['mask', mask]] as const) {
    const one = s.join(',') === dims.join(',');
    const all = s.join(',') === x.join(',');
    if (!one && !all) {
      throw new Error(`${where}: ${name} has shape [${s.join(', ')}] but the samples are [${x.join(', ')}]; allowed: one sample [${dims.join(', ')}] or all [${x.join(', ')}]`);
    }
  }
}
