import type * as tf from '@tensorflow/tfjs-core';
import { convRowModuleBytes, filterGradModuleBytes, type ConvRowPlan, type FilterGradPlan } from './convModule.js';
import type { WasmRuntime } from './WasmRuntime.js';
import type { NativeKernels } from '../../native/nativeKernels.js';
import { blockJobThreads } from '../../parallel/wasmThreads.js';

const ceilTo = (n: number, m: number): number => Math.ceil(n / m) * m;

/**
 * Copies an NHWC tensor src [N, H, W, C] (in heap `f`) into dst [N, Hp, Wp, Cp] (in heap `out`, by default the
 * same) at rows top + h·sh and columns left + w·sw, zero everywhere else (padding, dilation holes, extra
 * channels); positions outside dst are dropped.
 */
export function copyPadded(
  f: Float32Array,
  src: number,
  dst: number,
  [N, H, W, C]: readonly number[],
  [Hp, Wp, Cp]: readonly number[],
  top: number,
  left: number,
  sh = 1,
  sw = 1,
  out: Float32Array = f,
): void {
  const s = src >>> 2;
  const d = dst >>> 2;
  // the range of w whose destination column lies inside dst
  const w0 = Math.max(0, Math.ceil(-left / sw));
  const w1 = Math.min(W, Math.floor((Wp - 1 - left) / sw) + 1);
  const dense = sh === 1 && sw === 1 && Cp === C && w1 > w0;
  if (!dense) {
    out.fill(0, d, d + N * Hp * Wp * Cp);
    if (w1 <= w0) return;
  }
  const rowFloats = Wp * Cp;
  for (let n = 0; n < N; n++) {
    if (dense) {
      // zero only what the copies leave: rows outside the input, and the left/right margins of the others
      for (let hp = 0; hp < Hp; hp++) {
        const h = hp - top;
        const row = d + (n * Hp + hp) * rowFloats;
        if (h < 0 || h >= H) out.fill(0, row, row + rowFloats);
        else {
          out.fill(0, row, row + (left + w0) * C);
          out.fill(0, row + (left + w1) * C, row + rowFloats);
        }
      }
    }
    for (let h = 0; h < H; h++) {
      const hp = top + h * sh;
      if (hp < 0 || hp >= Hp) continue;
      const srcRow = s + ((n * H + h) * W) * C;
      const dstRow = d + (n * Hp + hp) * rowFloats;
      if (dense) {
        out.set(f.subarray(srcRow + w0 * C, srcRow + w1 * C), dstRow + (left + w0) * C);
      } else if (C >= 8) {
        for (let w = w0; w < w1; w++) out.set(f.subarray(srcRow + w * C, srcRow + (w + 1) * C), dstRow + (left + w * sw) * Cp);
      } else {
        for (let w = w0; w < w1; w++) {
          const o = dstRow + (left + w * sw) * Cp;
          const i = srcRow + w * C;
          for (let c = 0; c < C; c++) out[o + c] = f[i + c];
        }
      }
    }
  }
}

/** Geometry of a 2-D convolution (NHWC), as tfjs's `computeConv2DInfo` gives it. */
export interface ConvGeometry {
  readonly batch: number;
  readonly inH: number;
  readonly inW: number;
  readonly inC: number;
  readonly outH: number;
  readonly outW: number;
  readonly outC: number;
  readonly kH: number;
  readonly kW: number;
  readonly sH: number;
  readonly sW: number;
  readonly dH: number;
  readonly dW: number;
  readonly padTop: number;
  readonly padLeft: number;
}

export function convGeometry(info: tf.backend_util.Conv2DInfo): ConvGeometry {
  return {
    batch: info.batchSize,
    inH: info.inHeight,
    inW: info.inWidth,
    inC: info.inChannels,
    outH: info.outHeight,
    outW: info.outWidth,
    outC: info.outChannels,
    kH: info.filterHeight,
    kW: info.filterWidth,
    sH: info.strideHeight,
    sW: info.strideWidth,
    dH: info.dilationHeight,
    dW: info.dilationWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}

/**
 * A stride-1-or-more convolution of an input placed into a zero-padded buffer, with a filter given as a function
 * weight(tap, ci, co): forward convolutions pass the filter as it is; the input gradient passes it flipped, with
 * input and output channels swapped, over the dilated and padded dy.
 */
export interface DirectConvJob {
  readonly input: number;
  readonly inputShape: readonly [number, number, number, number];
  /** Placement of the input in the padded buffer: offsets and strides (dilation) of its rows and columns. */
  readonly top: number;
  readonly left: number;
  readonly placeH: number;
  readonly placeW: number;
  readonly outH: number;
  readonly outW: number;
  readonly outC: number;
  readonly kH: number;
  readonly kW: number;
  readonly sH: number;
  readonly sW: number;
  readonly dH: number;
  readonly dW: number;
  /** Where the filter values for (tap, input channel, output channel) lie in the heap. */
  readonly filter: FilterSource;
  /** Byte offset of outC floats added to every output pixel (a fused conv bias), or undefined for none. */
  readonly bias?: number;
  /**
   * A fused block's last step, after the bias and in this order, each a float32 operation (so the bits of the
   * separate ops): + sampleBias[n][co] (byte offset of [N][outC] floats), residual + v (byte offset of a tensor
   * shaped like the output), × scale. Dense outputs only.
   */
  readonly sampleBias?: number;
  readonly residual?: number;
  readonly scale?: number;
  /** Output base (bytes) and its strides in floats: between pixels of a row, rows, images (strided for phases). */
  readonly output: number;
  readonly outPixelStride: number;
  readonly outRowStride: number;
  readonly outImageStride: number;
}

/**
 * A tfjs filter [fH, fW, fIn, fOut] at float index `offset` of the heap, as a job reads it: job tap t is filter tap
 * `taps[t]` (kh·fW + kw); with `swap` the job's input channel is the filter's output channel and the other way
 * round (an input gradient's flipped, transposed filter).
 */
export interface FilterSource {
  readonly offset: number;
  readonly fIn: number;
  readonly fOut: number;
  readonly taps: readonly number[];
  readonly swap: boolean;
}

/** The filter of a forward convolution at float index `offset`: taps in order, channels as they are. */
export function forwardFilter(offset: number, taps: number, fIn: number, fOut: number): FilterSource {
  return { offset, fIn, fOut, taps: Array.from({ length: taps }, (_, t) => t), swap: false };
}

/**
 * Writes the job's filter at float index `dst` as [⌈outC/lanes⌉][tap][ci][lanes], zero past outC: the layout both
 * the WebAssembly (8 lanes) and the native (16 lanes) kernels read. Plain loops over the heap view, no call per value.
 */
function packFilter(f: Float32Array, job: DirectConvJob, C: number, dst: number, lanes: number): void {
  const { offset, fIn, fOut, taps, swap } = job.filter;
  const outC = job.outC;
  let i = dst;
  for (let b = 0; b < Math.ceil(outC / lanes); b++) {
    const co0 = b * lanes;
    const n = Math.min(lanes, outC - co0);
    for (const tap of taps) {
      const t0 = offset + tap * fIn * fOut;
      for (let ci = 0; ci < C; ci++) {
        if (swap) {
          // value (ci, co) = filter[tap][co][ci]
          let s = t0 + co0 * fOut + ci;
          for (let l = 0; l < n; l++, s += fOut) f[i + l] = f[s];
        } else {
          const s = t0 + ci * fOut + co0;
          for (let l = 0; l < n; l++) f[i + l] = f[s + l];
        }
        for (let l = n; l < lanes; l++) f[i + l] = 0;
        i += lanes;
      }
    }
  }
}

/** A job writing a dense NHWC output [N, outH, outW, outC] at `output`. */
export function denseOutput(output: number, outH: number, outW: number, outC: number): Pick<
  DirectConvJob,
  'output' | 'outPixelStride' | 'outRowStride' | 'outImageStride'
> {
  return { output, outPixelStride: outC, outRowStride: outW * outC, outImageStride: outH * outW * outC };
}

/**
 * The parts of a forward convolution's {@link DirectConvJob} that follow from its geometry: the whole input placed once
 * (padding as `g` says) and a dense [batch, outH, outW, outC] output; the caller adds the filter and any epilogue.
 */
export function forwardConvJob(
  input: number,
  inputShape: readonly number[],
  g: ConvGeometry,
  output: number,
): Omit<DirectConvJob, 'filter'> {
  return {
    input,
    inputShape: inputShape as [number, number, number, number],
    top: g.padTop,
    left: g.padLeft,
    placeH: 1,
    placeW: 1,
    outH: g.outH,
    outW: g.outW,
    outC: g.outC,
    kH: g.kH,
    kW: g.kW,
    sH: g.sH,
    sW: g.sW,
    dH: g.dH,
    dW: g.dW,
    ...denseOutput(output, g.outH, g.outW, g.outC),
  };
}

export function directConv(rt: WasmRuntime, job: DirectConvJob): void {
  const [N, H, W, C] = job.inputShape;
  const { outH, outW, outC, kH, kW, sH, sW, dH, dW } = job;
  if (N * outH * outW * outC === 0) return;
  const T = kH * kW;
  const Hp = (outH - 1) * sH + (kH - 1) * dH + 1;
  const Wp = (outW - 1) * sW + (kW - 1) * dW + 1;
  const native = rt.native();
  if (native !== null) {
    const done = nativeDirectConv(rt, native, job, Hp, Wp);
    if (done === 'nothing') addBias(rt.f32, job);
    if (done !== 'all') applyEpilogue(rt.f32, job);
    return;
  }
  const coutPadded = ceilTo(outC, 8);
  const dense = job.outPixelStride === outC && job.outRowStride === outW * outC && job.outImageStride === outH * outW * outC;
  // The kernel writes whole 8-channel blocks: straight into the output when they tile it exactly.
  const direct = coutPadded === outC && job.outPixelStride === outC;
  // A second thread takes the first images (a share adapted to both threads' measured speeds), on copies in its
  // shared memory. Each output image is computed whole by one thread, so results do not depend on the split.
  const flops = 2 * N * outH * outW * coutPadded * C * T;
  const pool = N >= 2 ? rt.parallel(flops) : null;
  const split = pool === null ? null : rt.split('conv', flops);
  const nW = split === null ? 0 : split.workerUnits(N);
  const nM = N - nW;
  const imageIn = H * W * C;
  const imageXp = Hp * Wp * C;
  const imageOut = outH * outW * coutPadded;
  const [xp, wpk, tmp] = rt.scratch([nM * imageXp * 4, coutPadded * C * T * 4, direct ? 0 : nM * imageOut * 4]);
  const f = rt.f32;
  // packed filter [co block][tap][ci][8]
  packFilter(f, job, C, wpk >>> 2, 8);
  const taps: number[] = [];
  for (let kh = 0; kh < kH; kh++) for (let kw = 0; kw < kW; kw++) taps.push((kh * dH * Wp + kw * dW) * C * 4);
  const plan: ConvRowPlan = {
    cin: C,
    coutPadded,
    outWidth: outW,
    pixelStep: sW * C * 4,
    outPixelStep: (direct ? job.outPixelStride : coutPadded) * 4,
    taps,
    fma: rt.fma,
  };
  const row = rt.instantiate(`conv:${JSON.stringify(plan)}`, () => convRowModuleBytes(plan)).row as (
    x: number,
    w: number,
    out: number,
  ) => void;
  let sOut = 0;
  if (pool !== null) {
    const sXp = pool.alloc(nW * imageXp * 4);
    const sW = pool.alloc(coutPadded * C * T * 4);
    sOut = pool.alloc(nW * imageOut * 4);
    const sf = pool.f32;
    copyPadded(f, job.input, sXp, [nW, H, W, C], [Hp, Wp, C], job.top, job.left, job.placeH, job.placeW, sf);
    sf.set(f.subarray(wpk >>> 2, (wpk >>> 2) + coutPadded * C * T), sW >>> 2);
    const wPlan: ConvRowPlan = { ...plan, outPixelStep: coutPadded * 4 };
    const id = rt.workerModule(pool, `conv:${JSON.stringify(wPlan)}`, (m) => convRowModuleBytes(wPlan, m), ['row']);
    pool.start(id, 'row', nW, outH, [
      { base: sXp, di: imageXp * 4, dj: sH * Wp * C * 4 },
      { base: sW },
      { base: sOut, di: imageOut * 4, dj: outW * coutPadded * 4 },
    ]);
  }
  const started = performance.now();
  try {
    // This thread pads its own images only now, while the worker already computes.
    copyPadded(f, job.input + nW * imageIn * 4, xp, [nM, H, W, C], [Hp, Wp, C], job.top, job.left, job.placeH, job.placeW);
    for (let n = 0; n < nM; n++) {
      for (let oh = 0; oh < outH; oh++) {
        const x = xp + ((n * Hp + oh * sH) * Wp) * C * 4;
        if (direct) row(x, wpk, job.output + ((n + nW) * job.outImageStride + oh * job.outRowStride) * 4);
        else row(x, wpk, tmp + (n * imageOut + oh * outW * coutPadded) * 4);
      }
    }
  } finally {
    const mainSeconds = (performance.now() - started) / 1000;
    pool?.wait();
    if (pool !== null) split?.record(nW, pool.lastJobSeconds, nM, mainSeconds);
  }
  const g = rt.f32;
  if (!direct) scatterImages(g, g, tmp >>> 2, job, nW, nM, coutPadded);
  if (pool !== null) {
    if (direct && dense) g.set(pool.f32.subarray(sOut >>> 2, (sOut >>> 2) + nW * imageOut), job.output >>> 2);
    else scatterImages(pool.f32, g, sOut >>> 2, job, 0, nW, coutPadded);
  }
  addBias(rt.f32, job);
  applyEpilogue(rt.f32, job);
}

/**
 * The same job through @scorekit/native: all images padded here, the filter packed in 16-channel panels
 * [panel][tap][ci][16], then 6-pixel × 16-channel register tiles natively, rows of the output handed to whichever
 * thread is free.
 */
/** Adds the job's bias (if any) to its output, for the kernels that cannot add it in their last step. */
function addBias(f: Float32Array, job: DirectConvJob): void {
  if (job.bias === undefined) return;
  const [N] = job.inputShape;
  const b = job.bias >>> 2;
  for (let n = 0; n < N; n++)
    for (let i = 0; i < job.outH; i++)
      for (let j = 0; j < job.outW; j++) {
        const o = (job.output >>> 2) + n * job.outImageStride + i * job.outRowStride + j * job.outPixelStride;
        for (let c = 0; c < job.outC; c++) f[o + c] += f[b + c];
      }
}

/** Applies the job's sample bias, residual and scale (those it has) to its dense output, in JavaScript. */
function applyEpilogue(f: Float32Array, job: DirectConvJob): void {
  const { sampleBias, residual, scale } = job;
  if (sampleBias === undefined && residual === undefined && scale === undefined) return;
  const [N] = job.inputShape;
  const { outH, outW, outC } = job;
  const o = job.output >>> 2;
  const perImage = outH * outW * outC;
  const factor = scale === undefined ? 1 : Math.fround(scale);  // tfjs's scalar tensor holds it as float32
  for (let n = 0; n < N; n++) {
    const sb = sampleBias === undefined ? -1 : (sampleBias >>> 2) + n * outC;
    for (let i = n * perImage; i < (n + 1) * perImage; i++) {
      let v = f[o + i];
      if (sb >= 0) v = Math.fround(v + f[sb + (i % outC)]);
      if (residual !== undefined) v = Math.fround(f[(residual >>> 2) + i] + v);
      if (scale !== undefined) v = Math.fround(v * factor);
      f[o + i] = v;
    }
  }
}

const hasEpilogue = (job: DirectConvJob): boolean => job.sampleBias !== undefined || job.residual !== undefined || job.scale !== undefined;

/**
 * The job natively: 'all' when the bias and the epilogue were applied too (conv2dFused, or conv2d for a job with
 * no epilogue), 'bias' when only the bias was (conv2d), 'nothing' when the caller still has to add both (an addon
 * built before conv2d).
 */
function nativeDirectConv(rt: WasmRuntime, native: NativeKernels, job: DirectConvJob, Hp: number, Wp: number): 'all' | 'bias' | 'nothing' {
  const [N, H, W, C] = job.inputShape;
  const { outH, outW, outC, kH, kW, sH, sW, dH, dW } = job;
  const T = kH * kW;
  const panels = Math.ceil(outC / 16);
  const dense = job.outPixelStride === outC && job.outRowStride === outW * outC && job.outImageStride === outH * outW * outC;
  if (native.conv2dFused !== undefined && hasEpilogue(job) && dense && job.placeH === 1 && job.placeW === 1) {
    const [wpk] = rt.scratch([panels * T * C * 16 * 4]);
    packFilter(rt.f32, job, C, wpk >>> 2, 16);
    native.conv2dFused(rt.memory.buffer, job.input, N, H, W, C, job.top, job.left, wpk, kH, kW, dH, dW, sH, sW, outH, outW, outC,
      job.output, job.bias ?? 0, job.sampleBias ?? 0, job.residual ?? 0, job.scale ?? 1, blockJobThreads());
    return 'all';
  }
  if (native.conv2d !== undefined && job.placeH === 1 && job.placeW === 1) {
    // zeros outside the input are implicit: no padded copy
    const [wpk] = rt.scratch([panels * T * C * 16 * 4]);
    packFilter(rt.f32, job, C, wpk >>> 2, 16);
    native.conv2d(rt.memory.buffer, job.input, N, H, W, C, job.top, job.left, wpk, job.bias ?? 0, kH, kW, dH, dW, sH, sW, outH, outW,
      outC, job.output, job.outPixelStride, job.outRowStride, job.outImageStride, blockJobThreads());
    return hasEpilogue(job) ? 'bias' : 'all';
  }
  const [xp, wpk] = rt.scratch([N * Hp * Wp * C * 4, panels * T * C * 16 * 4]);
  const f = rt.f32;
  packFilter(f, job, C, wpk >>> 2, 16);
  copyPadded(f, job.input, xp, [N, H, W, C], [Hp, Wp, C], job.top, job.left, job.placeH, job.placeW);
  native.conv(
    rt.memory.buffer,
    xp,
    N,
    Hp,
    Wp,
    C,
    wpk,
    kH,
    kW,
    dH,
    dW,
    sH,
    sW,
    outH,
    outW,
    outC,
    job.output,
    job.outPixelStride,
    job.outRowStride,
    job.outImageStride,
    blockJobThreads(),
  );
  return 'nothing';
}

/** Copies `count` dense images [outH, outW, coutPadded] (from `src` at float `s`) to images first… of the job's output. */
function scatterImages(
  src: Float32Array,
  dst: Float32Array,
  s: number,
  job: DirectConvJob,
  first: number,
  count: number,
  coutPadded: number,
): void {
  const { outH, outW, outC } = job;
  const d = job.output >>> 2;
  for (let n = 0; n < count; n++) {
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++) {
        const from = s + ((n * outH + oh) * outW + ow) * coutPadded;
        const to = d + (n + first) * job.outImageStride + oh * job.outRowStride + ow * job.outPixelStride;
        if (outC >= 8) dst.set(src.subarray(from, from + outC), to);
        else for (let c = 0; c < outC; c++) dst[to + c] = src[from + c];
      }
    }
  }
}

/** dW [kH, kW, inC, outC] of a convolution, from its input x and output gradient dy. */
export function convFilterGrad(rt: WasmRuntime, g: ConvGeometry, x: number, dy: number, dw: number): void {
  const { batch: N, inH, inW, inC, outH, outW, outC, kH, kW, sH, sW, dH, dW } = g;
  const T = kH * kW;
  const Hp = (outH - 1) * sH + (kH - 1) * dH + 1;
  const Wp = (outW - 1) * sW + (kW - 1) * dW + 1;
  const native = rt.native();
  if (native?.conv2dFilterGrad !== undefined) {
    // zeros outside the input are implicit: no padded copy
    native.conv2dFilterGrad(rt.memory.buffer, x, N, inH, inW, inC, g.padTop, g.padLeft, dy, kH, kW, dH, dW, sH, sW, outH,
      outW, outC, dw, blockJobThreads());
    return;
  }
  if (native !== null) {
    // the padded input, with 8 floats of slack the native kernel may read (and drop) past the last channel
    const [xpad] = rt.scratch([(N * Hp * Wp * inC + 8) * 4]);
    copyPadded(rt.f32, x, xpad, [N, inH, inW, inC], [Hp, Wp, inC], g.padTop, g.padLeft);
    native.convFilterGrad(rt.memory.buffer, xpad, N, Hp, Wp, inC, dy, kH, kW, dH, dW, sH, sW, outH, outW, outC, dw, blockJobThreads());
    return;
  }
  const cinPadded = ceilTo(inC, 4);
  const coutPadded = ceilTo(outC, 8);
  const dyCopy = coutPadded !== outC;
  const accFloats = T * cinPadded * coutPadded;
  const imageXp = Hp * Wp * cinPadded;
  const imageDyp = outH * outW * coutPadded;
  // padded NHWC copies, then their channel-blocked forms the kernel reads
  const [xp, xb, dyp, dyb, acc] = rt.scratch([
    N * imageXp * 4,
    N * imageXp * 4,
    dyCopy ? N * imageDyp * 4 : 0,
    N * imageDyp * 4,
    accFloats * 4,
  ]);
  const f = rt.f32;
  const dySrc = dyCopy ? dyp : dy;
  /** Pads and channel-blocks images [n0, n1) of x and dy. */
  const prepare = (n0: number, n1: number): void => {
    if (n1 <= n0) return;
    const count = n1 - n0;
    const xAt = x + n0 * inH * inW * inC * 4;
    copyPadded(f, xAt, xp + n0 * imageXp * 4, [count, inH, inW, inC], [Hp, Wp, cinPadded], g.padTop, g.padLeft);
    if (dyCopy) {
      const dyAt = dy + n0 * outH * outW * outC * 4;
      copyPadded(f, dyAt, dyp + n0 * imageDyp * 4, [count, outH, outW, outC], [outH, outW, coutPadded], 0, 0);
    }
    for (let n = n0; n < n1; n++) {
      rt.misc.blockChannels(xp + n * imageXp * 4, Hp * Wp, cinPadded, 4, xb + n * imageXp * 4);
      rt.misc.blockChannels(dySrc + n * imageDyp * 4, outH * outW, coutPadded, 8, dyb + n * imageDyp * 4);
    }
  };
  f.fill(0, acc >>> 2, (acc >>> 2) + accFloats);
  const taps: number[] = [];
  for (let kh = 0; kh < kH; kh++) for (let kw = 0; kw < kW; kw++) taps.push((kh * dH * Wp + kw * dW) * 16);
  const plan: FilterGradPlan = {
    cinPadded,
    coutPadded,
    outHeight: outH,
    outWidth: outW,
    pixelStep: sW * 16,
    rowStep: sH * Wp * 16,
    blockStep: Hp * Wp * 16,
    taps,
    fma: rt.fma,
  };
  const image = rt.instantiate(`filter:${JSON.stringify(plan)}`, () => filterGradModuleBytes(plan)).image as (
    x: number,
    dy: number,
    dw: number,
  ) => void;
  // A second thread accumulates the first half of the images into its own dW, added in at the end.
  const pool = N >= 2 ? rt.parallel(2 * N * outH * outW * T * cinPadded * coutPadded) : null;
  const nW = pool === null ? 0 : Math.floor(N / 2);
  let sAcc = 0;
  if (pool !== null) {
    // The worker's images are prepared first, so it starts while this thread prepares its own.
    prepare(0, nW);
    const sX = pool.alloc(nW * imageXp * 4);
    const sDy = pool.alloc(nW * imageDyp * 4);
    sAcc = pool.alloc(accFloats * 4);
    const sf = pool.f32;
    sf.set(f.subarray(xb >>> 2, (xb >>> 2) + nW * imageXp), sX >>> 2);
    sf.set(f.subarray(dyb >>> 2, (dyb >>> 2) + nW * imageDyp), sDy >>> 2);
    sf.fill(0, sAcc >>> 2, (sAcc >>> 2) + accFloats);
    const id = rt.workerModule(pool, `filter:${JSON.stringify(plan)}`, (m) => filterGradModuleBytes(plan, m), ['image']);
    pool.start(id, 'image', nW, 1, [{ base: sX, di: imageXp * 4 }, { base: sDy, di: imageDyp * 4 }, { base: sAcc }]);
  }
  try {
    prepare(nW, N);
    for (let n = nW; n < N; n++) image(xb + n * imageXp * 4, dyb + n * imageDyp * 4, acc);
  } finally {
    pool?.wait();
  }
  const a = acc >>> 2;
  if (pool !== null) {
    const sf = pool.f32;
    const s = sAcc >>> 2;
    for (let k = 0; k < accFloats; k++) f[a + k] += sf[s + k];
  }
  const d = dw >>> 2;
  for (let t = 0; t < T; t++) {
    for (let ci = 0; ci < inC; ci++) {
      const src = a + (t * cinPadded + ci) * coutPadded;
      f.copyWithin(d + (t * inC + ci) * outC, src, src + outC);
    }
  }
}
