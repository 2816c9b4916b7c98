import * as tf from '@tensorflow/tfjs-core';
import type { SampleRequest, Sampler } from '@scorekit/samplers';
import type { ConditionedRequest } from '../conditioning.js';
import { CliError } from '../errors.js';
import type { ScoreSource } from '../scoreSource.js';
import { sampleSeed } from '../shard.js';

/** What {@link sampleByIndex} needs: the sampler, the score source, the run's seed and the indices to draw. */
export interface SampleByIndexRequest {
  readonly sampler: Sampler;
  readonly source: ScoreSource;
  readonly seed: number;
  readonly start: number;
  readonly end: number;
  /** The denoiser (and step callback) of sample index j: its class, its inpainting row. Default: the source's. */
  readonly requestFor?: (j: number) => ConditionedRequest;
  /** Further request settings every sample gets the same (e.g. `x0Threshold`). */
  readonly request?: Partial<Omit<SampleRequest, 'score' | 'sde' | 'denoiser' | 'onStep' | 'shape' | 'seed' | 'rng'>>;
}

/**
 * Draws samples start … end − 1 of a run one at a time, sample j from seed {@link sampleSeed}(seed, j), so any
 * split of the indices over processes or machines gives exactly the samples of one run. One sampler call per
 * sample: batches of one cost more calls than one batch of n, which is the price of seeds that do not depend on
 * the batch (the samplers draw a batch's noise from one generator).
 *
 * @example
 * const { samples, nfe } = await sampleByIndex({ sampler, source, seed: 0, start: 250, end: 500 });
 */
export async function sampleByIndex(r: SampleByIndexRequest): Promise<{ samples: tf.Tensor; nfe: number }> {
  const count = r.end - r.start;
  if (count < 1) throw new CliError(`this shard has no samples (indices ${r.start} … ${r.end - 1}); use fewer shards than --n`);
  const size = r.source.pointShape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(count * size);
  let nfe = 0;
  for (let j = r.start; j < r.end; j++) {
    const conditioned = r.requestFor?.(j) ?? { denoiser: r.source.denoiser };
    const result = await r.sampler.run({
      ...r.request,
      ...conditioned,
      shape: [1, ...r.source.pointShape],
      seed: sampleSeed(r.seed, j),
    });
    out.set((await result.samples.data()) as Float32Array, (j - r.start) * size);
    result.samples.dispose();
    nfe += result.nfe;
  }
  return { samples: tf.tensor(out, [count, ...r.source.pointShape], 'float32'), nfe };
}
