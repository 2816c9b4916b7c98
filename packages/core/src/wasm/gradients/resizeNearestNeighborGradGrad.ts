import * as tf from '@tensorflow/tfjs-core';

/**
 * The gradient of `ResizeNearestNeighborGrad`, which tfjs does not define: the kernel is linear in dy and its
 * adjoint is the forward resize, so second-order objectives (sliced or exact score matching, Hutchinson traces)
 * can differentiate through U-Nets that upsample with `tf.image.resizeNearestNeighbor`. Registered once for all
 * backends (a gradient is backend-independent).
 */
export const resizeNearestNeighborGradGradConfig: tf.GradConfig = {
  kernelName: tf.ResizeNearestNeighborGrad,
  inputsToSave: ['images', 'dy'],
  gradFunc: (ddx: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
    const [images, dy] = saved;
    const { alignCorners, halfPixelCenters } = attrs as unknown as tf.ResizeNearestNeighborGradAttrs;
    const size: [number, number] = [dy.shape[1] as number, dy.shape[2] as number];
    return {
      dy: () => tf.image.resizeNearestNeighbor(ddx as tf.Tensor4D, size, alignCorners, halfPixelCenters),
      images: () => tf.zerosLike(images),
    };
  },
};
