import type { createRequire } from 'node:module';

/**
 * The part of `@scorekit/native` that scorekit's wasm kernels call (documented in that package's index.d.cts),
 * declared here rather than imported so that core's published types do not need the optional package installed.
 */
export interface NativeKernels {
  gemm(
    heap: ArrayBuffer,
    M: number,
    N: number,
    K: number,
    a: number,
    aRowStride: number,
    aColStride: number,
    b: number,
    bRowStride: number,
    bColStride: number,
    c: number,
    cRowStride: number,
    bias: number,
    threads: number,
  ): void;
  silu(heap: ArrayBuffer, src: number, dst: number, count: number, threads: number): void;
  adam(
    heap: ArrayBuffer,
    w: number,
    g: number,
    m: number,
    v: number,
    wOut: number,
    mOut: number,
    vOut: number,
    count: number,
    beta1: number,
    beta2: number,
    epsilon: number,
    learningRate: number,
    oneMinusAccBeta1: number,
    oneMinusAccBeta2: number,
  ): void;
  conv(
    heap: ArrayBuffer,
    x: number,
    batch: number,
    paddedH: number,
    paddedW: number,
    inC: number,
    w: number,
    kH: number,
    kW: number,
    dH: number,
    dW: number,
    sH: number,
    sW: number,
    outH: number,
    outW: number,
    outC: number,
    out: number,
    outPixelStride: number,
    outRowStride: number,
    outImageStride: number,
    threads: number,
  ): void;
  convFilterGrad(
    heap: ArrayBuffer,
    x: number,
    batch: number,
    paddedH: number,
    paddedW: number,
    inC: number,
    dy: number,
    kH: number,
    kW: number,
    dH: number,
    dW: number,
    sH: number,
    sW: number,
    outH: number,
    outW: number,
    outC: number,
    dw: number,
    threads: number,
  ): void;
  siluDerivative(heap: ArrayBuffer, src: number, dst: number, count: number, threads: number): void;
  // optional: an addon built before they existed lacks them, and the convolutions then pad a copy of the input
  conv2d?(
    heap: ArrayBuffer,
    x: number,
    batch: number,
    inH: number,
    inW: number,
    inC: number,
    padTop: number,
    padLeft: number,
    w: number,
    bias: number,
    kH: number,
    kW: number,
    dH: number,
    dW: number,
    sH: number,
    sW: number,
    outH: number,
    outW: number,
    outC: number,
    out: number,
    outPixelStride: number,
    outRowStride: number,
    outImageStride: number,
    threads: number,
  ): void;
  conv2dFilterGrad?(
    heap: ArrayBuffer,
    x: number,
    batch: number,
    inH: number,
    inW: number,
    inC: number,
    padTop: number,
    padLeft: number,
    dy: number,
    kH: number,
    kW: number,
    dH: number,
    dW: number,
    sH: number,
    sW: number,
    outH: number,
    outW: number,
    outC: number,
    dw: number,
    threads: number,
  ): void;
  // optional: an addon built before it lacks it, and the block's last step runs in JavaScript after conv2d
  conv2dFused?(
    heap: ArrayBuffer,
    x: number,
    batch: number,
    inH: number,
    inW: number,
    inC: number,
    padTop: number,
    padLeft: number,
    w: number,
    kH: number,
    kW: number,
    dH: number,
    dW: number,
    sH: number,
    sW: number,
    outH: number,
    outW: number,
    outC: number,
    out: number,
    bias: number,
    sampleBias: number,
    residual: number,
    scale: number,
    threads: number,
  ): void;
  // optional: an addon built before they existed lacks them, and the kernels then run their WebAssembly-heap JS code
  groupNorm?(
    heap: ArrayBuffer,
    x: number,
    gamma: number,
    beta: number,
    y: number,
    mean: number,
    rstd: number,
    n: number,
    pixels: number,
    channels: number,
    groups: number,
    epsilon: number,
    silu: number,
    threads: number,
  ): void;
  // threads: an addon built before it draws on one thread and takes six arguments
  dropoutMask?(heap: ArrayBuffer, out: number, count: number, rate: number, scale: number, state: Int32Array, threads?: number): void;
  // optional: an addon built before them lacks them, and Add, Sub, Multiply and Sum then run tfjs's (or our
  // WebAssembly) kernels
  arithmetic?(heap: ArrayBuffer, op: 0 | 1 | 2, a: number, b: number, out: number, count: number, period: number, repeat: number, threads: number): void;
  sumMiddle?(heap: ArrayBuffer, x: number, out: number, outer: number, middle: number, inner: number, threads: number): void;
  upsample2x?(heap: ArrayBuffer, x: number, out: number, n: number, h: number, w: number, c: number, threads: number): void;
  sumPool2x?(heap: ArrayBuffer, dy: number, out: number, n: number, h: number, w: number, c: number, threads: number): void;
  copyRows?(heap: ArrayBuffer, src: number, srcStride: number, dst: number, dstStride: number, rows: number, bytes: number, threads: number): void;
  groupNormGrad?(
    heap: ArrayBuffer,
    dy: number,
    x: number,
    gamma: number,
    beta: number,
    mean: number,
    rstd: number,
    dx: number,
    dgamma: number,
    dbeta: number,
    n: number,
    pixels: number,
    channels: number,
    groups: number,
    silu: number,
    threads: number,
  ): void;
}

interface NativePackage extends NativeKernels {
  readonly available: boolean;
  readonly reason: string;
}

/** Whether the native kernels are in use, and if not, why. */
export interface NativeKernelsStatus {
  readonly active: boolean;
  readonly reason: string;
}

const PACKAGE = '@scorekit/native';
let loaded: { kernels: NativeKernels | null; reason: string } | undefined;
let enabled: boolean | undefined;

function load(): { kernels: NativeKernels | null; reason: string } {
  if (loaded !== undefined) return loaded;
  // Read through process.getBuiltinModule (Node ≥ 20.16) rather than imported, so browser bundles carry no node:module.
  const nodeModule =
    typeof process !== 'undefined' && typeof process.getBuiltinModule === 'function'
      ? (process.getBuiltinModule('node:module') as { createRequire: typeof createRequire } | undefined)
      : undefined;
  if (nodeModule === undefined) {
    loaded = { kernels: null, reason: `${PACKAGE} is a Node addon; this runtime is not Node` };
    return loaded;
  }
  try {
    // require() may hand back the ES module entry's namespace (require(esm) under an `import` condition); its
    // default export is the CommonJS object that plain Node returns.
    const required = nodeModule.createRequire(import.meta.url)(PACKAGE) as NativePackage & { default?: NativePackage };
    const pkg = required.default ?? required;
    loaded = pkg.available ? { kernels: pkg, reason: '' } : { kernels: null, reason: pkg.reason };
  } catch (e) {
    const missing = (e as { code?: string }).code === 'MODULE_NOT_FOUND';
    loaded = {
      kernels: null,
      reason: missing ? `${PACKAGE} is not installed` : `${PACKAGE} failed to load: ${(e as Error).message}`,
    };
  }
  return loaded;
}

// SCOREKIT_NATIVE as read at first use (every kernel asks: reading process.env each time cost ~1 µs a call, a few ms
// of a U-Net step on the main thread); resetNativeKernels() reads it again.
let envRead: { value: string | undefined } | undefined;

/** `setNativeKernels`'s value, else SCOREKIT_NATIVE's (`0` off, `1` or unset on). */
function wanted(): boolean {
  if (enabled !== undefined) return enabled;
  envRead ??= { value: typeof process === 'undefined' ? undefined : process.env?.SCOREKIT_NATIVE };
  const env = envRead.value;
  if (env === undefined || env === '' || env === '1') return true;
  if (env === '0') return false;
  throw new Error(`SCOREKIT_NATIVE must be 0 (WebAssembly kernels only) or 1 (native kernels when installed), got '${env}'`);
}

/**
 * Turns the native kernels of `@scorekit/native` on or off for scorekit's wasm backend (default: on when that
 * package is installed and built, unless `SCOREKIT_NATIVE=0`, read once at first use). With them, matrix products and SiLU run as AVX2 + FMA
 * code on the wasm heap in place (products at 82–91 GFLOP/s per core measured here, against ~45 for the
 * WebAssembly SIMD kernels).
 *
 * @example
 * setNativeKernels(false); // the portable WebAssembly kernels only, e.g. to compare results
 */
export function setNativeKernels(on: boolean): void {
  if (typeof on !== 'boolean') throw new Error(`setNativeKernels(on): on must be true or false, got ${String(on)}`);
  enabled = on;
}

/**
 * Whether matrix products and SiLU on the wasm backend run natively, and if not, why: switched off, not installed, not
 * loadable (no prebuilt binary for this platform and none built with `npx scorekit-native-build`), or a CPU without
 * AVX2 and FMA.
 *
 * @example
 * nativeKernelsStatus(); // { active: true, reason: '' }
 */
export function nativeKernelsStatus(): NativeKernelsStatus {
  if (!wanted()) {
    return { active: false, reason: enabled === false ? 'switched off by setNativeKernels(false)' : 'switched off by SCOREKIT_NATIVE=0' };
  }
  const { kernels, reason } = load();
  return { active: kernels !== null, reason };
}

/** The native kernels when installed and wanted, else null. */
export function nativeKernels(): NativeKernels | null {
  return wanted() ? load().kernels : null;
}

/** @internal Forgets `setNativeKernels` and the environment's value read so far (tests of the defaults). */
export function resetNativeKernels(): void {
  enabled = undefined;
  envRead = undefined;
}
