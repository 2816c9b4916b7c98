// Kernels registered from JS that make tfjs's wasm backend complete and fast for training.
// (Filled in by the wasm work: transposed matMul, Conv2DBackpropFilter/Input, UnsortedSegmentSum, …)
let registered = false;

/** Registers scorekit's wasm kernels once; safe to call repeatedly. */
export function registerWasmKernels(): void {
  if (registered) return;
  registered = true;
}
