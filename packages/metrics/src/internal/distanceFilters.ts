import { DISTANCE_FILTERS_WASM_BASE64 } from './distanceFiltersWasm.js';

// The per-distance tests of k-NN precision/recall, run over a whole block in WebAssembly SIMD
// (native/distanceFilters.c): JavaScript spent 3.5 ns on each of the n² comparisons, almost all of which say
// "too far". The filters hand back only the flat indices i·w + j of the block entries that need a closer look.

interface FilterExports {
  readonly memory: WebAssembly.Memory;
  readonly __heap_base: WebAssembly.Global;
  near_candidates(
    g: number, row0: number, row1: number, w: number, rowNorm: number, rowWorst: number, colNorm: number,
    colWorst: number, diagonal: number, out: number,
  ): number;
  cross_candidates(
    g: number, h: number, w: number, rowLow: number, rowRadius: number, colLow: number, colRadius: number, out: number,
  ): number;
}

let compiled: WebAssembly.Module | undefined;

const PAGE = 65536;

/** Filters for blocks of at most `maxRows` × `maxCols` float32 inner products; one instance per distance pass. */
export class DistanceFilters {
  private readonly wasm: FilterExports;
  private readonly g: number;
  private readonly out: number;
  private readonly rowA: number;
  private readonly rowB: number;
  private readonly colA: number;
  private readonly colB: number;
  /** Columns of the block set by {@link setBlock}. */
  private width = 0;

  constructor(maxRows: number, maxCols: number) {
    compiled ??= new WebAssembly.Module(Uint8Array.from(atob(DISTANCE_FILTERS_WASM_BASE64), (c) => c.charCodeAt(0)));
    this.wasm = new WebAssembly.Instance(compiled, {}).exports as unknown as FilterExports;
    let at = Math.ceil((this.wasm.__heap_base.value as number) / 16) * 16;
    const take = (bytes: number): number => {
      const p = at;
      at += Math.ceil(bytes / 16) * 16;
      return p;
    };
    this.g = take(maxRows * maxCols * 4);
    this.out = take(maxRows * maxCols * 4);
    this.rowA = take(maxRows * 8);
    this.rowB = take(maxRows * 8);
    this.colA = take(maxCols * 8);
    this.colB = take(maxCols * 8);
    const missing = Math.ceil((at - this.wasm.memory.buffer.byteLength) / PAGE);
    if (missing > 0 && this.wasm.memory.grow(missing) < 0) {
      throw new Error(`k-NN distance filters: cannot allocate ${at} bytes of WebAssembly memory`);
    }
  }

  /**
   * Makes g (h × w inner products, row-major) the block that {@link near} reads, with the column values that stay
   * fixed for the whole block (colA: the column norms for `near`).
   */
  setBlock(g: Float32Array, h: number, w: number, colA: Float64Array): void {
    const buffer = this.wasm.memory.buffer;
    new Float32Array(buffer, this.g, h * w).set(g.subarray(0, h * w));
    new Float64Array(buffer, this.colA, w).set(colA.subarray(0, w));
    this.width = w;
  }

  /**
   * Entries in rows row0..row1−1 of the current block whose distance (rowNorm[i] + colNorm[j]) − 2g could enter
   * row i's or column j's nearest list (below rowWorst[i] or colWorst[j]); with `diagonal`, only j ≥ i. Row
   * arrays are indexed by the block row, colWorst by the block column (colNorm came with {@link setBlock}); the
   * result (flat block indices i·w + j, ascending) is a view valid until the next call.
   */
  near(
    row0: number, row1: number, rowNorm: Float64Array, rowWorst: Float64Array, colWorst: Float64Array, diagonal: boolean,
  ): Int32Array {
    const buffer = this.wasm.memory.buffer;
    const w = this.width;
    new Float64Array(buffer, this.rowA + 8 * row0, row1 - row0).set(rowNorm.subarray(row0, row1));
    new Float64Array(buffer, this.rowB + 8 * row0, row1 - row0).set(rowWorst.subarray(row0, row1));
    new Float64Array(buffer, this.colB, w).set(colWorst.subarray(0, w));
    const count = this.wasm.near_candidates(
      this.g, row0, row1, w, this.rowA, this.rowB, this.colA, this.colB, diagonal ? 1 : 0, this.out,
    );
    return new Int32Array(buffer, this.out, count);
  }

  /**
   * Entries of the block g whose lower bound (rowLow[i] + colLow[j]) − 2g is not beyond both radii: the pairs that
   * may lie in row i's or column j's ball. The result is a view valid until the next call.
   */
  cross(
    g: Float32Array, h: number, w: number, rowLow: Float64Array, rowRadius: Float64Array, colLow: Float64Array,
    colRadius: Float64Array,
  ): Int32Array {
    this.setBlock(g, h, w, colLow);
    const buffer = this.wasm.memory.buffer;
    new Float64Array(buffer, this.rowA, h).set(rowLow.subarray(0, h));
    new Float64Array(buffer, this.rowB, h).set(rowRadius.subarray(0, h));
    new Float64Array(buffer, this.colB, w).set(colRadius.subarray(0, w));
    const count = this.wasm.cross_candidates(this.g, h, w, this.rowA, this.rowB, this.colA, this.colB, this.out);
    return new Int32Array(buffer, this.out, count);
  }
}
