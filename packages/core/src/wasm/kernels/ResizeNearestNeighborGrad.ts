import * as tf from '@tensorflow/tfjs-core';
import { runtimeFor } from '../internal/WasmRuntime.js';

/** The source index of output position `i` in nearest-neighbour resizing, as tfjs's cpu backend computes it. */
function nearestSource(i: number, ratio: number, oldSize: number, alignCorners: boolean, halfPixelCenters: boolean): number {
  const frac = halfPixelCenters ? ratio * (i + 0.5) : ratio * i;
  let s = Math.min(oldSize - 1, alignCorners ? Math.round(frac) : Math.floor(frac));
  if (halfPixelCenters) s = Math.max(0, s);
  return s;
}

/**
 * `ResizeNearestNeighborGrad` (the gradient of nearest-neighbour upsampling in U-Nets) as the exact adjoint of the
 * forward resize: each dy pixel's channel vector is added to the input pixel it was copied from, in one wasm
 * scatter-add pass (tfjs-backend-wasm's is a scalar loop with a window search per pixel).
 */
export const resizeNearestNeighborGradConfig: tf.KernelConfig = {
  kernelName: tf.ResizeNearestNeighborGrad,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { images, dy } = inputs as { images: tf.TensorInfo; dy: tf.TensorInfo };
    const { alignCorners, halfPixelCenters } = attrs as unknown as tf.ResizeNearestNeighborGradAttrs;
    const kernel = 'ResizeNearestNeighborGrad';
    if (dy.dtype !== 'float32') throw new Error(`${kernel} on wasm: dy must be float32, got ${dy.dtype}`);
    if (images.shape.length !== 4 || dy.shape.length !== 4) {
      throw new Error(`${kernel} on wasm: images and dy must have rank 4, got [${images.shape}] and [${dy.shape}]`);
    }
    const [batch, oldH, oldW, channels] = images.shape;
    const [dyBatch, newH, newW, dyChannels] = dy.shape;
    if (dyBatch !== batch || dyChannels !== channels) {
      throw new Error(`${kernel} on wasm: dy [${dy.shape}] does not match images [${images.shape}] in batch or channels`);
    }
    const rt = runtimeFor(backend);
    const out = rt.backend.makeOutput([batch, oldH, oldW, channels], 'float32');
    const size = batch * oldH * oldW * channels;
    const count = batch * newH * newW;
    const ac = alignCorners === true;
    const hp = halfPixelCenters === true;
    const ratioH = (ac && newH > 1 ? oldH - 1 : oldH) / (ac && newH > 1 ? newH - 1 : newH);
    const ratioW = (ac && newW > 1 ? oldW - 1 : oldW) / (ac && newW > 1 ? newW - 1 : newW);
    const [ids] = rt.scratch([count * 4]);
    const h = rt.backend.wasm.HEAP32;
    const rowsSrc = Array.from({ length: newH }, (_, r) => nearestSource(r, ratioH, oldH, ac, hp));
    const colsSrc = Array.from({ length: newW }, (_, c) => nearestSource(c, ratioW, oldW, ac, hp));
    let k = ids >>> 2;
    for (let b = 0; b < batch; b++) {
      for (let r = 0; r < newH; r++) {
        const base = (b * oldH + rowsSrc[r]) * oldW;
        for (let c = 0; c < newW; c++) h[k++] = base + colsSrc[c];
      }
    }
    const o = rt.offset(out);
    rt.f32.fill(0, o >>> 2, (o >>> 2) + size);
    if (count > 0 && channels > 0) rt.misc.scatterAdd(rt.offset(dy), ids, count, batch * oldH * oldW, channels, o);
    return out;
  },
};
