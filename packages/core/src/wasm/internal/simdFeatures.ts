import type * as V8Module from 'node:v8';
import { V128, WasmFunction, assembleModule } from './WasmAssembler.js';

let relaxed: boolean | undefined;

/**
 * Whether this engine accepts relaxed-SIMD `f32x4.relaxed_madd` (a fused multiply-add on x86 with FMA and on ARM):
 * it doubles the arithmetic rate of the matmul and convolution kernels over separate mul + add. Node ≥ 22 has it on;
 * Node 20 has it behind `--experimental-wasm-relaxed-simd`, which is switched on here (it only adds instructions
 * to the validator). `SCOREKIT_WASM_RELAXED_SIMD=0` keeps the plain-SIMD kernels.
 */
export function hasRelaxedSimd(): boolean {
  if (relaxed !== undefined) return relaxed;
  const f = new WasmFunction('madd', [V128, V128, V128], [V128]);
  f.get(0).get(1).get(2).f32x4RelaxedMadd();
  const probe = assembleModule([f], 'none');
  const env = typeof process === 'undefined' ? undefined : process.env?.SCOREKIT_WASM_RELAXED_SIMD;
  if (env === '0') return (relaxed = false);
  relaxed = WebAssembly.validate(probe);
  if (!relaxed && typeof process !== 'undefined' && typeof process.getBuiltinModule === 'function') {
    try {
      const v8 = process.getBuiltinModule('node:v8') as typeof V8Module;
      v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
      relaxed = WebAssembly.validate(probe);
    } catch {
      relaxed = false;
    }
  }
  return relaxed;
}
