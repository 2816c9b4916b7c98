'use strict';
// Loads the addon: one built from source in this folder (this repository, or `npx scorekit-native-build`) if there
// is one, else the prebuilt binary the npm package ships for this platform (Node-API, so one file serves every
// Node version). If neither loads or this CPU cannot run the kernels, `available` is false and `reason` says why;
// callers keep to their portable code.
const fs = require('node:fs');
const path = require('node:path');

const NAME = 'scorekit_native';
const BUILD_HINT =
  'build it from source with `npx scorekit-native-build` (or `pnpm exec scorekit-native-build`; needs a C++17 compiler, make and python3)';

// glibc or musl: a binary linked against one does not load with the other. Node's report says which it runs on.
function libc() {
  if (process.platform !== 'linux') return '';
  const header = process.report && process.report.getReport ? process.report.getReport().header : {};
  return header.glibcVersionRuntime ? 'glibc' : 'musl';
}

// node-gyp-build's layout, so the usual tools recognise it: prebuilds/<platform>-<arch>/<name>.napi[.<libc>].node
function prebuiltPath() {
  const tags = ['napi', libc()].filter(Boolean).join('.');
  return path.join(__dirname, 'prebuilds', `${process.platform}-${process.arch}`, `${NAME}.${tags}.node`);
}

let binding = null;
let binary = '';
let reason = '';
const candidates = [path.join(__dirname, 'src', 'build', 'Release', `${NAME}.node`), prebuiltPath()].filter((f) => fs.existsSync(f));
if (candidates.length === 0) {
  const platform = `${process.platform}-${process.arch}${libc() ? ` (${libc()})` : ''}`;
  reason = `no prebuilt binary for ${platform} in @scorekit/native and none built from source; ${BUILD_HINT}`;
}
for (const file of candidates) {
  try {
    binding = require(file);
    binary = file;
    break;
  } catch (e) {
    // a prebuilt binary needs glibc's libstdc++ from GCC 12 or newer; an older system lands here
    reason = `${path.relative(__dirname, file)} does not load here (${String(e.message).split('\n')[0]}); ${BUILD_HINT}`;
  }
}
if (binding !== null) {
  reason = '';
  if (!binding.cpuSupported) {
    reason = 'this CPU lacks AVX2 and FMA, which the kernels need';
    binding = null;
  }
}

function unavailable() {
  throw new Error(`@scorekit/native is not available: ${reason}`);
}

module.exports = {
  available: binding !== null,
  reason,
  binary,
  gemm: binding !== null ? binding.gemm : unavailable,
  adam: binding !== null ? binding.adam : unavailable,
  conv: binding !== null ? binding.conv : unavailable,
  convFilterGrad: binding !== null ? binding.convFilterGrad : unavailable,
  conv2d: binding !== null ? binding.conv2d : unavailable,
  conv2dFilterGrad: binding !== null ? binding.conv2dFilterGrad : unavailable,
  conv2dFused: binding !== null ? binding.conv2dFused : unavailable,
  silu: binding !== null ? binding.silu : unavailable,
  siluDerivative: binding !== null ? binding.siluDerivative : unavailable,
  groupNorm: binding !== null ? binding.groupNorm : unavailable,
  groupNormGrad: binding !== null ? binding.groupNormGrad : unavailable,
  dropoutMask: binding !== null ? binding.dropoutMask : unavailable,
  arithmetic: binding !== null ? binding.arithmetic : unavailable,
  sumMiddle: binding !== null ? binding.sumMiddle : unavailable,
  upsample2x: binding !== null ? binding.upsample2x : unavailable,
  sumPool2x: binding !== null ? binding.sumPool2x : unavailable,
  copyRows: binding !== null ? binding.copyRows : unavailable,
};
