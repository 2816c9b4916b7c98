/** Why one libtensorflow package could not be used, as {@link tensorflowBackendHint} reads it. */
export interface TensorflowPackageFailure {
  readonly pkg: string;
  /** `missing`: not installed; `load`: installed, but loading it threw `message`. */
  readonly kind: 'missing' | 'load';
  readonly message?: string;
}

// tfjs-node(-gpu) 4.22.0 throws this when lib/napi-v*/tfjs_binding.node is absent: its install script (which
// downloads libtensorflow and fetches or compiles the addon) never ran or failed.
const MISSING_BINDING = /tfjs_binding\.node|libtensorflow/i;

const ALLOW_SCRIPTS =
  'pnpm 10 and later skip the install scripts of dependencies they were not told to trust: run `pnpm approve-builds` ' +
  "and select it, or list it under `onlyBuiltDependencies` in pnpm-workspace.yaml (pnpm 10) or `allowBuilds` (pnpm 11+), " +
  'then `pnpm rebuild PKG`; with npm, `npm rebuild PKG`.';

const NEEDS =
  '@tensorflow/tfjs-node-gpu 4.22.0 runs on Linux x64 with CUDA 11.2 and cuDNN 8.1 (libcudart.so.11.0, libcudnn.so.8 on ' +
  'the library path); @tensorflow/tfjs-node 4.22.0 needs no GPU. Their install script downloads libtensorflow from ' +
  'storage.googleapis.com, and where no prebuilt addon fits the Node version (Node 22 has none) compiles it with node-gyp.';

/**
 * What to tell someone whose `tensorflow` backend could not load: how to install tfjs-node(-gpu), or — when it is
 * installed but its native addon is missing — how to let pnpm run the install script it skipped, and what
 * CUDA/cuDNN the GPU build needs.
 *
 * @example
 * tensorflowBackendHint([{ pkg: '@tensorflow/tfjs-node-gpu', kind: 'missing' }, { pkg: '@tensorflow/tfjs-node', kind: 'missing' }]);
 */
export function tensorflowBackendHint(failures: readonly TensorflowPackageFailure[]): string {
  const unbuilt = failures.filter((f) => f.kind === 'load' && MISSING_BINDING.test(f.message ?? ''));
  if (unbuilt.length > 0) {
    const pkg = unbuilt[0]!.pkg;
    return (
      `${pkg} is installed but its native addon is missing: its install script did not run or failed. ` +
      `${ALLOW_SCRIPTS.replaceAll('PKG', pkg)} ${NEEDS}`
    );
  }
  return (
    'Install the GPU build with `pnpm add @tensorflow/tfjs-node-gpu@4.22.0` or the CPU build with ' +
    `\`pnpm add @tensorflow/tfjs-node@4.22.0\` (or npm install). ${ALLOW_SCRIPTS.replaceAll('PKG', '@tensorflow/tfjs-node-gpu')} ` +
    `${NEEDS} Without them scorekit runs on webgpu, wasm or cpu.`
  );
}
