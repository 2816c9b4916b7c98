/**
 * The worker's share of a kernel's independent units (4-row blocks of a matmul, images of a convolution), adapted
 * from the last jobs' measured rates. An even split leaves one thread waiting whenever the two run at different
 * speeds — the main thread also packs and copies the worker's inputs, and on a shared machine either core can be
 * slowed by other tenants (measured here: the main thread waiting 0.4–1.4 s of a 13 s precision/recall run).
 *
 * Only kernels whose result does not depend on the split use it (each output element is computed whole by one
 * thread, the same way), so results stay bit-identical run to run whatever the share.
 */
export class WorkSplit {
  private share = 0.5;

  constructor(
    /** Bounds of the share, so one slow measurement cannot starve either thread. */
    private readonly min = 0.25,
    private readonly max = 0.75,
    /** Weight of the newest measurement: single jobs vary by ±15 % on a shared machine, so about five are averaged. */
    private readonly step = 0.2,
  ) {}

  /** Units for the worker out of `units` (at least 1 and at most units − 1 when units ≥ 2). */
  workerUnits(units: number): number {
    if (units < 2) return 0;
    return Math.min(units - 1, Math.max(1, Math.round(units * this.share)));
  }

  /** Records a finished job: units and busy seconds of each thread. Measurements below 1 ms are too coarse. */
  record(workerUnits: number, workerSeconds: number, mainUnits: number, mainSeconds: number): void {
    if (workerUnits <= 0 || mainUnits <= 0 || workerSeconds < 1e-3 || mainSeconds < 1e-3) return;
    const workerRate = workerUnits / workerSeconds;
    const mainRate = mainUnits / mainSeconds;
    const target = workerRate / (workerRate + mainRate);
    const next = this.share + this.step * (target - this.share);
    this.share = Math.min(this.max, Math.max(this.min, next));
  }

  /** The worker's current fraction of the units. */
  get workerShare(): number {
    return this.share;
  }
}
