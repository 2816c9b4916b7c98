import * as tf from '@tensorflow/tfjs-core';
import type { FeatureInput } from '../FeatureInput.js';

/** A validated n × d row-major feature matrix; `data` may be the caller's own array (never written to). */
export interface FeatureMatrix {
  readonly data: Float32Array | Float64Array;
  readonly n: number;
  readonly d: number;
}

const ALLOWED =
  'number[][] (rows of equal length), { data: Float32Array | Float64Array, shape: [n, d] } or a 2-D tf.Tensor';

/** Converts and validates one of the accepted input forms; `name` is the argument name used in error messages. */
export function toFeatureMatrix(input: FeatureInput, name: string): FeatureMatrix {
  let m: FeatureMatrix;
  if (input instanceof tf.Tensor) {
    if (input.rank !== 2) {
      throw new Error(`${name} must be a 2-D tensor [n, d]; got shape [${input.shape.join(', ')}]`);
    }
    if (input.dtype !== 'float32' && input.dtype !== 'int32') {
      throw new Error(`${name} must be a float32 or int32 tensor; got dtype ${input.dtype}`);
    }
    const data = input.dataSync();
    m = { data: data instanceof Float32Array ? data : Float32Array.from(data), n: input.shape[0] as number, d: input.shape[1] as number };
  } else if (Array.isArray(input)) {
    const rows = input as readonly (readonly number[])[];
    const n = rows.length;
    if (n === 0) throw new Error(`${name} has no rows; expected ${ALLOWED}`);
    const d = Array.isArray(rows[0]) ? rows[0].length : -1;
    const data = new Float64Array(n * Math.max(d, 0));
    for (let i = 0; i < n; i++) {
      const row = rows[i];
      if (!Array.isArray(row) || row.length !== d) {
        throw new Error(
          `${name} row ${i} must be an array of ${d} numbers (all rows equal length); got ` +
            (Array.isArray(row) ? `length ${row.length}` : typeof row),
        );
      }
      for (let j = 0; j < d; j++) {
        const v = row[j];
        if (typeof v !== 'number') throw new Error(`${name}[${i}][${j}] must be a number; got ${typeof v}`);
        data[i * d + j] = v;
      }
    }
    m = { data, n, d };
  } else if (isFlat(input)) {
    const [n, d] = input.shape;
    if (!Number.isInteger(n) || !Number.isInteger(d) || n < 0 || d < 0) {
      throw new Error(`${name}.shape must be [n, d] with non-negative integers; got [${input.shape.join(', ')}]`);
    }
    if (input.data.length !== n * d) {
      throw new Error(`${name}.data has ${input.data.length} values but shape [${n}, ${d}] needs ${n * d}`);
    }
    m = { data: input.data, n, d };
  } else {
    throw new Error(`${name} must be ${ALLOWED}`);
  }
  if (m.n === 0 || m.d === 0) throw new Error(`${name} must have at least one row and one column; got [${m.n}, ${m.d}]`);
  const bad = firstNonFinite(m.data);
  if (bad >= 0) {
    throw new Error(
      `${name} has a non-finite value (${m.data[bad]}) at row ${Math.floor(bad / m.d)}, column ${bad % m.d}; ` +
        'features must be finite numbers',
    );
  }
  return m;
}

/** Throws unless both sets have the same feature dimension. */
export function checkSameDim(a: FeatureMatrix, b: FeatureMatrix, nameA: string, nameB: string): void {
  if (a.d !== b.d) {
    throw new Error(
      `${nameA} and ${nameB} must have the same number of features (columns); got ${a.d} and ${b.d}`,
    );
  }
}

function isFlat(x: unknown): x is { data: Float32Array | Float64Array; shape: readonly [number, number] } {
  if (typeof x !== 'object' || x === null) return false;
  const o = x as { data?: unknown; shape?: unknown };
  return (
    (o.data instanceof Float32Array || o.data instanceof Float64Array) &&
    Array.isArray(o.shape) &&
    o.shape.length === 2
  );
}

function firstNonFinite(a: Float32Array | Float64Array): number {
  for (let i = 0; i < a.length; i++) {
    // v - v is NaN exactly for NaN and ±Infinity, and cheaper than Number.isFinite in a hot loop.
    const v = a[i];
    if (v - v !== 0) return i;
  }
  return -1;
}
