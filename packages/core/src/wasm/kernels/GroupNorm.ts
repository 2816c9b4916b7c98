import * as tf from '@tensorflow/tfjs-core';
import { runtimeFor } from '../internal/WasmRuntime.js';
import { blockJobThreads } from '../../parallel/wasmThreads.js';

/** Kernel names of the fused GroupNorm (+ optional SiLU) and its gradient (scorekit's own; used by `groupNorm`). */
export const GROUP_NORM = 'ScorekitGroupNorm';
export const GROUP_NORM_GRAD = 'ScorekitGroupNormGrad';

/** The kernels' attributes: the group count, ε under the square root, and whether SiLU follows the affine step. */
export interface GroupNormAttrs {
  readonly groups: number;
  readonly epsilon: number;
  readonly silu: boolean;
}

interface Layout {
  readonly n: number;
  readonly pixels: number;
  readonly channels: number;
  readonly groups: number;
}

/** Checks x [n, h, w, c] (NHWC), γ and β [c], and c divisible by the group count; returns the sizes. */
export function groupNormLayout(kernel: string, x: tf.TensorInfo, gamma: tf.TensorInfo, beta: tf.TensorInfo, groups: number): Layout {
  if (x.shape.length !== 4 || x.dtype !== 'float32') {
    throw new Error(`${kernel}: x must be a float32 NHWC tensor [n, h, w, c], got ${x.dtype} [${x.shape}]`);
  }
  const [n, h, w, c] = x.shape;
  if (!Number.isInteger(groups) || groups < 1 || c % groups !== 0) {
    throw new Error(`${kernel}: groups must be a positive integer dividing the ${c} channels, got ${groups}`);
  }
  for (const [name, t] of Object.entries({ gamma, beta })) {
    if (t.dtype !== 'float32' || t.shape.length !== 1 || t.shape[0] !== c) {
      throw new Error(`${kernel}: ${name} must be float32 [${c}] (one per channel), got ${t.dtype} [${t.shape}]`);
    }
  }
  return { n, pixels: h * w, channels: c, groups };
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/**
 * y = act((x − μ)·rstd·γ + β) per sample and group of c/groups channels over all pixels, with μ and the biased
 * variance from two passes and rstd = 1/√(var + ε); outputs y, μ [n, groups] and rstd [n, groups] (the gradient
 * reuses the last two). One pass of statistics and one of output per sample, instead of tfjs's ~10 kernels.
 */
export const groupNormConfig: tf.KernelConfig = {
  kernelName: GROUP_NORM,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, gamma, beta } = inputs as Record<'x' | 'gamma' | 'beta', tf.TensorInfo>;
    const a = attrs as unknown as GroupNormAttrs;
    const L = groupNormLayout(GROUP_NORM, x, gamma, beta, a.groups);
    const rt = runtimeFor(backend);
    const y = rt.backend.makeOutput(x.shape, 'float32');
    const mean = rt.backend.makeOutput([L.n, L.groups], 'float32');
    const rstd = rt.backend.makeOutput([L.n, L.groups], 'float32');
    const [px, pg, pb, py, pm, pr] = [x, gamma, beta, y, mean, rstd].map((t) => rt.offset(t));
    const native = rt.native();
    if (native?.groupNorm !== undefined) {
      native.groupNorm(rt.memory.buffer, px, pg, pb, py, pm, pr, L.n, L.pixels, L.channels, L.groups, a.epsilon, a.silu ? 1 : 0, blockJobThreads());
      return [y, mean, rstd];
    }
    const f = rt.f32;
    const { n, pixels, channels: C, groups: G } = L;
    const cg = C / G;
    const count = pixels * cg;
    const gam = f.subarray(pg >>> 2, (pg >>> 2) + C);
    const bet = f.subarray(pb >>> 2, (pb >>> 2) + C);
    const sums = new Float64Array(G);
    const scale = new Float64Array(C);
    const shift = new Float64Array(C);
    for (let s = 0; s < n; s++) {
      const base = (px >>> 2) + s * pixels * C;
      const out = (py >>> 2) + s * pixels * C;
      sums.fill(0);
      for (let p = 0; p < pixels; p++) {
        const row = base + p * C;
        for (let g = 0; g < G; g++) {
          let acc = 0;
          for (let c = g * cg; c < (g + 1) * cg; c++) acc += f[row + c];
          sums[g] += acc;
        }
      }
      const mu = Array.from(sums, (v) => v / count);
      sums.fill(0);
      for (let p = 0; p < pixels; p++) {
        const row = base + p * C;
        for (let g = 0; g < G; g++) {
          let acc = 0;
          const m = mu[g];
          for (let c = g * cg; c < (g + 1) * cg; c++) {
            const d = f[row + c] - m;
            acc += d * d;
          }
          sums[g] += acc;
        }
      }
      for (let g = 0; g < G; g++) {
        const r = 1 / Math.sqrt(sums[g] / count + a.epsilon);
        f[(pm >>> 2) + s * G + g] = mu[g];
        f[(pr >>> 2) + s * G + g] = r;
        for (let c = g * cg; c < (g + 1) * cg; c++) {
          scale[c] = r * gam[c];
          shift[c] = bet[c] - mu[g] * r * gam[c];
        }
      }
      for (let p = 0; p < pixels; p++) {
        const row = p * C;
        for (let c = 0; c < C; c++) {
          const z = f[base + row + c] * scale[c] + shift[c];
          f[out + row + c] = a.silu ? z * sigmoid(z) : z;
        }
      }
    }
    return [y, mean, rstd];
  },
};

/**
 * The gradient of {@link groupNormConfig}: from dy, x, γ, β and the forward's μ and rstd, outputs dx, dγ and dβ.
 * With z = x̂γ + β (x̂ = (x − μ)·rstd) and dz = dy·act'(z): dβ = Σ dz, dγ = Σ dz·x̂ over samples and pixels, and
 * dx = rstd·(dz·γ − mean_g(dz·γ) − x̂·mean_g(dz·γ·x̂)) within each sample's group (the standard normalisation
 * gradient, e.g. torch's native_group_norm_backward).
 */
export const groupNormGradConfig: tf.KernelConfig = {
  kernelName: GROUP_NORM_GRAD,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { dy, x, gamma, beta, mean, rstd } = inputs as Record<'dy' | 'x' | 'gamma' | 'beta' | 'mean' | 'rstd', tf.TensorInfo>;
    const a = attrs as unknown as GroupNormAttrs;
    const L = groupNormLayout(GROUP_NORM_GRAD, x, gamma, beta, a.groups);
    if (dy.dtype !== 'float32' || !tf.util.arraysEqual(dy.shape, x.shape)) {
      throw new Error(`${GROUP_NORM_GRAD}: dy must be float32 shaped like x [${x.shape}], got ${dy.dtype} [${dy.shape}]`);
    }
    for (const [name, t] of Object.entries({ mean, rstd })) {
      if (t.dtype !== 'float32' || !tf.util.arraysEqual(t.shape, [L.n, L.groups])) {
        throw new Error(`${GROUP_NORM_GRAD}: ${name} must be float32 [${L.n}, ${L.groups}], got ${t.dtype} [${t.shape}]`);
      }
    }
    const rt = runtimeFor(backend);
    const dx = rt.backend.makeOutput(x.shape, 'float32');
    const dgamma = rt.backend.makeOutput([L.channels], 'float32');
    const dbeta = rt.backend.makeOutput([L.channels], 'float32');
    const [pdy, px, pg, pb, pm, pr, pdx, pdg, pdb] = [dy, x, gamma, beta, mean, rstd, dx, dgamma, dbeta].map((t) => rt.offset(t));
    const native = rt.native();
    if (native?.groupNormGrad !== undefined) {
      native.groupNormGrad(
        rt.memory.buffer, pdy, px, pg, pb, pm, pr, pdx, pdg, pdb, L.n, L.pixels, L.channels, L.groups, a.silu ? 1 : 0, blockJobThreads(),
      );
      return [dx, dgamma, dbeta];
    }
    const f = rt.f32;
    const { n, pixels, channels: C, groups: G } = L;
    const cg = C / G;
    const count = pixels * cg;
    const gam = f.slice(pg >>> 2, (pg >>> 2) + C);
    const bet = f.slice(pb >>> 2, (pb >>> 2) + C);
    const dg = new Float64Array(C);
    const db = new Float64Array(C);
    const sdg = new Float64Array(C);
    const sdb = new Float64Array(C);
    for (let s = 0; s < n; s++) {
      const xb = (px >>> 2) + s * pixels * C;
      const dyb = (pdy >>> 2) + s * pixels * C;
      const dxb = (pdx >>> 2) + s * pixels * C;
      const mu = f.slice((pm >>> 2) + s * G, (pm >>> 2) + (s + 1) * G);
      const rs = f.slice((pr >>> 2) + s * G, (pr >>> 2) + (s + 1) * G);
      // per channel within this sample: Σ dz and Σ dz·x̂ (dβ, dγ; and, times γ, the group means of dx's formula)
      sdb.fill(0);
      sdg.fill(0);
      for (let p = 0; p < pixels; p++) {
        const row = p * C;
        for (let c = 0; c < C; c++) {
          const g = (c / cg) | 0;
          const xh = (f[xb + row + c] - mu[g]) * rs[g];
          let dz = f[dyb + row + c];
          if (a.silu) {
            const z = xh * gam[c] + bet[c];
            const sg = sigmoid(z);
            dz *= sg * (1 + z * (1 - sg));
          }
          sdb[c] += dz;
          sdg[c] += dz * xh;
        }
      }
      const m1 = new Float64Array(G);
      const m2 = new Float64Array(G);
      for (let c = 0; c < C; c++) {
        const g = (c / cg) | 0;
        m1[g] += sdb[c] * gam[c];
        m2[g] += sdg[c] * gam[c];
        db[c] += sdb[c];
        dg[c] += sdg[c];
      }
      for (let g = 0; g < G; g++) {
        m1[g] /= count;
        m2[g] /= count;
      }
      for (let p = 0; p < pixels; p++) {
        const row = p * C;
        for (let c = 0; c < C; c++) {
          const g = (c / cg) | 0;
          const xh = (f[xb + row + c] - mu[g]) * rs[g];
          let dz = f[dyb + row + c];
          if (a.silu) {
            const z = xh * gam[c] + bet[c];
            const sg = sigmoid(z);
            dz *= sg * (1 + z * (1 - sg));
          }
          f[dxb + row + c] = rs[g] * (dz * gam[c] - m1[g] - xh * m2[g]);
        }
      }
    }
    for (let c = 0; c < C; c++) {
      f[(pdg >>> 2) + c] = dg[c];
      f[(pdb >>> 2) + c] = db[c];
    }
    return [dx, dgamma, dbeta];
  },
};
