import { CliError } from './errors.js';

/**
 * How far outside [−1, 1] an image value may be: diffusion samples are not clipped and overshoot a little; pixel
 * values (0…255) or other scales are far beyond it.
 */
export const IMAGE_RANGE_SLACK = 0.5;

/**
 * Refuses data with a non-finite value (naming the sample and the value, and that the data is at fault), and, for
 * images, values outside [−1, 1] (beyond {@link IMAGE_RANGE_SLACK}), saying what range is expected and how to
 * convert 8-bit pixels — instead of a FID of millions or a bits/dim that means nothing.
 *
 * @example
 * checkDataValues(npy.data, npy.shape, '--data x.npy', { images: true });
 */
export function checkDataValues(data: ArrayLike<number>, shape: readonly number[], origin: string, options: { images: boolean }): void {
  const n = shape[0] ?? 1;
  const per = n > 0 ? data.length / n : data.length;
  let min = Infinity;
  let max = -Infinity;
  let outside = -1;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (!Number.isFinite(v)) {
      throw new CliError(`${origin}: sample ${Math.floor(i / per)} holds ${v} (at flat index ${i}); the data must be finite. Fix or drop that sample.`);
    }
    if (v < min) min = v;
    if (v > max) max = v;
    if (outside < 0 && Math.abs(v) > 1 + IMAGE_RANGE_SLACK) outside = i;
  }
  if (options.images && outside >= 0) {
    const pixels = min >= 0 && max <= 255 && max > 1 + IMAGE_RANGE_SLACK;
    throw new CliError(
      `${origin}: images must be in [−1, 1], but sample ${Math.floor(outside / per)} holds ${data[outside]} (values span ${min} … ${max}). ` +
        (pixels ? 'These look like 8-bit pixels: convert them with p / 127.5 − 1.' : 'Rescale them to [−1, 1] (8-bit pixels p: p / 127.5 − 1; or clip samples).'),
    );
  }
}
