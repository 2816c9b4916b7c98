import * as nodePath from 'node:path';

/**
 * The layout of a run folder, the contract between `scorekit train` and the gallery (see README):
 *
 * ```
 * runs/<name>/
 *   config.json                      the resolved TrainConfig
 *   metrics.jsonl                    one JSON line per log interval: step, loss, lr, gradNorm, stepsPerSec, time
 *   checkpoints/step-000001000/      saveCheckpoint folders (checkpoint.json, *.safetensors)
 *   checkpoints/latest               the newest checkpoint's folder name
 *   samples/step-000001000.npy       samples drawn with the EMA weights, [n, ...dims] float32
 *   samples/step-000001000.png       their image grid (images) or scatter plot (2D)
 *   trajectories/step-000001000.npy  the recorded sampler trajectory, [states, n, ...dims]
 *   trajectories/index.json          [{ step, file, sampler, steps, times, shape }]
 *   summary.json                     status, steps done, final loss, timing, backend
 * ```
 *
 * @example
 * const run = runFolder('runs/demo');
 * await saveNpy(run.samplesNpy(1000), samples);
 */
export function runFolder(root: string) {
  const stepName = (step: number) => `step-${String(step).padStart(9, '0')}`;
  return {
    root,
    config: nodePath.join(root, 'config.json'),
    metrics: nodePath.join(root, 'metrics.jsonl'),
    summary: nodePath.join(root, 'summary.json'),
    checkpoints: nodePath.join(root, 'checkpoints'),
    samples: nodePath.join(root, 'samples'),
    trajectories: nodePath.join(root, 'trajectories'),
    trajectoryIndex: nodePath.join(root, 'trajectories', 'index.json'),
    samplesNpy: (step: number) => nodePath.join(root, 'samples', `${stepName(step)}.npy`),
    samplesPng: (step: number) => nodePath.join(root, 'samples', `${stepName(step)}.png`),
    trajectoryNpy: (step: number) => nodePath.join(root, 'trajectories', `${stepName(step)}.npy`),
    stepName,
  };
}

/** The paths of one run folder (see {@link runFolder}). */
export type RunFolder = ReturnType<typeof runFolder>;

/** One line of `metrics.jsonl`. */
export interface MetricsLine {
  readonly step: number;
  /** Mean training loss over the steps since the previous line. */
  readonly loss: number;
  /** Learning rate at this step (after warm-up scaling). */
  readonly lr: number;
  /** Mean global gradient norm (before clipping) over the interval. */
  readonly gradNorm: number;
  /** Training steps per second over the interval. */
  readonly stepsPerSec: number;
  /** Seconds of training since the run began (across resumes). */
  readonly time: number;
}
