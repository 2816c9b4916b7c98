// The ES module entry: named exports of the one CommonJS instance (index.cjs), so `import { gemm }` and core's
// require() share the same loaded addon.
import native from './index.cjs';

export const { available, reason, binary, gemm, adam, conv, convFilterGrad, silu, siluDerivative, groupNorm, groupNormGrad } = native;
