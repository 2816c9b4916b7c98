import type { SampleRequest, SampleResult, Sampler } from '../Sampler.js';
import { SamplingRun } from './run.js';

/** Builds a {@link Sampler} whose run gets a fresh {@link SamplingRun} (planned steps given by `total`). */
export function makeSampler(
  name: string,
  options: Readonly<Record<string, unknown>>,
  total: (request: SampleRequest) => number,
  body: (run: SamplingRun) => Promise<SampleResult>,
): Sampler {
  return Object.freeze({
    name,
    options: Object.freeze({ ...options }),
    run: async (request: SampleRequest) => body(new SamplingRun(name, request, total(request))),
  });
}
