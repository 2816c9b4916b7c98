// Sample quality against NFE for every sampler on a 2D Gaussian mixture with its exact score (pnpm bench).
// Quality: unbiased MMD² (median-heuristic Gaussian kernel) to exact samples, with the spread of its permutation
// null at this n, and the sliced 2-Wasserstein distance. Target (issue 3): DPM-Solver++ or EDM Heun at ≤ 20 NFE is
// as close to the true distribution as Euler–Maruyama at 1000.
import * as tf from '@tensorflow/tfjs-core';
import { Rng, selectBackend } from '@scorekit/core';
import { GaussianMixture } from '@scorekit/data';
import { VpSde } from '@scorekit/sde';
import { twoSampleSlicedWasserstein, twoSampleTest } from '@scorekit/test-utils';
import { createSampler, type SamplerName } from '../src/index.js';

const N = Number(process.env.BENCH_N ?? 2000);
const BUDGETS = [10, 20, 50, 100, 1000];

await selectBackend({ backend: (process.env.SCOREKIT_BACKEND as 'cpu' | 'wasm' | undefined) ?? 'cpu' });
const mixture = new GaussianMixture({
  weights: [0.5, 0.3, 0.2],
  means: [[1, -1], [-2, 0.5], [0, 3]],
  covariances: [
    [[1.0, 0.6], [0.6, 0.8]],
    [[0.25, 0], [0, 0.25]],
    [[2.0, 0], [0, 0.1]],
  ],
});
const sde = new VpSde();
const score = mixture.scoreFn(sde);
const exact = mixture.sample(N, new Rng(1));

interface Row {
  readonly label: string;
  readonly name: SamplerName;
  /** Options for an NFE budget, or null where the budget does not fit. */
  readonly options: (nfe: number) => object | null;
}
const per = (k: number, extra: object = {}) => (nfe: number) => (nfe >= k ? { steps: Math.floor(nfe / k), ...extra } : null);
const rows: Row[] = [
  { label: 'Euler–Maruyama', name: 'euler-maruyama', options: per(1) },
  { label: 'reverse diffusion', name: 'reverse-diffusion', options: per(1) },
  { label: 'ancestral', name: 'ancestral', options: per(1) },
  { label: 'PC (reverse diffusion + Langevin, snr 0.16)', name: 'pc', options: per(2) },
  { label: 'PF-ODE Euler', name: 'ode', options: per(1, { method: 'euler' }) },
  { label: 'PF-ODE Heun', name: 'ode', options: per(2, { method: 'heun' }) },
  { label: 'PF-ODE RK4', name: 'ode', options: per(4, { method: 'rk4' }) },
  { label: 'DDIM η = 0', name: 'ddim', options: per(1) },
  { label: 'DDIM η = 1', name: 'ddim', options: per(1, { eta: 1 }) },
  { label: 'DPM-Solver++(2M), logSNR steps', name: 'dpm-solver++', options: per(1) },
  { label: 'DPM-Solver++(2M), time-uniform steps', name: 'dpm-solver++', options: per(1, { spacing: 'time' }) },
  { label: 'EDM Heun (Karras σ, ρ 7)', name: 'edm-heun', options: (nfe) => (nfe >= 3 ? { steps: Math.floor((nfe + 1) / 2) } : null) },
  {
    label: 'annealed Langevin (10 levels 5 → 0.01, ε 5e-5)',
    name: 'annealed-langevin',
    options: (nfe) => (nfe >= 10 ? { sigmas: geometric(5, 0.01, 10), stepsPerLevel: Math.floor(nfe / 10), stepSize: 5e-5 } : null),
  },
  { label: 'Langevin from the prior (ε 0.05)', name: 'langevin', options: per(1, { stepSize: 0.05 }) },
  { label: 'MALA from the prior (ε 0.5)', name: 'mala', options: (nfe) => (nfe >= 5 ? { steps: Math.floor((nfe - 1) / 4), stepSize: 0.5 } : null) },
];

function geometric(a: number, b: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => a * (b / a) ** (i / (n - 1)));
}

interface Cell {
  readonly nfe: number;
  readonly mmd2: number;
  readonly nullStd: number;
  readonly sw: number;
}
function measure(samples: tf.Tensor, nfe: number): Cell {
  const t = twoSampleTest(samples, exact, { permutations: 50 });
  return { nfe, mmd2: t.mmd2, nullStd: t.nullStd, sw: twoSampleSlicedWasserstein(samples, exact) };
}

const reference = mixture.sample(N, new Rng(2));
const baseline = measure(reference, 0);
reference.dispose();

const fmt = (c: Cell | null, budget: number) =>
  c == null ? '—' : `${(c.mmd2 * 1e3).toFixed(2)} / ${c.sw.toFixed(3)}${c.nfe !== budget ? ` (${c.nfe})` : ''}`;
// BENCH_SAMPLERS=euler-maruyama,pc re-measures only those samplers' rows (after a change to them).
const only = process.env.BENCH_SAMPLERS?.split(',');
const results = new Map<string, (Cell | null)[]>();
const started = Date.now();
for (const row of rows.filter((r) => !only || only.includes(r.name))) {
  const cells: (Cell | null)[] = [];
  for (const budget of BUDGETS) {
    const options = row.options(budget);
    if (!options) {
      cells.push(null);
      continue;
    }
    // A budget the sampler refuses (PC's corrector needs more than β_max steps on VP) is a '—' cell, not a crash.
    const drawn = await createSampler(row.name, options)
      .run({ score, sde, shape: [N, 2], seed: 7 })
      .catch((e: unknown) => {
        process.stderr.write(`${row.label} at NFE ${budget}: refused (${(e as Error).message})\n`);
        return null;
      });
    if (!drawn) {
      cells.push(null);
      continue;
    }
    cells.push(measure(drawn.samples, drawn.nfe));
    drawn.samples.dispose();
  }
  results.set(row.label, cells);
  // Each row as it is done, so that a long run interrupted keeps what it measured.
  process.stderr.write(`${row.label}: done (${((Date.now() - started) / 1000).toFixed(0)} s) | ${cells.map((c, i) => fmt(c, BUDGETS[i]!)).join(' | ')} |\n`);
}
const rk45 = (only && !only.includes('ode') ? [] : [1e-2, 1e-3, 1e-5]).map(async (tol) => {
  const { samples, nfe } = await createSampler('ode', { rtol: tol, atol: tol }).run({ score, sde, shape: [N, 2], seed: 7 });
  const cell = measure(samples, nfe);
  samples.dispose();
  return { tol, cell };
});
const adaptive = [];
for (const p of rk45) adaptive.push(await p);

console.log(`\nSample quality vs NFE: ${N} samples from a 3-component 2D mixture, VP SDE, exact score, seed 7; backend ${tf.getBackend()}.`);
console.log(`Each cell: MMD² ×10³ / sliced W₂ to ${N} exact samples (actual NFE in brackets where it differs).`);
console.log(`Exact vs exact: MMD² ×10³ ${(baseline.mmd2 * 1e3).toFixed(2)}, null spread (std) ×10³ ${(baseline.nullStd * 1e3).toFixed(2)}, sliced W₂ ${baseline.sw.toFixed(3)}.\n`);
console.log(`| sampler | ${BUDGETS.map((b) => `NFE ${b}`).join(' | ')} |`);
console.log(`|---|${BUDGETS.map(() => '---').join('|')}|`);
for (const [label, cells] of results) console.log(`| ${label} | ${cells.map((c, i) => fmt(c, BUDGETS[i])).join(' | ')} |`);
if (adaptive.length > 0) console.log(`| PF-ODE RK45 (adaptive) | ${adaptive.map(({ tol, cell }) => `tol ${tol}: ${fmt(cell, cell.nfe)} (${cell.nfe})`).join('; ')} |||||`);

if (only) {
  console.log(`Total ${((Date.now() - started) / 1000).toFixed(0)} s (rows of ${only.join(', ')} only).`);
  process.exit(0);
}
const em1000 = results.get('Euler–Maruyama')![BUDGETS.indexOf(1000)]!;
const fast = ['DPM-Solver++(2M), logSNR steps', 'DPM-Solver++(2M), time-uniform steps', 'EDM Heun (Karras σ, ρ 7)'].flatMap((label) =>
  BUDGETS.slice(0, 2).map((b, i) => ({ label, cell: results.get(label)![i]!, budget: b })),
);
const best = fast.reduce((a, b) => (b.cell.mmd2 < a.cell.mmd2 ? b : a));
// "As close as": MMD² no larger than Euler–Maruyama-1000's plus two null spreads (differences below that are noise).
const holds = best.cell.mmd2 <= em1000.mmd2 + 2 * baseline.nullStd;
console.log(
  `\nTarget: best fast sampler at ≤ 20 NFE is ${best.label} at ${best.cell.nfe} NFE with MMD² ×10³ ${(best.cell.mmd2 * 1e3).toFixed(2)}, SW ${best.cell.sw.toFixed(3)}; ` +
    `Euler–Maruyama at 1000 NFE: MMD² ×10³ ${(em1000.mmd2 * 1e3).toFixed(2)}, SW ${em1000.sw.toFixed(3)}. ` +
    `${holds ? 'HOLDS' : 'DOES NOT HOLD'} (criterion: MMD² within 2 null spreads, ${(2 * baseline.nullStd * 1e3).toFixed(2)}×10⁻³).`,
);
console.log(`Total ${((Date.now() - started) / 1000).toFixed(0)} s.`);
exact.dispose();
