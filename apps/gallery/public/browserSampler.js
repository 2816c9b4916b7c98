// In-browser sampling from a scorekit checkpoint with TensorFlow.js alone: the safetensors reader, the MLP score
// network, the VP/sub-VP/VE SDE coefficients and two samplers (Euler–Maruyama on the reverse SDE, DDIM η = 0).
// It stands in until the @scorekit packages load in browsers (issue 15, item 1); it follows their definitions
// (packages/models MlpNetwork.ts and ScoreModel.ts, packages/sde) and test/browserSampler.test.ts checks it
// against them. `tf` is passed in: the page hands over the global from /vendor/tf.es2017.min.js, the test Node's tfjs.

/**
 * Reads a safetensors file (8-byte little-endian header length, JSON header, raw little-endian data) into
 * tensors: { tensors: { name: tf.Tensor }, metadata }. Only F32 is read (all the trainer writes for weights).
 *
 * @param {any} tf the TensorFlow.js module
 * @param {ArrayBuffer | Uint8Array} buffer the file's bytes
 * @returns {{ tensors: Record<string, any>, metadata: Record<string, string> }}
 */
export function readSafetensors(tf, buffer) {
  const bytes = new Uint8Array(buffer);
  if (bytes.length < 8) throw new Error('not a safetensors file: shorter than its 8-byte header length');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > bytes.length - 8) throw new Error(`safetensors header length ${headerLength} exceeds the file (${bytes.length} bytes)`);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  const start = 8 + headerLength;
  const tensors = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    if (entry.dtype !== 'F32') throw new Error(`tensor '${name}' has dtype ${entry.dtype}; the browser sampler reads F32 only`);
    const [b, e] = entry.data_offsets;
    const count = entry.shape.reduce((a, c) => a * c, 1);
    if (e - b !== 4 * count || start + e > bytes.length) throw new Error(`tensor '${name}': data offsets [${b}, ${e}] do not fit its shape [${entry.shape}]`);
    const values = new Float32Array(count);
    for (let i = 0; i < count; i++) values[i] = view.getFloat32(start + b + 4 * i, true);
    tensors[name] = tf.tensor(values, entry.shape, 'float32');
  }
  return { tensors, metadata: header.__metadata__ ?? {} };
}

/**
 * The SDE's marginal coefficients α(t), σ(t) and drift/diffusion f(x, t) = a(t)·x, g(t), from a config `{ name, ...options }`.
 *
 * @param {string | { name: string, [option: string]: unknown }} config
 */
export function createSde(config) {
  const c = typeof config === 'string' ? { name: config } : config;
  if (c.name === 'vp' || c.name === 'subvp') {
    const b0 = c.betaMin ?? 0.1;
    const b1 = c.betaMax ?? 20;
    const beta = (t) => b0 + t * (b1 - b0);
    const logMean = (t) => -0.25 * t * t * (b1 - b0) - 0.5 * t * b0; // score_sde sde_lib.py VPSDE.marginal_prob
    const alpha = (t) => Math.exp(logMean(t));
    if (c.name === 'vp') {
      return { name: 'vp', T: 1, eps: 1e-3, alpha, sigma: (t) => Math.sqrt(1 - Math.exp(2 * logMean(t))), driftCoef: (t) => -0.5 * beta(t), diffusion: (t) => Math.sqrt(beta(t)) };
    }
    // score_sde subVPSDE: std = 1 − exp(2·logMean), g² = β(t)(1 − exp(−2β₀t − (β₁−β₀)t²))
    return {
      name: 'subvp', T: 1, eps: 1e-3, alpha,
      sigma: (t) => 1 - Math.exp(2 * logMean(t)),
      driftCoef: (t) => -0.5 * beta(t),
      diffusion: (t) => Math.sqrt(beta(t) * (1 - Math.exp(-2 * b0 * t - (b1 - b0) * t * t))),
    };
  }
  if (c.name === 've') {
    const s0 = c.sigmaMin ?? 0.01;
    const s1 = c.sigmaMax ?? 50;
    const sigma = (t) => s0 * (s1 / s0) ** t; // score_sde VESDE.marginal_prob
    return { name: 've', T: 1, eps: 1e-5, alpha: () => 1, sigma, driftCoef: () => 0, diffusion: (t) => sigma(t) * Math.sqrt(2 * Math.log(s1 / s0)) };
  }
  throw new Error(`the browser sampler supports the vp, subvp and ve SDEs, not '${c.name}'`);
}

/**
 * The score model of an MLP checkpoint: `predict(x, t)` in the parameterisation's own terms and `eps`, `score`
 * for x [n, dim] and a scalar t. Mirrors createMlp (sinusoidal or Fourier embedding of c_noise, concatenated with
 * x, `depth` dense layers with silu/softplus/tanh, a dense output) and createScoreModel (parameterisations score,
 * eps, x0, v; conditionings time, time999, sigma, logSigma).
 *
 * @param {any} tf the TensorFlow.js module
 * @param {{ network: any, sde: any, scoreModel?: any }} config the checkpoint's network config and the run's sde / scoreModel
 * @param {Record<string, any>} weights tensors by name (see readSafetensors)
 */
export function createMlpScoreModel(tf, { network, sde: sdeConfig, scoreModel = {} }, weights) {
  if (network.kind !== 'mlp') throw new Error(`the browser sampler runs MLP checkpoints only (2D runs), not '${network.kind}' — image runs wait for @scorekit/models in the browser`);
  if ((network.numClasses ?? 0) > 0) throw new Error('class-conditional checkpoints are not supported by the browser sampler yet');
  const sde = createSde(sdeConfig);
  const ve = sde.name === 've';
  const parameterisation = scoreModel.parameterisation ?? (ve ? 'score' : 'eps');
  const conditioning = scoreModel.conditioning ?? (ve ? 'logSigma' : 'time999');
  const scaleBySigma = scoreModel.scaleBySigma ?? (ve && parameterisation === 'score');
  if (!['score', 'eps', 'x0', 'v'].includes(parameterisation)) throw new Error(`parameterisation '${parameterisation}' is not supported by the browser sampler (score, eps, x0, v)`);
  if (!['time', 'time999', 'sigma', 'logSigma'].includes(conditioning)) throw new Error(`conditioning '${conditioning}' is not supported by the browser sampler`);
  const E = network.embeddingDim ?? 32;
  const depth = network.depth ?? 3;
  const act = { silu: (h) => tf.mul(h, tf.sigmoid(h)), softplus: (h) => tf.softplus(h), tanh: (h) => tf.tanh(h) }[network.activation ?? 'silu'];
  const need = (name) => {
    if (!weights[name]) throw new Error(`the checkpoint has no tensor '${name}' (an MLP of depth ${depth} needs it)`);
    return weights[name];
  };
  const layers = Array.from({ length: depth }, (_, i) => [need(`hidden${i}/kernel`), need(`hidden${i}/bias`)]);
  const out = [need('out/kernel'), need('out/bias')];
  const fourier = (network.embedding ?? 'sinusoidal') === 'fourier' ? need('temb/fourier/frequencies') : null;

  const embed = (c) => {
    if (fourier) {
      // score_sde GaussianFourierProjection: [sin(2π c f), cos(2π c f)]
      const args = tf.mul(tf.reshape(c, [-1, 1]), tf.mul(tf.reshape(fourier, [1, -1]), 2 * Math.PI));
      return tf.concat([tf.sin(args), tf.cos(args)], 1);
    }
    const half = Math.floor(E / 2);
    const step = Math.log(10000) / (half - 1); // score_sde layers.py get_timestep_embedding
    const freqs = tf.tensor(Float32Array.from({ length: half }, (_, i) => Math.exp(-step * i)), [1, half]);
    const args = tf.mul(tf.reshape(c, [-1, 1]), freqs);
    const emb = tf.concat([tf.sin(args), tf.cos(args)], 1);
    return E % 2 === 1 ? tf.pad(emb, [[0, 0], [0, 1]]) : emb;
  };
  const cNoise = (t) => ({ time: t, time999: 999 * t, sigma: sde.sigma(t), logSigma: Math.log(sde.sigma(t)) })[conditioning];

  const predict = (x, t) =>
    tf.tidy(() => {
      const n = x.shape[0];
      let h = tf.concat([x, embed(tf.fill([n], cNoise(t)))], 1);
      for (const [k, b] of layers) h = act(tf.add(tf.matMul(h, k), b));
      const F = tf.add(tf.matMul(h, out[0]), out[1]);
      return parameterisation === 'score' && scaleBySigma ? tf.div(F, sde.sigma(t)) : F;
    });
  const eps = (x, t) =>
    tf.tidy(() => {
      const a = sde.alpha(t);
      const s = sde.sigma(t);
      const p = predict(x, t);
      switch (parameterisation) {
        case 'score':
          return tf.mul(p, -s);
        case 'eps':
          return p;
        case 'x0':
          return tf.div(tf.sub(x, tf.mul(p, a)), s);
        case 'v':
          return tf.div(tf.add(tf.mul(x, s), tf.mul(p, a)), a * a + s * s);
      }
    });
  const score = (x, t) => tf.tidy(() => (parameterisation === 'score' ? predict(x, t) : tf.div(eps(x, t), -sde.sigma(t))));
  return { sde, dim: network.dim, predict, eps, score, parameterisation, conditioning };
}

/** The samplers the browser offers, with their NFE for `steps`. */
export const BROWSER_SAMPLERS = ['euler-maruyama', 'ddim'];

/**
 * Draws `n` samples: `euler-maruyama` integrates the reverse SDE dx = [f − g²s]dt + g dw̄ from T to eps in
 * `steps` equal steps and returns the last step's mean (score_sde's denoising); `ddim` (η = 0) moves along
 * x̂₀ and ε̂ between the same times (Song et al. 2021). Noise comes from tf.randomNormal seeded with `seed` and the
 * step number. `onProgress(step, steps)` is awaited after every step so the page can repaint. Returns a
 * tf.Tensor [n, dim]; every intermediate is disposed.
 *
 * @param {any} tf the TensorFlow.js module
 * @param {{ sde: any, dim: number, eps: Function, score: Function }} model from createMlpScoreModel (or any model with exact eps/score)
 * @param {{ sampler?: string, steps?: number, n?: number, seed?: number, onProgress?: (step: number, total: number) => unknown, init?: any }} [options]
 */
export async function sampleInBrowser(tf, model, { sampler = 'euler-maruyama', steps = 10, n = 500, seed = 0, onProgress, init } = {}) {
  if (!BROWSER_SAMPLERS.includes(sampler)) throw new Error(`unknown sampler '${sampler}' (allowed: ${BROWSER_SAMPLERS.join(', ')})`);
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`steps must be an integer ≥ 1, got ${steps}`);
  if (!Number.isInteger(n) || n < 1) throw new Error(`n must be an integer ≥ 1, got ${n}`);
  const { sde } = model;
  const times = Array.from({ length: steps + 1 }, (_, i) => sde.T + ((sde.eps - sde.T) * i) / steps);
  // The prior: N(0, σ(T)²) for VE, N(0, I) for VP-type SDEs (α(T)² + σ(T)² ≈ 1).
  let x = tf.tidy(() => (init ? tf.clone(init) : tf.mul(tf.randomNormal([n, model.dim], 0, 1, 'float32', seed * 7919 + 1), sde.name === 've' ? sde.sigma(sde.T) : 1)));
  for (let i = 0; i < steps; i++) {
    const [t, s] = [times[i], times[i + 1]];
    const next = tf.tidy(() => {
      if (sampler === 'ddim') {
        const e = model.eps(x, t);
        const x0 = tf.div(tf.sub(x, tf.mul(e, sde.sigma(t))), sde.alpha(t));
        return tf.add(tf.mul(x0, sde.alpha(s)), tf.mul(e, sde.sigma(s)));
      }
      const dt = s - t; // negative
      const g = sde.diffusion(t);
      const drift = tf.sub(tf.mul(x, sde.driftCoef(t)), tf.mul(model.score(x, t), g * g));
      const mean = tf.add(x, tf.mul(drift, dt));
      if (i === steps - 1) return mean;
      return tf.add(mean, tf.mul(tf.randomNormal(x.shape, 0, 1, 'float32', seed * 7919 + 2 + i), g * Math.sqrt(-dt)));
    });
    x.dispose();
    x = next;
    if (onProgress) await onProgress(i + 1, steps);
  }
  return x;
}

/** The score field s(x, t) on a `count`×`count` grid over `view` = [xmin, xmax, ymin, ymax], as arrows. */
export function scoreField(tf, model, t, view, count = 15) {
  const [xa, xb, ya, yb] = view;
  const pts = [];
  for (let j = 0; j < count; j++) for (let i = 0; i < count; i++) pts.push(xa + ((i + 0.5) * (xb - xa)) / count, ya + ((j + 0.5) * (yb - ya)) / count);
  const s = tf.tidy(() => model.score(tf.tensor(pts, [count * count, 2]), t));
  const v = s.dataSync();
  s.dispose();
  return Array.from({ length: count * count }, (_, k) => ({ x: pts[2 * k], y: pts[2 * k + 1], dx: v[2 * k], dy: v[2 * k + 1] }));
}

/**
 * Maps data x₀ [n, dim] to latents x_T along the probability-flow ODE, by DDIM (η = 0) run from eps up to T in
 * `steps` equal steps — DDIM is the ODE's first-order solver in (α, σ), so decoding with the same steps inverts it
 * up to O(1/steps) (Song et al. 2021, §4.3 "encoding"). Returns a new tensor; intermediates are disposed.
 *
 * @param {any} tf the TensorFlow.js module
 * @param {{ sde: any, eps: Function }} model
 * @param {any} x0 data points [n, dim]
 * @param {number} [steps]
 */
export function encodeOde(tf, model, x0, steps = 100) {
  const { sde } = model;
  let x = tf.clone(x0);
  for (let i = 0; i < steps; i++) {
    const t = sde.eps + ((sde.T - sde.eps) * i) / steps;
    const s = sde.eps + ((sde.T - sde.eps) * (i + 1)) / steps;
    const next = tf.tidy(() => {
      const e = model.eps(x, t);
      const xHat = tf.div(tf.sub(x, tf.mul(e, sde.sigma(t))), sde.alpha(t));
      return tf.add(tf.mul(xHat, sde.alpha(s)), tf.mul(e, sde.sigma(s)));
    });
    x.dispose();
    x = next;
  }
  return x;
}

/** Spherical interpolation between latents a and b ([dim] arrays) at λ ∈ [0, 1] — keeps the prior's norm. */
export function slerp(a, b, lambda) {
  const dot = a.reduce((p, v, i) => p + v * b[i], 0);
  const na = Math.hypot(...a);
  const nb = Math.hypot(...b);
  const omega = Math.acos(Math.min(1, Math.max(-1, dot / (na * nb))));
  if (omega < 1e-6) return a.map((v, i) => v + lambda * (b[i] - v));
  const [wa, wb] = [Math.sin((1 - lambda) * omega) / Math.sin(omega), Math.sin(lambda * omega) / Math.sin(omega)];
  return a.map((v, i) => wa * v + wb * b[i]);
}

/**
 * Interpolates between two data points through the probability-flow ODE: encode both, slerp their latents at
 * `count` evenly spaced λ, decode every one with DDIM. Returns `count` points as arrays (first ≈ a, last ≈ b).
 *
 * @param {any} tf the TensorFlow.js module
 * @param {{ sde: any, dim: number, eps: Function, score: Function }} model
 * @param {number[]} a
 * @param {number[]} b
 * @param {{ count?: number, steps?: number }} [options]
 */
export async function interpolateOde(tf, model, a, b, { count = 9, steps = 100 } = {}) {
  const ends = tf.tensor2d([a, b]);
  const latents = encodeOde(tf, model, ends, steps);
  ends.dispose();
  const [za, zb] = (await latents.array());
  latents.dispose();
  const path = Array.from({ length: count }, (_, k) => slerp(za, zb, count === 1 ? 0 : k / (count - 1)));
  const init = tf.tensor2d(path);
  const decoded = await sampleInBrowser(tf, model, { sampler: 'ddim', steps, n: count, init });
  init.dispose();
  const out = await decoded.array();
  decoded.dispose();
  return out;
}
