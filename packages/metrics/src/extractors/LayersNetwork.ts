import type * as tf from '@tensorflow/tfjs-core';

/** One layer of a {@link LayersNetwork}: its name, weights and forward pass. */
export interface NetworkLayer {
  readonly name: string;
  /** Runs the layer on concrete tensors (the result is a `tf.Tensor` for scorekit's layers). */
  apply(inputs: tf.Tensor | tf.Tensor[], kwargs?: Record<string, unknown>): unknown;
  getWeights(trainableOnly?: boolean): tf.Tensor[];
  setWeights(weights: tf.Tensor[]): void;
}

/**
 * The parts of a tfjs-layers `LayersModel` that scorekit's classifier and dual encoder use and expose. At runtime
 * the object *is* a `LayersModel` (cast it, with `@tensorflow/tfjs-layers` installed, for the rest of its API);
 * the public type is this interface because tfjs-layers' own declarations fail a consumer's strict type-check
 * without `skipLibCheck` (15 errors in tfjs-layers 4.22).
 */
export interface LayersNetwork {
  readonly name: string;
  readonly layers: readonly NetworkLayer[];
  /** Forward pass inside a tape (for training); the result is a `tf.Tensor` for scorekit's networks. */
  apply(inputs: tf.Tensor | tf.Tensor[], kwargs?: Record<string, unknown>): unknown;
  /** Inference in batches, outside any tape. */
  predict(x: tf.Tensor | tf.Tensor[], args?: { batchSize?: number; verbose?: boolean }): tf.Tensor | tf.Tensor[];
  getLayer(name: string): NetworkLayer;
  getWeights(trainableOnly?: boolean): tf.Tensor[];
  setWeights(weights: tf.Tensor[]): void;
  dispose(): { refCountAfterDispose: number; numDisposedVariables: number };
}
