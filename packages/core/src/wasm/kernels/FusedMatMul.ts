import * as tf from '@tensorflow/tfjs-core';
import { batchedMatMul, type MatMulAttrs } from '../internal/batchedMatMul.js';
import { runOriginal } from '../internal/originalKernels.js';
import { runtimeFor } from '../internal/WasmRuntime.js';

/** The wasm kernel applying each activation `tf.fused.matMul` may ask for. */
const ACTIVATIONS: Record<string, string> = {
  prelu: tf.Prelu,
  relu: tf.Relu,
  relu6: tf.Relu6,
  elu: tf.Elu,
  sigmoid: tf.Sigmoid,
  leakyrelu: tf.LeakyRelu,
};

/**
 * `_FusedMatMul` (tf.fused.matMul, used by tfjs-layers' Dense) through our GEMM with the bias added in the
 * register tile, then the activation: tfjs-backend-wasm's leaves XNNPACK with transposes just like BatchMatMul
 * and, in 4.22, returns wrong values whenever a transpose is combined with a bias (max error 0.92 against cpu on a
 * 37×20·20×13 product; the tests cover every transpose and activation).
 */
export const fusedMatMulConfig: tf.KernelConfig = {
  kernelName: tf._FusedMatMul,
  backendName: 'wasm',
  kernelFunc: (args) => {
    const { a, b, bias, preluActivationWeights } = args.inputs as {
      a: tf.TensorInfo;
      b: tf.TensorInfo;
      bias?: tf.TensorInfo;
      preluActivationWeights?: tf.TensorInfo;
    };
    const attrs = args.attrs as unknown as MatMulAttrs & { activation?: string; leakyreluAlpha?: number };
    const activation = attrs.activation ?? 'linear';
    const supported =
      (activation === 'linear' || activation in ACTIVATIONS) &&
      (activation !== 'prelu' || preluActivationWeights != null) &&
      (bias == null || bias.shape.length === 1);
    if (!supported) return runOriginal(tf._FusedMatMul, args);
    const rt = runtimeFor(args.backend);
    const linear = batchedMatMul(rt, a, b, bias ?? null, attrs, '_FusedMatMul');
    if (activation === 'linear') return linear;
    const kernel = tf.getKernel(ACTIVATIONS[activation], 'wasm');
    if (kernel === undefined) throw new Error(`_FusedMatMul on wasm: no ${ACTIVATIONS[activation]} kernel registered`);
    const out = kernel.kernelFunc({
      inputs: activation === 'prelu' ? { x: linear, alpha: preluActivationWeights as tf.TensorInfo } : { x: linear },
      backend: args.backend,
      attrs: activation === 'leakyrelu' ? { alpha: attrs.leakyreluAlpha ?? 0.2 } : {},
    }) as tf.TensorInfo;
    rt.backend.disposeData(linear.dataId);
    return out;
  },
};
