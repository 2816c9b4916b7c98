'use strict';
// Loads the compiled addon if the install built it and this CPU can run it; otherwise `available` is false and
// `reason` says why, and callers keep to their portable code.
const path = require('node:path');

let binding = null;
let reason = '';
try {
  binding = require(path.join(__dirname, 'build', 'Release', 'scorekit_native.node'));
  if (!binding.cpuSupported) {
    reason = 'this CPU lacks AVX2 and FMA, which the kernels need';
    binding = null;
  }
} catch (e) {
  reason =
    `the addon is not built (${String(e.message).split('\n')[0]}); ` +
    'build it with `npm rebuild @scorekit/native` (needs a C++ compiler, make and python3)';
}

function unavailable() {
  throw new Error(`@scorekit/native is not available: ${reason}`);
}

module.exports = {
  available: binding !== null,
  reason,
  gemm: binding !== null ? binding.gemm : unavailable,
  adam: binding !== null ? binding.adam : unavailable,
  conv: binding !== null ? binding.conv : unavailable,
  convFilterGrad: binding !== null ? binding.convFilterGrad : unavailable,
  silu: binding !== null ? binding.silu : unavailable,
  siluDerivative: binding !== null ? binding.siluDerivative : unavailable,
  groupNorm: binding !== null ? binding.groupNorm : unavailable,
  groupNormGrad: binding !== null ? binding.groupNormGrad : unavailable,
};
