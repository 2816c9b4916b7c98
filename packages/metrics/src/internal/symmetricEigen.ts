import { DENSE_SOLVERS_WASM_BASE64 } from './denseSolversWasm.js';

// Every dense factorisation goes through Eigen 3.4 (SelfAdjointEigenSolver, LLT) compiled to WebAssembly from
// native/denseSolvers.cpp — a well-kept library, never hand-written eigen code. Eigen can return eigenvalues
// without accumulating eigenvectors, which is all FID's second factorisation needs (d = 2048: 3–4.5 s, against
// ~125 s for ml-matrix's JAMA solver, which always accumulates them).

interface DenseSolvers {
  readonly memory: WebAssembly.Memory;
  readonly _initialize: () => void;
  readonly allocate_doubles: (count: number) => number;
  readonly symmetric_eigenvalues: (a: number, n: number, values: number) => number;
  readonly symmetric_eigen: (a: number, n: number, values: number, vectors: number) => number;
  readonly cholesky_lower: (a: number, n: number, lower: number) => number;
}

const NO_CONVERGENCE = 1;
const NOT_POSITIVE_DEFINITE = 2;

let compiled: WebAssembly.Module | undefined;

/**
 * A fresh instance per call: its memory (about 2–3 copies of the matrix) is released with it, instead of a
 * shared instance's heap staying at its high-water mark for the life of the process.
 */
function instantiate(): DenseSolvers {
  compiled ??= new WebAssembly.Module(Uint8Array.from(atob(DENSE_SOLVERS_WASM_BASE64), (c) => c.charCodeAt(0)));
  const solvers = new WebAssembly.Instance(compiled, {}).exports as unknown as DenseSolvers;
  solvers._initialize();
  return solvers;
}

/** Sizes from which a solver is first warmed up, and the size of the warm-up matrix. */
const WARM_UP_FROM = 256;
const WARM_UP_SIZE = 160;
const warmedUp = new Set<string>();

/**
 * V8 first runs WebAssembly in its baseline compiler and switches a function to optimised code on its next call,
 * so a solver whose outer loop is one long call would run the whole d = 2048 problem unoptimised (measured: 5.1–5.5 s
 * cold against 2.8–4.1 s after an 8 ms warm-up on a 160 × 160 matrix). Once per process and entry point.
 */
function warmUp(what: string, outputLengths: (n: number) => number[], solve: Solve): void {
  if (warmedUp.has(what)) return;
  warmedUp.add(what);
  const n = WARM_UP_SIZE;
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = i === j ? n : 1 / (1 + Math.abs(i - j));
  runSolver(what, a, n, outputLengths, solve);
}

type Solve = (solvers: DenseSolvers, a: number, n: number, outputs: number[]) => number;

/** Copies `a` in, runs `solve` on the wasm addresses and copies the requested outputs back. */
function runSolver(
  what: string,
  a: Float64Array,
  n: number,
  outputLengths: (n: number) => number[],
  solve: Solve,
): { status: number; outputs: Float64Array[] } {
  if (!Number.isInteger(n) || n < 1 || a.length !== n * n) {
    throw new Error(`${what}: expected an n × n matrix with integer n ≥ 1 (n² values); got n = ${n}, ${a.length} values`);
  }
  if (n >= WARM_UP_FROM) warmUp(what, outputLengths, solve);
  const lengths = outputLengths(n);
  const solvers = instantiate();
  const alloc = (count: number): number => {
    const at = solvers.allocate_doubles(count);
    if (at === 0) throw new Error(`${what} (n = ${n}) ran out of WebAssembly memory allocating ${count} float64 values`);
    return at;
  };
  const at = alloc(n * n);
  const outputs = lengths.map(alloc);
  new Float64Array(solvers.memory.buffer, at, n * n).set(a);
  let status: number;
  try {
    status = solve(solvers, at, n, outputs);
  } catch (e) {
    // Eigen aborts (a wasm trap) only when an internal allocation fails.
    throw new Error(`${what} (n = ${n}) failed inside the WebAssembly solver: ${(e as Error).message}`);
  }
  // The memory may have grown during the call, which detaches earlier views: read through a fresh buffer.
  return { status, outputs: outputs.map((p, i) => new Float64Array(solvers.memory.buffer, p, lengths[i]).slice()) };
}

function convergenceError(what: string, n: number): Error {
  return new Error(`${what} (n = ${n}) did not converge; the matrix must be symmetric with finite entries`);
}

/** Eigenvalues (ascending) and eigenvectors of a symmetric n × n matrix; `vectors` column i belongs to `values[i]`. */
export function symmetricEigen(a: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const what = 'symmetric eigendecomposition';
  const { status, outputs } = runSolver(what, a, n, (m) => [m, m * m], (s, p, m, [v, w]) =>
    s.symmetric_eigen(p, m, v, w),
  );
  if (status === NO_CONVERGENCE) throw convergenceError(what, n);
  return { values: outputs[0], vectors: outputs[1] };
}

/** Eigenvalues (ascending) of a symmetric n × n matrix, without the cost of eigenvectors. */
export function symmetricEigenvalues(a: Float64Array, n: number): Float64Array {
  const what = 'symmetric eigenvalues';
  const { status, outputs } = runSolver(what, a, n, (m) => [m], (s, p, m, [v]) => s.symmetric_eigenvalues(p, m, v));
  if (status === NO_CONVERGENCE) throw convergenceError(what, n);
  return outputs[0];
}

/** The lower Cholesky factor L (A = LLᵀ) of a symmetric matrix, or null when A is not positive definite. */
export function choleskyLower(a: Float64Array, n: number): Float64Array | null {
  const { status, outputs } = runSolver('Cholesky factorisation', a, n, (m) => [m * m], (s, p, m, [l]) =>
    s.cholesky_lower(p, m, l),
  );
  return status === NOT_POSITIVE_DEFINITE ? null : outputs[0];
}
