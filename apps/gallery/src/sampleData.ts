import { readNpyFloat32 } from './readNpyFloat32.js';
import { promises as fs } from 'node:fs';

/** What the page draws of a sample set: the leading `count` samples of an array `[n, ...dims]`. */
export interface SampleSlice {
  readonly shape: readonly number[];
  /** The values of the slice, rounded to 5 significant digits (enough for pixels and scatter plots). */
  readonly data: number[];
}

/**
 * Reads samples `[from, from + count)` along axis `axis` of a float32 `.npy` (axis 0 for sample sets
 * `[n, ...dims]`, axis 1 for trajectories `[states, n, ...dims]`), keeping every other axis whole.
 */
export async function readSampleSlice(path: string, options: { axis: 0 | 1; from: number; count: number }): Promise<SampleSlice> {
  const { shape, data } = readNpyFloat32(await fs.readFile(path));
  const { axis } = options;
  if (shape.length < axis + 2) throw new Error(`expected an array with at least ${axis + 2} axes, got [${shape.join(', ')}]`);
  const outer = axis === 0 ? 1 : shape[0];
  const n = shape[axis];
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const from = Math.min(Math.max(0, options.from), n);
  const count = Math.min(Math.max(0, options.count), n - from);
  const out: number[] = [];
  for (let o = 0; o < outer; o++) {
    const base = (o * n + from) * inner;
    for (let i = 0; i < count * inner; i++) out.push(Number(data[base + i].toPrecision(5)));
  }
  const sliceShape = [...shape];
  sliceShape[axis] = count;
  return { shape: sliceShape, data: out };
}

/** The number of samples of a sample set (its first axis), read from the header alone would do; files are small. */
export async function countSamples(path: string): Promise<{ count: number; shape: readonly number[] }> {
  const { shape } = readNpyFloat32(await fs.readFile(path));
  return { count: shape[0] ?? 0, shape };
}
