import { forEachProductBlock } from '@scorekit/core';
import type { ProductBlock } from '@scorekit/core';

/** Sums of k(u, v) = (γ uᵀv + c)^degree over one subset draw: within a (i ≠ j), within b (i ≠ j), and across. */
export interface KernelSums {
  readonly aa: number;
  readonly bb: number;
  readonly ab: number;
}

/** One subset draw: `size` rows of each set, float32, row-major (n × d). */
export interface SubsetRows {
  readonly a: Float32Array;
  readonly b: Float32Array;
}

/** Bytes of rows handed to one forEachProductBlock call (several draws at once keep both threads busy). */
const ROWS_BYTES_PER_CALL = 64 * 2 ** 20;

/**
 * The three kernel sums of every draw, from float32 products computed by forEachProductBlock (whole blocks on both
 * threads) and summed in float64. Each draw's a and b are cut into two halves of rows; within a set only the tiles
 * on or above the diagonal are multiplied (an entry and its mirror are the same float32 value: the same products
 * summed in the same order), the tiles above counted twice. Each block's sum is kept apart and the sums are added
 * in block order, so the result does not depend on which thread computed what.
 */
export function kernelSums(draws: readonly SubsetRows[], size: number, d: number, gamma: number, coef: number, degree: number): KernelSums[] {
  const kernel = kernelOf(gamma, coef, degree);
  const perCall = Math.max(1, Math.floor(ROWS_BYTES_PER_CALL / (2 * size * d * 4)));
  const half = Math.ceil(size / 2);
  const tiles = [
    [0, half],
    [half, size],
  ].filter(([s, e]) => e > s);
  const out: KernelSums[] = [];
  for (let first = 0; first < draws.length; first += perCall) {
    const group = draws.slice(first, first + perCall);
    // draw g: its a at rows 2g·size, its b at (2g + 1)·size
    const rows = new Float32Array(group.length * 2 * size * d);
    group.forEach((draw, g) => {
      rows.set(draw.a.subarray(0, size * d), 2 * g * size * d);
      rows.set(draw.b.subarray(0, size * d), (2 * g + 1) * size * d);
    });
    const blocks: ProductBlock[] = [];
    const roles: { draw: number; sum: keyof KernelSums; weight: number; diagonal: boolean }[] = [];
    group.forEach((_, g) => {
      const a0 = 2 * g * size;
      const b0 = (2 * g + 1) * size;
      for (const [sum, r0, c0] of [['aa', a0, a0], ['bb', b0, b0], ['ab', a0, b0]] as const) {
        tiles.forEach(([i0, i1], p) =>
          tiles.forEach(([j0, j1], q) => {
            if (sum !== 'ab' && q < p) return;
            blocks.push({ i0: r0 + i0, i1: r0 + i1, j0: c0 + j0, j1: c0 + j1 });
            roles.push({ draw: g, sum, weight: sum !== 'ab' && q > p ? 2 : 1, diagonal: sum !== 'ab' && p === q });
          }),
        );
      }
    });
    const index = new Map(blocks.map((b, i) => [b, i]));
    const partial = new Float64Array(blocks.length);
    const m = { data: rows, rows: group.length * 2 * size, cols: d };
    forEachProductBlock(m, m, blocks, (block, g) => {
      const i = index.get(block) as number;
      partial[i] = roles[i].weight * blockSum(g, block.i1 - block.i0, block.j1 - block.j0, roles[i].diagonal, kernel);
    });
    const sums = group.map(() => ({ aa: 0, bb: 0, ab: 0 }));
    partial.forEach((v, i) => {
      sums[roles[i].draw][roles[i].sum] += v;
    });
    out.push(...sums);
  }
  return out;
}

/** Σ kernel(g) over an h × w block, in row-major order, leaving out its diagonal when `diagonal`. */
function blockSum(g: Float32Array, h: number, w: number, diagonal: boolean, kernel: (v: number) => number): number {
  let sum = 0;
  for (let i = 0; i < h; i++) {
    const row = i * w;
    for (let j = 0; j < w; j++) if (!diagonal || i !== j) sum += kernel(g[row + j]);
  }
  return sum;
}

/** (γ v + c)^degree, with the cube (the KID default) as two multiplications rather than Math.pow. */
export function kernelOf(gamma: number, coef: number, degree: number): (v: number) => number {
  if (degree === 3) {
    return (v) => {
      const t = gamma * v + coef;
      return t * t * t;
    };
  }
  return (v) => (gamma * v + coef) ** degree;
}
