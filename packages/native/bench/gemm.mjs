// Matrix product and SiLU throughput of the addon on its own (no tfjs): `pnpm bench` in this package.
// Prints GFLOP/s (products) and ns per value (SiLU) on 1 and 2 threads, the mean over repeated calls after a warm-up.
import { createRequire } from 'node:module';

const native = createRequire(import.meta.url)('../index.cjs');
if (!native.available) {
  console.log(`@scorekit/native not available: ${native.reason}`);
  process.exit(0);
}
const heap = new ArrayBuffer(256 * 1024 * 1024);
const f = new Float32Array(heap);
for (let i = 0; i < f.length; i += 1024) f.fill(Math.sin(i), i, i + 1024);

function timeIt(call, reps) {
  call();
  const t0 = performance.now();
  for (let r = 0; r < reps; r++) call();
  return (performance.now() - t0) / reps;
}

const shapes = [
  // [M, N, K, transposeA, transposeB, what]
  [1024, 256, 256, false, false, 'mlp-train forward'],
  [256, 256, 1024, true, false, 'mlp-train weight gradient'],
  [1024, 256, 256, false, true, 'mlp-train input gradient'],
  [10000, 256, 256, false, false, 'mlp-sample forward'],
  [1024, 1024, 1024, false, false, '1024³'],
];
for (const threads of [1, 2]) {
  for (const [M, N, K, ta, tb, what] of shapes) {
    const a = 0;
    const b = M * K * 4;
    const c = b + K * N * 4;
    const [ars, acs] = ta ? [4, M * 4] : [K * 4, 4];
    const [brs, bcs] = tb ? [4, K * 4] : [N * 4, 4];
    const reps = Math.max(5, Math.round(2e10 / (2 * M * N * K)));
    const ms = timeIt(() => native.gemm(heap, M, N, K, a, ars, acs, b, brs, bcs, c, N * 4, 0, threads), reps);
    console.log(`gemm ${threads}t ${M}×${K}·${K}×${N}${ta ? ' (Aᵀ)' : ''}${tb ? ' (Bᵀ)' : ''} [${what}]: ${ms.toFixed(2)} ms, ${((2 * M * N * K) / ms / 1e6).toFixed(1)} GFLOP/s`);
  }
  const n = 10000 * 256;
  const ms = timeIt(() => native.silu(heap, 0, n * 4, n, threads), 50);
  console.log(`silu ${threads}t 10000×256: ${ms.toFixed(2)} ms, ${((ms * 1e6) / n).toFixed(2)} ns per value`);
}
