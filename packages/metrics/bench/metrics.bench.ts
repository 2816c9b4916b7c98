// FID and k-NN precision/recall on n × d float32 features against numpy/scipy (pytorch-fid's FID,
// Kynkäänniemi et al.'s precision/recall) on the same machine, in one run, on the same data.
//
//   pnpm bench                                  # from the root or packages/metrics: 10 000 × 2048, k = 3
//   pnpm bench -- --n 2000 --d 512 --breakdown  # smaller, with the steps of FID timed one by one
//   pnpm bench -- --threads 1                   # both sides on one thread (default 2: numpy's OpenBLAS uses every
//                                               # core, so scorekit's wasm kernels get the second core too)
//
// The Python side runs /usr/bin/python3 (Debian's python3-numpy and python3-scipy) or $SCOREKIT_PYTHON; without
// numpy/scipy it is skipped with a message.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng, selectBackend, setWasmThreads, wasmThreadsReady } from '@scorekit/core';
import { featureStatistics, frechetDistance, precisionRecall } from '../src/index.js';
import { matmul } from '../src/internal/gemm.js';
import { choleskyLower, symmetricEigenvalues } from '../src/internal/symmetricEigen.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const n = arg('n', 10000);
const d = arg('d', 2048);
const k = arg('k', 3);
const threads = arg('threads', 2);
const breakdown = process.argv.includes('--breakdown');
const python = process.env.SCOREKIT_PYTHON ?? '/usr/bin/python3';

/**
 * Inception-like features: non-negative (ReLU), correlated through a 64-dimensional latent, with a decaying
 * spectrum plus isotropic noise, so covariances are full rank but ill-conditioned as real pool3 features are.
 */
function features(rng: Rng, latentShift: number, latentScale: number, w: Float32Array, latent: number): Float32Array {
  const z = rng.normalArray(n * latent);
  for (let i = 0; i < z.length; i++) z[i] = latentShift + latentScale * z[i];
  const noise = rng.normalArray(n * d);
  const out = new Float32Array(n * d);
  for (let r = 0; r < n; r++) {
    const o = r * d;
    for (let j = 0; j < d; j++) out[o + j] = 0.3 + 0.3 * noise[o + j];
    for (let l = 0; l < latent; l++) {
      const zl = z[r * latent + l];
      const wl = l * d;
      for (let j = 0; j < d; j++) out[o + j] += zl * w[wl + j];
    }
    for (let j = 0; j < d; j++) if (out[o + j] < 0) out[o + j] = 0;
  }
  return out;
}

function seconds(t0: number): number {
  return (performance.now() - t0) / 1000;
}

const backend = await selectBackend();
setWasmThreads(threads);
// The worker thread starts once the event loop turns; everything below is synchronous, so let it come up first.
if (threads > 1 && !(await wasmThreadsReady())) console.log('no worker thread came up: scorekit runs on one thread');
console.log(`metrics bench: n = ${n}, d = ${d}, k = ${k}, backend ${backend.name}, ${threads} thread(s) on both sides`);
const rng = new Rng(2024);
const latent = 64;
const w = rng.normalArray(latent * d);
for (let i = 0; i < w.length; i++) w[i] /= Math.sqrt(latent) * (1 + (i % d) / 64);
const real = features(rng, 0, 1, w, latent);
const fake = features(rng, 0.05, 1.1, w, latent);
const x = { data: real, shape: [n, d] as [number, number] };
const y = { data: fake, shape: [n, d] as [number, number] };

let t = performance.now();
const sx = featureStatistics(x);
const sy = featureStatistics(y);
const statsS = seconds(t);
t = performance.now();
const fidValue = frechetDistance(sx, sy);
const traceS = seconds(t);
console.log(`scorekit FID ${fidValue.toFixed(6)}: statistics ${statsS.toFixed(2)} s + trace term ${traceS.toFixed(2)} s`);
if (breakdown) {
  t = performance.now();
  const f = choleskyLower(sx.cov, d);
  console.log(`  Cholesky of Σ₁ (Eigen LLT, wasm) ${seconds(t).toFixed(2)} s`);
  if (f !== null) {
    t = performance.now();
    const ft = new Float64Array(d * d);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) ft[j * d + i] = f[i * d + j];
    const m = matmul(ft, matmul(sy.cov, f, d, d, d, 'auto'), d, d, d, 'auto');
    console.log(`  FᵀΣ₂F, two d³ float32 products   ${seconds(t).toFixed(2)} s`);
    t = performance.now();
    symmetricEigenvalues(m, d);
    console.log(`  eigenvalues of FᵀΣ₂F (Eigen, wasm) ${seconds(t).toFixed(2)} s`);
  }
}
t = performance.now();
const pr = precisionRecall(x, y, { k });
const prS = seconds(t);
console.log(`scorekit precision ${pr.precision} recall ${pr.recall}: ${prS.toFixed(2)} s`);

const probe = spawnSync(python, ['-c', 'import numpy, scipy'], { encoding: 'utf8' });
if (probe.status !== 0) {
  console.log(`Python reference skipped: ${python} has no numpy/scipy (${(probe.stderr || probe.error?.message || '').trim()})`);
} else {
  const dir = mkdtempSync(join(tmpdir(), 'scorekit-bench-'));
  try {
    writeFileSync(join(dir, 'real.f32'), new Uint8Array(real.buffer));
    writeFileSync(join(dir, 'fake.f32'), new Uint8Array(fake.buffer));
    const script = new URL('./reference.py', import.meta.url).pathname;
    const run = spawnSync(python, [script, dir, String(n), String(d), String(k)], {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
      env: { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads) },
    });
    if (run.status !== 0) throw new Error(`reference.py failed: ${run.stderr}`);
    const py = JSON.parse(run.stdout.trim().split('\n').pop() as string) as Record<string, number | string>;
    const fidPy = py.fid as number;
    console.log(
      `numpy ${py.numpy} / scipy ${py.scipy} FID ${fidPy.toFixed(6)}: statistics ${(py.fid_stats_s as number).toFixed(2)} s + ` +
        `sqrtm ${(py.fid_sqrtm_s as number).toFixed(2)} s; precision ${py.precision} recall ${py.recall}: ` +
        `${(py.pr_s as number).toFixed(2)} s`,
    );
    const fidS = statsS + traceS;
    const fidEigh = py.fid_eigh as number;
    console.log(
      `FID  |Δ| vs sqrtm ${Math.abs(fidValue - fidPy).toExponential(2)} (relative ${(Math.abs(fidValue - fidPy) / fidPy).toExponential(2)}); ` +
        `vs numpy float64 eigh form ${Math.abs(fidValue - fidEigh).toExponential(2)}; sqrtm vs eigh form ${Math.abs(fidPy - fidEigh).toExponential(2)}`,
    );
    console.log(`P/R  Δprecision ${(pr.precision - (py.precision as number)).toExponential(2)}, Δrecall ${(pr.recall - (py.recall as number)).toExponential(2)}`);
    console.log(`ratio scorekit / python (> 1: slower): FID ${(fidS / (py.fid_s as number)).toFixed(2)}  ` +
      `(statistics ${(statsS / (py.fid_stats_s as number)).toFixed(2)}, trace ${(traceS / (py.fid_sqrtm_s as number)).toFixed(2)})  ` +
      `P/R ${(prS / (py.pr_s as number)).toFixed(2)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
process.exit(0);
