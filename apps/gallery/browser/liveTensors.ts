import * as tf from '@tensorflow/tfjs-core';

/** Tensors alive now: the page reports it, and the end-to-end test checks a sampling leaves none behind. */
export function liveTensors(): number {
  return tf.memory().numTensors;
}
