/** One line of the trainer's `metrics.jsonl` (only the fields the gallery draws; others are kept). */
export interface MetricsPoint {
  readonly step: number;
  readonly [name: string]: number;
}

/** What the runs list shows of one run folder. */
export interface RunSummary {
  readonly name: string;
  readonly dataset: string;
  /** The network in a few words, e.g. `mlp 64×2` or `unet nf 8`. */
  readonly model: string;
  readonly sde: string;
  readonly objective: string;
  /** Training steps done (summary.json, else the last metrics line, else 0) and planned (config.steps). */
  readonly stepsDone: number;
  readonly stepsPlanned: number | null;
  /** summary.json's status (`completed`, `interrupted`), or `running` when there is none yet. */
  readonly status: string;
  readonly lastMetrics: MetricsPoint | null;
  /** `points` for 2D data (scatter plots), `images` for image data (grids). */
  readonly kind: 'points' | 'images';
  readonly checkpoints: number;
}

/** A folder of the runs folder that is not a readable run, and why. */
export interface MalformedRun {
  readonly name: string;
  readonly reason: string;
}
