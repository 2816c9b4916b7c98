import * as tf from '@tensorflow/tfjs-core';
import type { RunModel } from './loadRunModel.js';

/** One arrow of the score field: where it starts and the score there. */
export interface FieldArrow {
  readonly x: number;
  readonly y: number;
  readonly dx: number;
  readonly dy: number;
}

/** The learned score s(x, t) of a 2D run on a `count`×`count` grid over `view` = [xmin, xmax, ymin, ymax]. */
export async function scoreField(model: RunModel, t: number, view: readonly [number, number, number, number], count = 15): Promise<FieldArrow[]> {
  const [xa, xb, ya, yb] = view;
  const points: number[] = [];
  for (let j = 0; j < count; j++) for (let i = 0; i < count; i++) points.push(xa + ((i + 0.5) * (xb - xa)) / count, ya + ((j + 0.5) * (yb - ya)) / count);
  const s = tf.tidy(() => model.scoreFn()(tf.tensor2d(points, [count * count, 2]), tf.fill([count * count], t)));
  const v = await s.data();
  s.dispose();
  return Array.from({ length: count * count }, (_, k) => ({ x: points[2 * k]!, y: points[2 * k + 1]!, dx: v[2 * k]!, dy: v[2 * k + 1]! }));
}
