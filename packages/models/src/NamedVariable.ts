import type * as tf from '@tensorflow/tfjs-core';

/**
 * A network parameter: its stable name inside the network (`down0/res0/conv0/kernel`, the same for every instance
 * built from the same config: checkpoints key on it) and the tfjs variable holding it. `trainable` is false for
 * fixed buffers such as the random Fourier-feature frequencies, which the optimizer and EMA leave alone.
 *
 * @example
 * for (const p of network.variables) console.log(p.name, p.variable.shape, p.trainable);
 */
export interface NamedVariable {
  readonly name: string;
  readonly variable: tf.Variable;
  readonly trainable: boolean;
}
