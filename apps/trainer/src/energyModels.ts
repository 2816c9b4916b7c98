import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@scorekit/core';
import type { JsonValue } from '@scorekit/core';
import { EbmTrainer, HopfieldNetwork, Rbm, RbmTrainer, shortRunLangevin } from '@scorekit/energy';
import { createNetwork } from '@scorekit/models';
import type { CheckpointedModule, EnergyNetwork, NamedVariable } from '@scorekit/models';
import type { EbmCdRunConfig, EnergyTrainConfig, HopfieldRunConfig, RbmRunConfig } from './energyConfig.js';

/** One training step's figures: `loss` is the kind's monitor (see {@link EnergyModel.lossName}). */
export interface EnergyStepResult {
  readonly loss: number;
}

/** How samples start (`scorekit sample`): random states, or the given data rows (RBM reconstructions, Hopfield recall). */
export interface EnergyDrawOptions {
  /** rbm: Gibbs sweeps; hopfield: update sweeps/steps at most; ebm-cd: Langevin steps. */
  readonly steps: number;
  /** ebm-cd: Langevin step size. */
  readonly stepSize?: number;
  /** Data rows to start from, [n, V] in the model's units (0/1 for an RBM, ±1 for Hopfield); default random. */
  readonly start?: tf.Tensor2D;
}

/**
 * An energy model in a training run: its parameters and checkpointed state, one training step, and sampling.
 * `module` is what the checkpoint code of @scorekit/models saves (config + named variables); state that changes
 * shape during training (the replay buffer, stored patterns) goes through `state()` / `loadState()`.
 */
export interface EnergyModel {
  readonly name: EnergyTrainConfig['name'];
  /** The checkpointed config and parameters (plus fixed-shape state such as PCD chains). */
  readonly module: CheckpointedModule;
  readonly optimizer: tf.Optimizer | null;
  readonly parameterCount: number;
  /** What `loss` in metrics.jsonl measures for this kind. */
  readonly lossName: string;
  readonly description: string;
  /** One update from a data batch [n, ...pointShape] in model units (inside no tidy: trainers manage memory). */
  step(batch: tf.Tensor2D, rng: Rng): EnergyStepResult;
  /** State of variable shape, saved as extra tensors of the checkpoint. */
  state(): Record<string, tf.Tensor>;
  loadState(tensors: tf.NamedTensorMap): void;
  /** Hopfield: n of the stored patterns ±1 [n, N], cycling (null before any is stored). */
  storedPatterns?(n: number): tf.Tensor2D | null;
  /** n samples [n, V] in model units. */
  draw(n: number, rng: Rng, options: EnergyDrawOptions): tf.Tensor2D;
  dispose(): void;
}

/**
 * Builds the energy model a (validated) config names for data points of `pointSize` numbers, its initial weights
 * from `new Rng(seed)`. `visibleBias` (RBM only) sets the initial visible biases (log-odds of the pixel means).
 *
 * @example
 * const model = createEnergyModel(config, 784, { visibleBias });
 */
export function createEnergyModel(config: EnergyTrainConfig, pointSize: number, init: { visibleBias?: tf.Tensor1D } = {}): EnergyModel {
  if (config.name === 'rbm') return rbmModel(config, pointSize, init.visibleBias);
  if (config.name === 'hopfield') return hopfieldModel(config, pointSize);
  return ebmModel(config, pointSize);
}

function named(name: string, variable: tf.Variable, trainable = true): NamedVariable {
  return { name, variable, trainable };
}

function rbmModel(config: RbmRunConfig, visibleUnits: number, visibleBias?: tf.Tensor1D): EnergyModel {
  const rbm = Rbm.create(visibleUnits, config.hiddenUnits, { rng: new Rng(config.seed), weightStd: config.weightStd, ...(visibleBias ? { visibleBias } : {}) });
  const optimizer = config.momentum > 0 ? tf.train.momentum(config.lr, config.momentum) : null;
  // The trainer's rng is swapped per call (the run's noise stream); RbmTrainer reads it from its options.
  const options = { rng: new Rng(0), k: config.k, persistent: config.persistent, chains: config.batchSize, learningRate: config.lr, weightDecay: config.weightDecay, ...(optimizer ? { optimizer } : {}) };
  const trainer = new RbmTrainer(rbm, options);
  // PCD chains have a fixed shape [batchSize, V]: they are a (non-trainable) variable of the checkpoint.
  const chains = config.persistent ? tf.variable(tf.zeros([config.batchSize, visibleUnits]), false) : null;
  const variables = [named('weights', rbm.weights), named('visibleBias', rbm.visibleBias), named('hiddenBias', rbm.hiddenBias), ...(chains ? [named('chains', chains, false)] : [])];
  return {
    name: 'rbm',
    module: {
      config: { name: 'rbm', visibleUnits, hiddenUnits: config.hiddenUnits } as CheckpointedModule['config'],
      get variables() {
        // Copied in before every save, read back after a restore (see loadState).
        if (chains && trainer.chains) chains.assign(trainer.chains);
        return variables;
      },
    },
    optimizer,
    parameterCount: visibleUnits * config.hiddenUnits + visibleUnits + config.hiddenUnits,
    lossName: 'reconstruction error (mean squared, per pixel, mean-field)',
    description: `RBM ${visibleUnits}×${config.hiddenUnits}, ${config.persistent ? 'PCD' : 'CD'}-${config.k}`,
    step(batch, rng) {
      (options as { rng: Rng }).rng = rng;
      trainer.step(batch);
      // A monitor, not the objective (Hinton's guide §5): how well v → p(h|v) → p(v|h) reproduces the batch.
      const loss = tf.tidy(() => tf.mean(tf.square(tf.sub(rbm.visibleProbabilities(rbm.hiddenProbabilities(batch)), batch))).dataSync()[0]!);
      return { loss };
    },
    state: () => ({}),
    loadState() {
      if (chains && config.persistent) trainer.setChains(chains as unknown as tf.Tensor2D);
    },
    draw(n, rng, o) {
      // Chains start from the data rows, or from p(v) of the biases alone; the last half-step's probabilities
      // p(v|h) are returned (the usual picture of an RBM sample: the mean of the final visible layer).
      let v = o.start ? tf.clone(o.start) : tf.tidy(() => tf.cast(tf.less(rng.uniform([n, visibleUnits]), tf.sigmoid(tf.broadcastTo(rbm.visibleBias, [n, visibleUnits]))), 'float32') as tf.Tensor2D);
      if (o.steps === 0) return v;
      for (let s = 0; s < o.steps; s++) {
        const next = tf.tidy(() => {
          const h = rbm.sampleHidden(v, rng);
          return s === o.steps - 1 ? rbm.visibleProbabilities(h) : rbm.sampleVisible(h, rng);
        });
        v.dispose();
        v = next;
      }
      return v;
    },
    dispose() {
      trainer.dispose();
      rbm.dispose();
      chains?.dispose();
      optimizer?.dispose();
    },
  };
}

function hopfieldModel(config: HopfieldRunConfig, units: number): EnergyModel {
  // Hebb's rule summed exactly: Σ ξξᵀ over the stored ±1 patterns holds integers, so batches add up exactly and
  // the weights stay exactly symmetric; W = sums / N is formed when the network is used.
  const sums = tf.variable(tf.zeros([units, units]), false);
  let patterns: Float32Array = new Float32Array(0);
  const network = () => tf.tidy(() => tf.div(sums, units) as tf.Tensor2D);
  return {
    name: 'hopfield',
    module: { config: { name: 'hopfield', units } as CheckpointedModule['config'], variables: [named('hebbianSums', sums, false)] },
    optimizer: null,
    parameterCount: (units * (units - 1)) / 2,
    lossName: 'fraction of the stored batch bits that one synchronous update flips (crosstalk; 0 below capacity)',
    description: `Hopfield network of ${units} ${config.units} units, Hebbian storage`,
    step(batch) {
      tf.tidy(() => {
        const outer = tf.matMul(batch, batch, true, false);
        sums.assign(tf.add(sums, tf.mul(outer, tf.sub(1, tf.eye(units)))));
      });
      const stored = new Float32Array(patterns.length + batch.size);
      stored.set(patterns);
      stored.set(batch.dataSync(), patterns.length);
      patterns = stored;
      const w = network();
      const net = new HopfieldNetwork(w, { units: 'binary' });
      w.dispose();
      const loss = tf.tidy(() => {
        const next = net.synchronousStep(batch);
        return tf.mean(tf.cast(tf.notEqual(next, batch), 'float32')).dataSync()[0]!;
      });
      net.dispose();
      return { loss };
    },
    state: (): Record<string, tf.Tensor> => (patterns.length > 0 ? { patterns: tf.tensor2d(patterns, [patterns.length / units, units]) } : {}),
    loadState(tensors) {
      patterns = tensors.patterns ? Float32Array.from(tensors.patterns.dataSync()) : new Float32Array(0);
    },
    storedPatterns(n) {
      // The stored patterns in turn (the first n, cycling when fewer are stored).
      const stored = patterns.length / units;
      if (stored === 0) return null;
      const values = new Float32Array(n * units);
      for (let i = 0; i < n; i++) values.set(patterns.subarray((i % stored) * units, ((i % stored) + 1) * units), i * units);
      return tf.tensor2d(values, [n, units]);
    },
    draw(n, rng, o) {
      const w = network();
      const net = new HopfieldNetwork(w, { units: config.units, gain: config.gain });
      w.dispose();
      try {
        const start = o.start ? tf.clone(o.start) : tf.tidy(() => tf.sub(tf.mul(tf.cast(tf.less(rng.uniform([n, units]), 0.5), 'float32'), 2), 1) as tf.Tensor2D);
        if (o.steps === 0) return start;
        const { states } = net.recall(start, { mode: config.sampler.mode, rng, maxIterations: o.steps });
        start.dispose();
        return states;
      } finally {
        net.dispose();
      }
    },
    dispose() {
      sums.dispose();
    },
  };
}

function ebmModel(config: EbmCdRunConfig, dim: number): EnergyModel {
  const network = createNetwork(
    { name: 'energy', network: { name: 'mlp', dim, outputDim: 1, width: config.network.width, depth: config.network.depth, activation: config.network.activation } } as never,
    { rng: new Rng(config.seed) },
  ) as EnergyNetwork;
  const energy = (x: tf.Tensor) => tf.tidy(() => network.energy(x, tf.zeros([x.shape[0]!])));
  // score_sde-style Adam (β 0.9, 0.999); tfjs's own so that the optimizer state checkpoints as for score models.
  const optimizer = tf.train.adam(config.lr, 0.9, 0.999, 1e-8);
  const box = config.box;
  let rng = new Rng(0);
  const trainer = new EbmTrainer({
    energy,
    variables: network.trainableVariables(),
    optimizer,
    get rng() {
      return rng;
    },
    langevin: { ...config.langevin, clip: [-box, box] },
    init: (m: number, r: Rng) => r.uniform([m, dim], -box, box),
    buffer: { sampleShape: [dim], capacity: config.buffer.capacity, reinitProbability: config.buffer.reinitProbability },
    regularization: config.regularization,
  });
  return {
    name: 'ebm-cd',
    module: network,
    optimizer,
    parameterCount: network.parameterCount,
    lossName: 'contrastive loss: mean E(data) − mean E(negatives) + α(E² terms)',
    description: `deep EBM (MLP ${dim}→${config.network.width}×${config.network.depth}→1), CD with ${config.langevin.steps} Langevin steps and a replay buffer`,
    step(batch, r) {
      rng = r;
      return { loss: trainer.step(batch) };
    },
    state(): Record<string, tf.Tensor> {
      const snap = trainer.buffer.snapshot();
      return snap.size > 0 ? { buffer: tf.tensor2d(snap.values, [snap.size, dim]), bufferNext: tf.scalar(snap.next) } : {};
    },
    loadState(tensors) {
      const values = tensors.buffer?.dataSync() ?? new Float32Array(0);
      trainer.buffer.restore({ values, size: values.length / dim, next: tensors.bufferNext?.dataSync()[0] ?? 0 });
    },
    draw(n, r, o) {
      const x0 = o.start ? tf.clone(o.start) : r.uniform([n, dim], -box, box);
      const x = shortRunLangevin(energy, x0, { rng: r, steps: o.steps, stepSize: o.stepSize ?? config.sampler.stepSize, clip: [-box, box] });
      x0.dispose();
      return x as tf.Tensor2D;
    },
    dispose() {
      network.dispose();
      optimizer.dispose();
    },
  };
}

/**
 * ±1 states with each unit flipped with probability `fraction` (corrupted memories for Hopfield recall).
 *
 * @example
 * const noisy = flipUnits(patterns, 0.1, rng);
 */
export function flipUnits(states: tf.Tensor2D, fraction: number, rng: Rng): tf.Tensor2D {
  return tf.tidy(() => tf.where(tf.less(rng.uniform(states.shape), fraction), tf.neg(states), states) as tf.Tensor2D);
}

/** The checkpoint `extra` entry recording the state tensors' shapes (to build restore targets before reading). */
export function stateShapes(state: Record<string, tf.Tensor>): JsonValue {
  return Object.fromEntries(Object.entries(state).map(([k, t]) => [k, { shape: t.shape, dtype: t.dtype }]));
}
