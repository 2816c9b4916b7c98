import * as tf from '@tensorflow/tfjs-core';
import { VpSde, denoiserFromScore, type Denoiser } from '@scorekit/sde';
import { describeOnBackends, expectAllClose, expectNoTensorLeak } from '@scorekit/test-utils';
import { expect, it } from 'vitest';
import { SAMPLER_NAMES, createSampler, registerPredictor, type SamplerName, type StepInfo } from '../src/index.js';
import { eulerMaruyamaStep } from '../src/internal/sdeSteps.js';
import { thresholdTensor } from '../src/internal/threshold.js';
import { target } from './fixtures.js';

const sde = new VpSde();
const exact = denoiserFromScore(sde, target.scoreFn(sde));

/** A denoiser that counts its calls: the driver's NFE must equal them. */
function counting(inner: Denoiser): { denoiser: Denoiser; calls: () => number } {
  let calls = 0;
  return { denoiser: { sde: inner.sde, predict: (x, t, o) => (calls++, inner.predict(x, t, o)) }, calls: () => calls };
}

const quick: Record<SamplerName, object> = {
  langevin: { steps: 5, stepSize: 0.05 },
  mala: { steps: 5 },
  'annealed-langevin': { sigmas: [1, 0.5, 0.1], stepsPerLevel: 2 },
  'euler-maruyama': { steps: 5 },
  'reverse-diffusion': { steps: 5 },
  ancestral: { steps: 5 },
  pc: { steps: 21 }, // the corrector's α = 1 − β(t)/N needs N > β_max = 20 on VP
  ode: { method: 'heun', steps: 5 },
  ddim: { steps: 5, eta: 0.5 },
  'dpm-solver++': { steps: 5 },
  'edm-heun': { steps: 5 },
};

describeOnBackends('the shared driver', () => {
  for (const name of SAMPLER_NAMES) {
    it(`${name}: steps() sees every step and ends with run()'s samples; NFE counts every denoiser call`, async () => {
      const { denoiser, calls } = counting(exact);
      const viaRun = await createSampler(name, quick[name]).run({ denoiser, shape: [16, 2], seed: 4 });
      expect(viaRun.nfe).toBe(calls());
      const it = createSampler(name, quick[name]).steps({ denoiser: exact, shape: [16, 2], seed: 4 });
      const seen: number[] = [];
      let r = await it.next();
      for (; !r.done; r = await it.next()) {
        const info: StepInfo = r.value;
        expect(info.x.shape).toEqual([16, 2]);
        expect(info.x.isDisposed).toBe(false);
        seen.push(info.i);
      }
      expect(seen).toEqual(Array.from({ length: viaRun.steps }, (_, k) => k));
      // Same seed, same draws: the iterator's result is the run's, bit for bit.
      expectAllClose(r.value.samples, viaRun.samples, 0, 0);
      tf.dispose([r.value.samples, viaRun.samples]);
    });
  }

  it("the x̂₀ a step reports is the denoiser's at the state and time it started from (DDIM, DPM-Solver++)", async () => {
    for (const name of ['ddim', 'dpm-solver++'] as const) {
      let previous: { x: tf.Tensor; t: number } | null = null;
      let checked = 0;
      const r = await createSampler(name, { steps: 6 }).run({
        denoiser: exact,
        shape: [8, 2],
        seed: 1,
        onStep: ({ x, t, x0 }) => {
          if (previous && x0) {
            // Same formula on the same inputs: only float32 rounding of the shared ops differs (none).
            expectAllClose(x0, exact.predict(previous.x, previous.t).x0, 1e-6, 1e-6);
            checked++;
          }
          previous?.x.dispose();
          previous = { x: tf.keep(tf.clone(x)), t };
        },
      });
      expect(checked).toBe(5);
      (previous as { x: tf.Tensor } | null)?.x.dispose();
      r.samples.dispose();
    }
  });

  it('a replacement returned by onStep is the state the next step starts from, and survives the final denoising', async () => {
    // Pin coordinate 0 to 0.25 at every step (inpainting by replacement): the output keeps it exactly.
    for (const name of ['euler-maruyama', 'ddim', 'edm-heun', 'reverse-diffusion'] as const) {
      const mask = tf.tensor2d([[1, 0]]);
      const known = tf.tensor2d([[0.25, 0]]);
      let before: Float32Array | null = null;
      const r = await createSampler(name, { steps: 8 }).run({
        denoiser: exact,
        shape: [32, 2],
        seed: 2,
        onStep: ({ x }) => {
          before = x.dataSync() as Float32Array;
          return tf.add(tf.mul(known, mask), tf.mul(x, tf.sub(1, mask)));
        },
      });
      const v = r.samples.dataSync();
      for (let k = 0; k < 32; k++) expect(v[2 * k]).toBeCloseTo(0.25, 6);
      expect(before).not.toBeNull();
      tf.dispose([r.samples, mask, known]);
    }
  });

  it('the callback is told which call carries the final output (final: true, exactly once, last, without x̂₀)', async () => {
    for (const name of SAMPLER_NAMES) {
      const calls: { final: boolean; x0: boolean }[] = [];
      const r = await createSampler(name, quick[name]).run({
        denoiser: exact,
        shape: [4, 2],
        seed: 1,
        onStep: ({ final, x0 }) => void calls.push({ final: final === true, x0: x0 != null }),
      });
      expect(calls.filter((c) => c.final).length, name).toBe(1);
      expect(calls[calls.length - 1], name).toEqual({ final: true, x0: false });
      r.samples.dispose();
    }
  });

  it('a registered predictor is usable by name in the PC sampler', async () => {
    const name = `em-twin-${tf.getBackend()}`; // the registry is global: one name per backend run
    registerPredictor(name, () => eulerMaruyamaStep);
    expect(() => registerPredictor(name, () => eulerMaruyamaStep)).toThrow(/already registered/);
    const a = await createSampler('pc', { steps: 6, predictor: name, corrector: 'none' }).run({ denoiser: exact, shape: [8, 2], seed: 3 });
    const b = await createSampler('pc', { steps: 6, predictor: 'euler-maruyama', corrector: 'none' }).run({ denoiser: exact, shape: [8, 2], seed: 3 });
    expectAllClose(a.samples, b.samples, 0, 0);
    tf.dispose([a.samples, b.samples]);
    expect(() => createSampler('pc', { predictor: 'nope' })).toThrow(new RegExp(`predictor must be one of .*'${name}'`));
  });

  it('callbacks and iteration leak no tensors', async () => {
    await expectNoTensorLeak(async () => {
      const r = await createSampler('dpm-solver++', { steps: 4 }).run({ denoiser: exact, shape: [8, 2], seed: 1, onStep: ({ x }) => tf.mul(x, 1) });
      r.samples.dispose();
      const it = createSampler('pc', { steps: 21 }).steps({ denoiser: exact, shape: [8, 2], seed: 1 });
      let s = await it.next();
      while (!s.done) s = await it.next();
      s.value.samples.dispose();
    });
  });

  it('x̂₀ thresholding: clip bounds every x̂₀; dynamic thresholding matches the quantile rule in float64', async () => {
    let maxAbs = 0;
    const r = await createSampler('ddim', { steps: 5 }).run({
      denoiser: exact,
      shape: [64, 2],
      seed: 0,
      x0Threshold: { name: 'clip', limit: 0.5 },
      onStep: ({ x0 }) => {
        if (x0) maxAbs = Math.max(maxAbs, ...Array.from(tf.abs(x0).dataSync()));
      },
    });
    expect(maxAbs).toBeLessThanOrEqual(0.5);
    expect(maxAbs).toBeGreaterThan(0.45); // the mixture's x̂₀ reaches past 0.5, so the clip acted
    r.samples.dispose();
    // Dynamic: per sample s = quantile_q(|x₀|) (linear interpolation), clamped to [1, maxLimit], x₀ ← clip(x₀, ±s)/s.
    const rows = [
      [0.1, -3, 2, 0.5, 1.5, -0.2, 4, 0.3],
      [0.2, 0.1, -0.3, 0.4, 0.5, -0.6, 0.7, 0.05],
    ];
    const q = 0.9;
    const expected = rows.map((row) => {
      const sorted = row.map(Math.abs).sort((a, b) => a - b);
      const pos = q * (sorted.length - 1);
      const lo = Math.floor(pos);
      const s = Math.min(Math.max(sorted[lo] + (sorted[lo + 1] - sorted[lo]) * (pos - lo), 1), 3);
      return row.map((v) => Math.min(Math.max(v, -s), s) / s);
    });
    const got = thresholdTensor(tf.tensor2d(rows), { name: 'dynamic', percentile: q, maxLimit: 3 });
    expectAllClose(got, tf.tensor2d(expected), 1e-6, 1e-6); // float32 of O(1) values
    // `kind`, the older spelling of `name`, still reads as before: the same numbers exactly.
    const old = thresholdTensor(tf.tensor2d(rows), { kind: 'dynamic', percentile: q, maxLimit: 3 });
    expectAllClose(old, got, 0, 0);
    tf.dispose([got, old]);
  });

  it('x̂₀ thresholding: the older key kind still runs; kind and name that disagree are refused naming both, before sampling', async () => {
    let maxAbs = 0;
    const r = await createSampler('ddim', { steps: 5 }).run({
      denoiser: exact,
      shape: [64, 2],
      seed: 0,
      x0Threshold: { kind: 'clip', limit: 0.5 },
      onStep: ({ x0 }) => {
        if (x0) maxAbs = Math.max(maxAbs, ...Array.from(tf.abs(x0).dataSync()));
      },
    });
    expect(maxAbs).toBeLessThanOrEqual(0.5);
    expect(maxAbs).toBeGreaterThan(0.45);
    r.samples.dispose();
    const both = { name: 'clip', kind: 'dynamic' } as never;
    await expect(createSampler('ddim', { steps: 5 }).run({ denoiser: exact, shape: [4, 2], seed: 0, x0Threshold: both })).rejects.toThrow(
      /x0Threshold: name "clip" and kind "dynamic" disagree: give only 'name'/,
    );
  });
});
