import type * as tf from '@tensorflow/tfjs-core';

/**
 * An energy E(x) per sample: x [n, ...dims] → [n], differentiable in x and in the parameters it closes over
 * (for instance `(x) => net.energy(x, tf.zeros([x.shape[0]]))` with `createEnergyNetwork` of `@scorekit/models`).
 * The model density is p(x) = e^{−E(x)}/Z and its score is −∇ₓE.
 */
export type EnergyFunction = (x: tf.Tensor) => tf.Tensor;
