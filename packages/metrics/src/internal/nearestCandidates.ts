/** Per row, the `keep` smallest squared distances offered so far, ascending, with their columns. */
export class NearestCandidates {
  readonly vals: Float64Array;
  readonly idx: Int32Array;
  /**
   * vals of each row's last slot (an offer must be below it to enter), kept apart so that a block's rows or
   * columns are one contiguous range for the SIMD filter.
   */
  readonly worst: Float64Array;

  constructor(
    n: number,
    readonly keep: number,
  ) {
    this.vals = new Float64Array(n * keep).fill(Infinity);
    this.idx = new Int32Array(n * keep).fill(-1);
    this.worst = new Float64Array(n).fill(Infinity);
  }

  /** Offers the distance v between rows i and j to both rows (once when i = j). */
  offerPair(i: number, j: number, v: number): void {
    if (v < this.worst[i]) this.offer(i, j, v);
    if (j !== i && v < this.worst[j]) this.offer(j, i, v);
  }

  private offer(row: number, col: number, v: number): void {
    const { vals, idx, keep } = this;
    const o = row * keep;
    let p = keep - 1;
    while (p > 0 && vals[o + p - 1] > v) {
      vals[o + p] = vals[o + p - 1];
      idx[o + p] = idx[o + p - 1];
      p--;
    }
    vals[o + p] = v;
    idx[o + p] = col;
    this.worst[row] = vals[o + keep - 1];
  }
}
