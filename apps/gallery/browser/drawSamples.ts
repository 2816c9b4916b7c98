import { createSampler, type X0Threshold } from '@scorekit/samplers';
import { withLabels } from '@scorekit/guidance';
import { guidanceAvailability } from './guidanceAvailability.js';
import { guidanceProblems } from './guidanceProblems.js';
import { guidedDenoiser, type Guidance } from './guidedDenoiser.js';
import type { RunModel } from './loadRunModel.js';
import type { Denoiser } from '@scorekit/sde';

/** What the page asks for. */
export interface DrawRequest {
  readonly sampler: string;
  /** The sampler's options (steps and what the form offers), checked by `createSampler`. */
  readonly options: Readonly<Record<string, unknown>>;
  readonly n: number;
  readonly seed: number;
  /**
   * Class-conditional runs, and guided runs: one class for every sample, or `'cycle'` for 0, 1, … in turn (the
   * classifier's classes under classifier guidance).
   */
  readonly label?: number | 'cycle';
  /** Classifier-free guidance or classifier guidance with a scale (`scorekit sample --cfg-scale` / `--classifier`). */
  readonly guidance?: Guidance;
  /** Called after every step (adaptive solvers: thousandths of the span); awaited, so the page can repaint. */
  readonly onProgress?: (done: number, total: number) => void | Promise<void>;
}

/** What a draw returns. */
export interface DrawResult {
  readonly values: Float32Array;
  readonly shape: readonly number[];
  readonly nfe: number;
  readonly steps: number;
}

/**
 * Draws samples with any registered sampler of `@scorekit/samplers`, as `scorekit sample --checkpoint` does — the
 * same denoiser (the model; with `--class`, {@link withLabels}; guided, {@link guidedDenoiser}, checked first by
 * {@link guidanceProblems}), seed and options; x̂₀ clipped to [−1, 1] for image runs, the CLI's default there — so the
 * same request on cpu gives Node's numbers. The run goes step by step through `sampler.steps()`, yielding to the
 * browser after each so the progress bar repaints; every tensor is disposed.
 */
export async function drawSamples(model: RunModel, request: DrawRequest): Promise<DrawResult> {
  if (!Number.isInteger(request.n) || request.n < 1) throw new Error(`the sample count must be an integer ≥ 1, got ${request.n}`);
  if (!Number.isInteger(request.seed) || request.seed < 0) throw new Error(`the seed must be an integer ≥ 0, got ${request.seed}`);
  const sampler = createSampler(request.sampler, request.options);
  const guidance = request.guidance;
  // The denoiser `scorekit sample` samples with: the model itself, with the class (`--class`), or guided.
  let denoiser: Denoiser = model.denoiser;
  if (guidance != null) {
    // Checked before any sampling, with the same rules the page applies before loading anything.
    const available = guidanceAvailability('this run', { modelClasses: model.numClasses, labelDropout: model.labelDropout }, guidance.kind === 'classifier' ? guidance.classifier : null);
    const problems = guidanceProblems(available, { kind: guidance.kind, scale: guidance.scale, label: request.label });
    if (problems.length > 0) throw new Error(problems.join('; '));
    const classes = guidance.kind === 'classifier' ? guidance.classifier.numClasses : model.numClasses;
    denoiser = guidedDenoiser(model, guidance, classList(request.label!, classes, request.n));
  } else if (request.label != null) {
    const k = request.label;
    if (model.numClasses < 1) throw new Error('this run is not class-conditional: it takes no class (unless guided by a classifier)');
    if (k !== 'cycle' && (!Number.isInteger(k) || k < 0 || k >= model.numClasses)) throw new Error(`the class must be 'cycle' or 0…${model.numClasses - 1}, got ${k}`);
    denoiser = withLabels(model.denoiser, classList(k, model.numClasses, request.n));
  }
  let last: [number, number] = [0, 0];
  const x0Threshold: X0Threshold | undefined = model.images ? { name: 'clip' } : undefined;
  const iterator = sampler.steps({
    denoiser,
    shape: [request.n, ...model.pointShape],
    seed: request.seed,
    ...(x0Threshold ? { x0Threshold } : {}),
    onProgress: (done, total) => {
      last = [done, total];
    },
  });
  for (;;) {
    const r = await iterator.next();
    if (r.done) {
      // The driver reports a step's progress when the next step starts (after the iterator yielded it), so
      // the last report arrives only with the result.
      if (request.onProgress) await request.onProgress(last[0], last[1]);
      const { samples, nfe, steps } = r.value;
      const values = (await samples.data()) as Float32Array;
      const shape = samples.shape;
      samples.dispose();
      return { values, shape, nfe, steps };
    }
    if (request.onProgress && last[1] > 0) await request.onProgress(last[0], last[1]);
  }
}

// The class of each sample: one class for all, or 0, 1, … in turn.
function classList(label: number | 'cycle', classes: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => (label === 'cycle' ? i % classes : label));
}
