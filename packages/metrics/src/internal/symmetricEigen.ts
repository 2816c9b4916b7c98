import { CholeskyDecomposition, EigenvalueDecomposition, Matrix } from 'ml-matrix';

// Every dense factorisation goes through ml-matrix (JAMA's tred2/tql2 and Cholesky), never hand-written eigen
// code: these are the only places to change if a faster well-kept library appears.

function toMatrix(a: Float64Array, n: number): Matrix {
  return Matrix.from1DArray(n, n, a);
}

/** Eigenvalues and eigenvectors of a symmetric n × n matrix; `vectors` column i belongs to `values[i]`. */
export function symmetricEigen(a: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const e = new EigenvalueDecomposition(toMatrix(a, n), { assumeSymmetric: true });
  const values = Float64Array.from(e.realEigenvalues);
  const v = e.eigenvectorMatrix;
  const vectors = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) vectors[i * n + j] = v.get(i, j);
  return { values, vectors };
}

/** Eigenvalues of a symmetric n × n matrix. */
export function symmetricEigenvalues(a: Float64Array, n: number): Float64Array {
  if (n === 1) return Float64Array.of(a[0]);
  return Float64Array.from(new EigenvalueDecomposition(toMatrix(a, n), { assumeSymmetric: true }).realEigenvalues);
}

/** The lower Cholesky factor L (A = LLᵀ) of a symmetric matrix, or null when A is not positive definite. */
export function choleskyLower(a: Float64Array, n: number): Float64Array | null {
  const c = new CholeskyDecomposition(toMatrix(a, n));
  if (!c.isPositiveDefinite()) return null;
  const l = c.lowerTriangularMatrix;
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) out[i * n + j] = l.get(i, j);
  return out;
}
