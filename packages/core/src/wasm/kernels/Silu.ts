import * as tf from '@tensorflow/tfjs-core';
import { activationModuleBytes, type ActivationExports } from '../internal/activationModule.js';
import { runtimeFor, type WasmRuntime } from '../internal/WasmRuntime.js';
import { blockJobThreads } from '../../parallel/wasmThreads.js';

/** Kernel names of the fused SiLU pair (scorekit's own: tfjs has no SiLU kernel). */
export const SILU = 'ScorekitSilu';
export const SILU_DERIVATIVE = 'ScorekitSiluDerivative';

const sig = (x: number): number => (x < -88.3 ? 0 : 1 / (1 + Math.exp(-x)));
const scalar = {
  silu: (x: number): number => x * sig(x),
  siluDerivative: (x: number): number => sig(x) * (1 + x * (1 - sig(x))),
};

function elementwise(kernelName: string, which: keyof ActivationExports): tf.KernelConfig {
  return {
    kernelName,
    backendName: 'wasm',
    kernelFunc: (args) => {
      const { x } = args.inputs as { x: tf.TensorInfo };
      if (x.dtype !== 'float32') throw new Error(`${kernelName} needs a float32 tensor, got ${x.dtype}`);
      const rt: WasmRuntime = runtimeFor(args.backend);
      const out = rt.backend.makeOutput(x.shape, 'float32');
      const size = tf.util.sizeFromShape(x.shape);
      const src = rt.offset(x);
      const dst = rt.offset(out);
      const native = rt.native();
      if (native !== null) {
        // chunks handed to whichever thread is free, as for products
        native[which](rt.memory.buffer, src, dst, size, blockJobThreads());
        return out;
      }
      const wasm = rt.instantiate('activation', activationModuleBytes) as unknown as ActivationExports;
      const vectors = size >>> 2;
      wasm[which](src, dst, vectors);
      // the last size mod 4 values (writing a whole vector there could pass the end of the output)
      const f = rt.f32;
      for (let i = vectors * 4; i < size; i++) f[(dst >>> 2) + i] = scalar[which](f[(src >>> 2) + i]);
      return out;
    },
  };
}

export const siluConfig = elementwise(SILU, 'silu');
export const siluDerivativeConfig = elementwise(SILU_DERIVATIVE, 'siluDerivative');
