import type * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@scorekit/core';
import type { NamedVariable } from './NamedVariable.js';

/** Options of {@link Network.apply}. */
export interface ApplyOptions {
  /** Training mode: dropout is applied (it then needs `rng`). Default false. */
  readonly training?: boolean;
  /**
   * Class labels, int32 [n], for class-conditional networks: 0 … numClasses−1, or numClasses for "no label"
   * (classifier-free guidance). Omitted: every sample gets "no label".
   */
  readonly labels?: tf.Tensor;
  /** Source of dropout masks in training mode. */
  readonly rng?: Rng;
}

/**
 * A score network as a plain functional object over named `tf.Variable`s: `apply(x, cNoise)` maps a batch x
 * ([n, ...inputShape]) and the per-sample noise-conditioning input cNoise ([n]) to an output shaped
 * [n, ...outputShape]. `config` is the resolved, JSON-serialisable config it was built from (every default filled
 * in): `createNetwork(network.config)` builds the same architecture again.
 *
 * @example
 * const net = createNetwork({ name: 'mlp', dim: 2 });
 * const out = net.apply(x, tf.mul(t, 999));        // [n, 2]
 * optimizer.minimize(() => loss(net), false, net.trainableVariables());
 */
export interface Network {
  /** The variant's name, as `config.name` (a property read, never written in a config). */
  readonly kind: string;
  /** The resolved config, its variant under `name`. */
  readonly config: Readonly<{ name: string }>;
  /** Shape of one input sample, e.g. [2] or [28, 28, 1]. */
  readonly inputShape: readonly number[];
  /** Shape of one output sample. */
  readonly outputShape: readonly number[];
  /** Every variable, in a stable order, with stable names. */
  readonly variables: readonly NamedVariable[];
  /** Number of trainable scalars. */
  readonly parameterCount: number;
  /** Number of classes for conditional networks (0: unconditional). */
  readonly numClasses: number;
  apply(x: tf.Tensor, cNoise: tf.Tensor, options?: ApplyOptions): tf.Tensor;
  /** The trainable variables, for `optimizer.minimize(f, returnCost, varList)`. */
  trainableVariables(): tf.Variable[];
  /** Frees every variable. */
  dispose(): void;
}

/**
 * What a checkpoint needs of a model: its JSON config (stored and compared on restore) and its named variables
 * (saved and restored by name). Every {@link Network} is one; so is any other model that names its parameters,
 * such as the energy models the trainer checkpoints (an RBM's W, b, c).
 */
export type CheckpointedModule = Pick<Network, 'config' | 'variables'>;
