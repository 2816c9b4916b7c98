// Input checks shared by the package: each throws one error naming the argument, what it got and what is allowed,
// before any tensor work is done.

/** Throws unless `value` is an integer in [min, max]. */
export function checkInteger(where: string, name: string, value: number, min: number, max = Infinity): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Infinity ? `≥ ${min}` : `in [${min}, ${max}]`;
    throw new Error(`${where}: ${name} must be an integer ${range}, got ${value}`);
  }
}

/** Throws unless `value` is a finite number > 0 (or ≥ 0 when `allowZero`). */
export function checkPositive(where: string, name: string, value: number, allowZero = false): void {
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new Error(`${where}: ${name} must be a finite number ${allowZero ? '≥ 0' : '> 0'}, got ${value}`);
  }
}

/** Throws unless `shape` is [n, dim] with the given dim (n ≥ 1). */
export function checkMatrix(where: string, name: string, shape: readonly number[], dim?: number): void {
  if (shape.length !== 2 || shape[0] < 1 || (dim !== undefined && shape[1] !== dim)) {
    const want = dim === undefined ? '[n, d]' : `[n, ${dim}]`;
    throw new Error(`${where}: ${name} must have shape ${want} with n ≥ 1, got [${shape.join(', ')}]`);
  }
}
