import * as tf from '@tensorflow/tfjs-core';
import type { ObjectiveBatch } from '../ObjectiveBatch.js';

/** Unpacks and checks a batch: x float32 of rank ≥ 2 with n ≥ 1, labels (if any) of shape [n]. */
export function readBatch(batch: ObjectiveBatch, where: string): { x: tf.Tensor; labels?: tf.Tensor } {
  const x = batch instanceof tf.Tensor ? batch : (batch as { x?: unknown } | null)?.x;
  if (!(x instanceof tf.Tensor)) throw new Error(`${where}: the batch must be a tensor [n, ...dims] or { x, labels? }`);
  checkData(x, where, 'x');
  const labels = batch instanceof tf.Tensor ? undefined : batch.labels;
  if (labels !== undefined) {
    if (!(labels instanceof tf.Tensor) || labels.rank !== 1 || labels.shape[0] !== x.shape[0]) {
      const got = labels instanceof tf.Tensor ? `[${labels.shape.join(',')}]` : String(labels);
      throw new Error(`${where}: batch labels must have shape [${x.shape[0]}] (one per sample of x); got ${got}`);
    }
  }
  return { x, labels };
}

/** Checks a data tensor: float32, rank ≥ 2 ([n, ...dims]), n ≥ 1. */
export function checkData(x: tf.Tensor, where: string, name: string): void {
  if (!(x instanceof tf.Tensor)) throw new Error(`${where}: ${name} must be a tensor [n, ...dims]`);
  if (x.rank < 2 || x.shape[0] < 1) {
    throw new Error(`${where}: ${name} must have shape [n, ...dims] with n ≥ 1 and at least one data dimension; got [${x.shape.join(',')}]`);
  }
  if (x.dtype !== 'float32') throw new Error(`${where}: ${name} must be float32; got ${x.dtype}`);
}

/** Checks that `b` has exactly the shape of `a`. */
export function checkSameShape(a: tf.Tensor, b: unknown, where: string, nameA: string, nameB: string): void {
  if (!(b instanceof tf.Tensor) || b.shape.join(',') !== a.shape.join(',')) {
    const got = b instanceof tf.Tensor ? `[${b.shape.join(',')}]` : String(b);
    throw new Error(`${where}: ${nameB} must be shaped like ${nameA} [${a.shape.join(',')}]; got ${got}`);
  }
}

/** Checks a per-sample array of finite numbers of length n, each satisfying `ok`. */
export function checkPerSampleArray(
  values: ArrayLike<number>,
  n: number,
  where: string,
  name: string,
  ok: (v: number) => boolean = () => true,
  allowed = 'finite',
): void {
  if (values == null || typeof values.length !== 'number' || values.length !== n) {
    throw new Error(`${where}: ${name} must hold one number per sample (${n}); got ${values == null ? String(values) : `length ${values.length}`}`);
  }
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) throw new Error(`${where}: ${name}[${i}] must be ${allowed}; got ${v}`);
  }
}
