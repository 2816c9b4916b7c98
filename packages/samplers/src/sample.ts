import type { SampleRequest, SampleResult } from './Sampler.js';
import { createSampler, type SamplerName, type SamplerOptionsByName } from './createSampler.js';

/** A sampler named with its options, merged with the run-time request. */
export type SampleConfig = {
  [K in SamplerName]: { readonly sampler: K } & SamplerOptionsByName[K] & SampleRequest;
}[SamplerName];

const REQUEST_FIELDS = new Set(['denoiser', 'score', 'sde', 'shape', 'seed', 'rng', 'init', 'denoise', 'onProgress', 'onStep', 'signal', 'record', 'labels', 'x0Threshold']);

/**
 * One call that names a sampler, its options and the request together: `createSampler(sampler, options).run(request)`.
 *
 * @example
 * const { samples, nfe } = await sample({ sampler: 'dpm-solver++', steps: 20, denoiser: model, shape: [1000, 2], seed: 0 });
 */
export function sample(config: SampleConfig): Promise<SampleResult> {
  if (config == null || typeof config !== 'object') throw new Error('sample() needs { sampler, ...options, denoiser, shape, seed }');
  const options: Record<string, unknown> = {};
  const request: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (key === 'sampler') continue;
    (REQUEST_FIELDS.has(key) ? request : options)[key] = value;
  }
  return createSampler(config.sampler as string, options).run(request as unknown as SampleRequest);
}
