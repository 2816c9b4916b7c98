import * as tf from '@tensorflow/tfjs-core';
import { sigmoid } from '../activations/sigmoid.js';
import { GROUP_NORM, GROUP_NORM_GRAD, type GroupNormAttrs } from '../wasm/kernels/GroupNorm.js';

/** Options of {@link groupNorm}. */
export interface GroupNormOptions {
  /** Added to the variance under the square root; default 1e-6 (score_sde's GroupNorm). */
  readonly epsilon?: number;
  /** Apply SiLU to the result in the same pass (GN → SiLU is how every DDPM++ block uses it); default false. */
  readonly silu?: boolean;
}

/**
 * GroupNorm, optionally followed by SiLU, composed from tfjs ops: the definition the fused kernels are tested
 * against, the path on backends without them, and the source of the fused gradient's own derivatives (its ops and
 * the second-order-safe sigmoid are correct to every order).
 */
export function groupNormReference(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, groups: number, epsilon: number, silu: boolean): tf.Tensor {
  return tf.tidy(() => {
    const [n, h, w, c] = x.shape;
    const xg = tf.reshape(x, [n, h, w, groups, c / groups]);
    const mean = tf.mean(xg, [1, 2, 4], true);
    const centred = tf.sub(xg, mean);
    const variance = tf.mean(tf.square(centred), [1, 2, 4], true);
    const normed = tf.reshape(tf.div(centred, tf.sqrt(tf.add(variance, epsilon))), [n, h, w, c]);
    const z = tf.add(tf.mul(normed, gamma), beta);
    return silu ? tf.mul(z, sigmoid(z)) : z;
  });
}

/**
 * The vector–Jacobian product of GroupNorm (+ SiLU) in closed form from tfjs ops: with x̂ = (x − μ)·rstd,
 * z = x̂γ + β and dz = dy·act'(z): dβ = Σ dz, dγ = Σ dz·x̂, dx = rstd·(dz·γ − mean_g(dz·γ) − x̂·mean_g(dz·γ·x̂)).
 * Used when the gradient is itself being differentiated (every op here is correct to every order).
 */
function groupNormVjpComposed(dy: tf.Tensor, x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, a: GroupNormAttrs): tf.Tensor[] {
  return tf.tidy(() => {
    const [n, h, w, c] = x.shape;
    const grouped = [n, h, w, a.groups, c / a.groups];
    const axes = [1, 2, 4];
    const xg = tf.reshape(x, grouped);
    const mean = tf.mean(xg, axes, true);
    const centred = tf.sub(xg, mean);
    const rstd = tf.rsqrt(tf.add(tf.mean(tf.square(centred), axes, true), a.epsilon));
    const xhat = tf.reshape(tf.mul(centred, rstd), x.shape);
    let dz = dy;
    if (a.silu) {
      const z = tf.add(tf.mul(xhat, gamma), beta);
      const s = sigmoid(z);
      dz = tf.mul(dy, tf.mul(s, tf.add(1, tf.mul(z, tf.sub(1, s)))));
    }
    const dbeta = tf.sum(dz, [0, 1, 2]);
    const dgamma = tf.sum(tf.mul(dz, xhat), [0, 1, 2]);
    const dxhat = tf.reshape(tf.mul(dz, gamma), grouped);
    const xhatG = tf.reshape(xhat, grouped);
    const dx = tf.mul(
      rstd,
      tf.sub(tf.sub(dxhat, tf.mean(dxhat, axes, true)), tf.mul(xhatG, tf.mean(tf.mul(dxhat, xhatG), axes, true))),
    );
    return [tf.reshape(dx, x.shape), dgamma, dbeta];
  });
}

let gradientsRegistered = false;

/** Gradients of the fused kernels (global, like tfjs's own; the kernels themselves exist on wasm only). */
function registerGroupNormGradients(): void {
  if (gradientsRegistered) return;
  gradientsRegistered = true;
  if (tf.getGradient(GROUP_NORM) === undefined) {
    tf.registerGradient({
      kernelName: GROUP_NORM,
      inputsToSave: ['x', 'gamma', 'beta'],
      outputsToSave: [false, true, true],
      gradFunc: (dys, saved, attrs) => {
        const dy = Array.isArray(dys) ? dys[0] : dys;
        const [x, gamma, beta, mean, rstd] = saved;
        // gradientDepth > 0 during backpropagation means an enclosing tf.grad is recording these gradient ops to
        // differentiate them again: then the composed VJP, which tfjs can differentiate; else one fused kernel
        const grads =
          tf.engine().state.gradientDepth > 0
            ? groupNormVjpComposed(dy, x, gamma, beta, attrs as unknown as GroupNormAttrs)
            : (tf.engine().runKernel(GROUP_NORM_GRAD, { dy, x, gamma, beta, mean, rstd }, attrs as never) as tf.Tensor[]);
        // computed here, not in the closures: tfjs runs each closure in a tidy of its own, which would free the others
        return { x: () => grads[0], gamma: () => grads[1], beta: () => grads[2] };
      },
    });
  }
}

/**
 * GroupNorm over NHWC images (torch.nn.GroupNorm; score_sde uses ε = 1e-6): each sample's channels split into
 * `groups` groups normalised to mean 0 and variance 1 over all pixels, then scaled by `gamma` and shifted by `beta`
 * per channel, and with `silu: true` passed through SiLU. On the wasm backend this is one kernel forward and one
 * backward (native AVX2 with `@scorekit/native`), instead of ~10 tfjs ops and their gradients; gradients of every
 * order are right on every backend.
 *
 * @example
 * const h = groupNorm(x, gamma, beta, 8, { silu: true }); // x [n, 28, 28, 32], gamma and beta [32]
 */
export function groupNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, groups: number, options: GroupNormOptions = {}): tf.Tensor {
  const epsilon = options.epsilon ?? 1e-6;
  const silu = options.silu ?? false;
  if (x.rank !== 4) throw new Error(`groupNorm: x must be NHWC [n, h, w, c], got shape [${x.shape}]`);
  const c = x.shape[3] as number;
  if (!Number.isInteger(groups) || groups < 1 || c % groups !== 0) {
    throw new Error(`groupNorm: groups must be a positive integer dividing the ${c} channels, got ${groups}`);
  }
  if (!(epsilon >= 0)) throw new Error(`groupNorm: epsilon must be ≥ 0, got ${epsilon}`);
  for (const [name, t] of Object.entries({ gamma, beta })) {
    if (t.rank !== 1 || t.shape[0] !== c) throw new Error(`groupNorm: ${name} must have shape [${c}], got [${t.shape}]`);
  }
  const fused =
    x.dtype === 'float32' && gamma.dtype === 'float32' && beta.dtype === 'float32' && tf.getBackend() === 'wasm' && tf.getKernel(GROUP_NORM, 'wasm') !== undefined;
  if (!fused) return groupNormReference(x, gamma, beta, groups, epsilon, silu);
  registerGroupNormGradients();
  const attrs: GroupNormAttrs = { groups, epsilon, silu };
  const [y, mean, rstd] = tf.engine().runKernel(GROUP_NORM, { x, gamma, beta }, attrs as never) as tf.Tensor[];
  mean.dispose();
  rstd.dispose();
  return y;
}
