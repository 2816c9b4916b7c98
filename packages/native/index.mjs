// The ES module entry: named exports of the one CommonJS instance (index.cjs), so `import { gemm }` and core's
// require() share the same loaded addon.
import native from './index.cjs';

export const { available, reason, binary, gemm, adam, conv, convFilterGrad, conv2d, conv2dFilterGrad, conv2dFused, silu, siluDerivative, groupNorm, groupNormGrad, dropoutMask, arithmetic, sumMiddle, upsample2x, sumPool2x, copyRows } = native;
// The CommonJS object itself too: a require() that resolves to this file (require(esm), as under vitest's import
// condition) reaches the same mutable object that `require('@scorekit/native')` gives elsewhere.
export default native;
