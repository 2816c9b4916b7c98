import * as tf from '@tensorflow/tfjs-core';
import { sigmoid, softplus, type Rng } from '@scorekit/core';
import { bernoulli } from '../internal/bernoulli.js';
import { checkInteger, checkMatrix, checkPositive } from '../internal/check.js';

/** Options of {@link Rbm.create}. */
export interface RbmOptions {
  /** Source of the initial weights. */
  readonly rng: Rng;
  /** Standard deviation of the initial weights, default 0.01 (Hinton 2010, "A practical guide to training RBMs"). */
  readonly weightStd?: number;
  /** Initial visible biases ([V]), default 0; Hinton's guide suggests log(p/(1−p)) of the data's pixel means. */
  readonly visibleBias?: tf.Tensor1D;
}

/** Gradients of the mean log-likelihood with respect to an RBM's parameters (ascent directions). */
export interface RbmGradients {
  readonly weights: tf.Tensor2D;
  readonly visibleBias: tf.Tensor1D;
  readonly hiddenBias: tf.Tensor1D;
}

/**
 * A restricted Boltzmann machine with binary visible units v ∈ {0,1}^V and hidden units h ∈ {0,1}^H:
 * E(v, h) = −vᵀb − hᵀc − vᵀWh, p(v, h) = e^{−E}/Z. The layers are conditionally independent,
 * p(hⱼ = 1 | v) = σ(cⱼ + vᵀW₋ⱼ), p(vᵢ = 1 | h) = σ(bᵢ + Wᵢ₋h), and h sums out in closed form into the free energy
 * F(v) = −vᵀb − Σⱼ softplus(cⱼ + vᵀW₋ⱼ), p(v) = e^{−F(v)}/Z. Batches are rows: v [n, V], h [n, H]. The parameters
 * are `tf.Variable`s, trained by {@link RbmTrainer} (contrastive divergence) or from {@link rbmExactGradients}.
 *
 * @example
 * const rbm = Rbm.create(784, 64, { rng: new Rng(0) });
 * const v1 = rbm.gibbsStep(v0, rng);        // v → h → v
 * const f = rbm.freeEnergy(v0);             // [n]
 */
export class Rbm {
  readonly visibleUnits: number;
  readonly hiddenUnits: number;
  /** W, [V, H]. */
  readonly weights: tf.Variable<tf.Rank.R2>;
  /** b, [V]. */
  readonly visibleBias: tf.Variable<tf.Rank.R1>;
  /** c, [H]. */
  readonly hiddenBias: tf.Variable<tf.Rank.R1>;

  /** Copies the three parameter tensors (W [V, H], b [V], c [H]) into new variables; the caller keeps its own. */
  constructor(weights: tf.Tensor2D, visibleBias: tf.Tensor1D, hiddenBias: tf.Tensor1D) {
    checkMatrix('Rbm', 'weights', weights.shape);
    const [v, h] = weights.shape;
    if (visibleBias.rank !== 1 || visibleBias.shape[0] !== v) {
      throw new Error(`Rbm: visibleBias must have shape [${v}] (the rows of weights), got [${visibleBias.shape.join(', ')}]`);
    }
    if (hiddenBias.rank !== 1 || hiddenBias.shape[0] !== h) {
      throw new Error(`Rbm: hiddenBias must have shape [${h}] (the columns of weights), got [${hiddenBias.shape.join(', ')}]`);
    }
    this.visibleUnits = v;
    this.hiddenUnits = h;
    this.weights = tf.variable(weights, true);
    this.visibleBias = tf.variable(visibleBias, true);
    this.hiddenBias = tf.variable(hiddenBias, true);
  }

  /** A new RBM with N(0, weightStd²) weights and zero hidden biases. */
  static create(visibleUnits: number, hiddenUnits: number, options: RbmOptions): Rbm {
    checkInteger('Rbm.create', 'visibleUnits', visibleUnits, 1);
    checkInteger('Rbm.create', 'hiddenUnits', hiddenUnits, 1);
    const std = options.weightStd ?? 0.01;
    checkPositive('Rbm.create', 'weightStd', std, true);
    const w = tf.tensor2d(options.rng.normalArray(visibleUnits * hiddenUnits, 0, std), [visibleUnits, hiddenUnits]);
    const b = options.visibleBias ? tf.clone(options.visibleBias) : tf.zeros<tf.Rank.R1>([visibleUnits]);
    const c = tf.zeros<tf.Rank.R1>([hiddenUnits]);
    try {
      return new Rbm(w, b, c);
    } finally {
      for (const t of [w, b, c]) t.dispose();
    }
  }

  /** p(h = 1 | v), [n, H]. */
  hiddenProbabilities(v: tf.Tensor2D): tf.Tensor2D {
    checkMatrix('Rbm.hiddenProbabilities', 'v', v.shape, this.visibleUnits);
    return tf.tidy(() => sigmoid(tf.add(tf.matMul(v, this.weights), this.hiddenBias)) as tf.Tensor2D);
  }

  /** p(v = 1 | h), [n, V]. */
  visibleProbabilities(h: tf.Tensor2D): tf.Tensor2D {
    checkMatrix('Rbm.visibleProbabilities', 'h', h.shape, this.hiddenUnits);
    return tf.tidy(() => sigmoid(tf.add(tf.matMul(h, this.weights, false, true), this.visibleBias)) as tf.Tensor2D);
  }

  /** A draw of h ~ p(h | v). */
  sampleHidden(v: tf.Tensor2D, rng: Rng): tf.Tensor2D {
    return tf.tidy(() => bernoulli(this.hiddenProbabilities(v), rng));
  }

  /** A draw of v ~ p(v | h). */
  sampleVisible(h: tf.Tensor2D, rng: Rng): tf.Tensor2D {
    return tf.tidy(() => bernoulli(this.visibleProbabilities(h), rng));
  }

  /** One step of block Gibbs sampling, v → h ~ p(h|v) → v' ~ p(v|h). */
  gibbsStep(v: tf.Tensor2D, rng: Rng): tf.Tensor2D {
    return tf.tidy(() => this.sampleVisible(this.sampleHidden(v, rng), rng));
  }

  /** `steps` Gibbs steps from v. */
  gibbs(v: tf.Tensor2D, steps: number, rng: Rng): tf.Tensor2D {
    checkInteger('Rbm.gibbs', 'steps', steps, 0);
    let x = tf.clone(v);
    for (let s = 0; s < steps; s++) {
      const next = this.gibbsStep(x, rng);
      x.dispose();
      x = next;
    }
    return x;
  }

  /** F(v) = −vᵀb − Σⱼ softplus(cⱼ + vᵀW₋ⱼ), [n]; differentiable in the parameters. */
  freeEnergy(v: tf.Tensor2D): tf.Tensor1D {
    checkMatrix('Rbm.freeEnergy', 'v', v.shape, this.visibleUnits);
    return tf.tidy(() => {
      const visible = tf.sum(tf.mul(v, this.visibleBias), 1);
      const hidden = tf.sum(softplus(tf.add(tf.matMul(v, this.weights), this.hiddenBias)), 1);
      return tf.neg(tf.add(visible, hidden)) as tf.Tensor1D;
    });
  }

  /** E(v, h) = −vᵀb − hᵀc − vᵀWh, [n]. */
  energy(v: tf.Tensor2D, h: tf.Tensor2D): tf.Tensor1D {
    checkMatrix('Rbm.energy', 'v', v.shape, this.visibleUnits);
    checkMatrix('Rbm.energy', 'h', h.shape, this.hiddenUnits);
    if (v.shape[0] !== h.shape[0]) throw new Error(`Rbm.energy: v and h need the same number of rows, got ${v.shape[0]} and ${h.shape[0]}`);
    return tf.tidy(() => {
      const linear = tf.add(tf.sum(tf.mul(v, this.visibleBias), 1), tf.sum(tf.mul(h, this.hiddenBias), 1));
      return tf.neg(tf.add(linear, tf.sum(tf.mul(tf.matMul(v, this.weights), h), 1))) as tf.Tensor1D;
    });
  }

  /** The parameters in a fixed order: W, b, c. */
  variables(): tf.Variable[] {
    return [this.weights, this.visibleBias, this.hiddenBias];
  }

  /** Frees the parameters. */
  dispose(): void {
    for (const v of this.variables()) v.dispose();
  }
}
