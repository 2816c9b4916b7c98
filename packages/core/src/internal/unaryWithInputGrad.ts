import * as tf from '@tensorflow/tfjs-core';

/**
 * Builds a unary op whose gradient is dy·derivative(x), computed from the saved *input*. tfjs's own gradients for
 * sigmoid, tanh, exp and softplus reuse the saved output (or a native op that does), which a second
 * differentiation treats as a constant; recomputing from x with differentiable ops keeps every order exact.
 */
export function unaryWithInputGrad(
  forward: (x: tf.Tensor) => tf.Tensor,
  derivative: (x: tf.Tensor) => tf.Tensor,
): (x: tf.Tensor) => tf.Tensor {
  const op = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
    save([x]);
    return {
      value: forward(x),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, derivative(saved[0])),
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return (x) => op(x);
}
