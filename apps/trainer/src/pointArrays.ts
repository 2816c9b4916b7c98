import * as fs from 'node:fs/promises';
import { CliError } from './errors.js';
import { checkDataValues } from './imageValues.js';
import { readNpyFile, runTask } from './io.js';
import { decodePng } from './png.js';

/** Points read from a flag: `count` points of the model's point shape, flat. */
export interface PointArray {
  readonly values: Float32Array;
  /** How many points: 1 when the input was one point's shape, else its leading dimension. */
  readonly count: number;
  /** The shape the input had, for messages. */
  readonly shape: readonly number[];
}

/**
 * Reads points for a flag: numbers `x,y,…` (vector data), a `.npy` of one point's shape [...dims] or of [m, ...dims],
 * or a `.png` of one image (8-bit pixels mapped to [−1, 1] by p/127.5 − 1; `as: 'mask'` maps 0 → 0 and 255 → 1 and
 * refuses grey). The shape must be one point's or [m, ...dims]; a mismatch names both shapes.
 *
 * @example
 * const x = await readPoints('--from', '-2,0', [2]);              // { values: [-2, 0], count: 1 }
 * const mask = await readPoints('--mask', 'mask.png', [28, 28, 1], { as: 'mask' });
 */
export async function readPoints(flag: string, spec: string, pointShape: readonly number[], options: { as?: 'values' | 'mask' } = {}): Promise<PointArray> {
  const as = options.as ?? 'values';
  let values: Float32Array;
  let shape: number[];
  if (/\.npy$/i.test(spec)) {
    const npy = await runTask(readNpyFile(spec, flag));
    values = Float32Array.from(npy.data as ArrayLike<number | bigint>, (v) => Number(v));
    shape = [...npy.shape];
  } else if (/\.png$/i.test(spec)) {
    const bytes = await fs.readFile(spec).catch((e: NodeJS.ErrnoException) => {
      throw new CliError(`${flag} ${spec}: cannot read it (${e.code ?? e.message})`);
    });
    let png;
    try {
      png = decodePng(bytes);
    } catch (e) {
      throw new CliError(`${flag} ${spec}: not a valid PNG (${(e as Error).message})`);
    }
    const c = pointShape.length === 3 ? pointShape[2]! : 1;
    if (pointShape.length !== 3 || (c !== 1 && c !== 3)) {
      throw new CliError(`${flag} ${spec}: a PNG gives an image, but this model's points have shape [${pointShape.join(', ')}]; give a .npy${pointShape.length === 1 ? ' or numbers x,y,…' : ''}`);
    }
    shape = [png.height, png.width, c];
    values = new Float32Array(png.width * png.height * c);
    for (let p = 0; p < png.width * png.height; p++) {
      for (let k = 0; k < c; k++) {
        const byte = png.data[4 * p + k]!;
        if (as === 'mask' && byte !== 0 && byte !== 255) {
          throw new CliError(`${flag} ${spec}: a mask PNG must be black (0, fill in) and white (255, known); pixel ${p % png.width},${Math.floor(p / png.width)} is ${byte}`);
        }
        values[p * c + k] = as === 'mask' ? byte / 255 : byte / 127.5 - 1;
      }
    }
  } else if (pointShape.length === 1 && /^[\s\d.eE+,-]+$/.test(spec)) {
    const parts = spec.split(',').map((s) => Number(s.trim()));
    if (parts.some((v) => !Number.isFinite(v)) || spec.trim() === '') throw new CliError(`${flag} must be ${pointShape[0]} numbers x,y,… (or a .npy), got '${spec}'`);
    values = Float32Array.from(parts);
    shape = [parts.length];
  } else {
    throw new CliError(`${flag} must be a .npy or .png file${pointShape.length === 1 ? ` or ${pointShape[0]} numbers x,y,…` : ''}, got '${spec}'`);
  }
  const one = shape.length === pointShape.length && shape.every((d, i) => d === pointShape[i]);
  const many = shape.length === pointShape.length + 1 && shape.slice(1).every((d, i) => d === pointShape[i]) && shape[0]! >= 1;
  if (!one && !many) {
    throw new CliError(`${flag} ${spec} has shape [${shape.join(', ')}]; this model's points are [${pointShape.join(', ')}]: give one point [${pointShape.join(', ')}] or m of them [m, ${pointShape.join(', ')}]`);
  }
  const count = one ? 1 : shape[0]!;
  if (as === 'mask') {
    const bad = values.findIndex((v) => v !== 0 && v !== 1);
    if (bad >= 0) throw new CliError(`${flag} ${spec}: a mask holds 1 (known) and 0 (fill in) only; found ${values[bad]} at flat index ${bad}`);
  } else {
    checkDataValues(values, one ? [1, ...shape] : shape, `${flag} ${spec}`, { images: pointShape.length === 3 });
  }
  return { values, count, shape };
}
