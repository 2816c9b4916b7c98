import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng, getWasmThreads, setWasmThreads } from '@scorekit/core';
import { saveNpy } from '@scorekit/core/node';
import { loadMnist } from '@scorekit/data/node';
import { fid, kernelInceptionDistance } from '@scorekit/metrics';
import { expectClose } from '@scorekit/test-utils';
import { parseEvalOptions, registerEvalCommand, runEval } from '../src/commands/eval.js';
import type { EvalCommandOptions, EvalResult } from '../src/commands/eval.js';
import { CliError } from '../src/errors.js';

// The issue's reference sets (values from the reference definitions: pytorch-fid, Kynkäänniemi et al., prdc).
const X = [[1, 2, 3], [2, 1, 0], [0, 0, 1], [3, 1, 2], [1, 1, 1]];
const Y = [[2, 2, 2], [1, 0, 1], [0, 1, 3], [2, 3, 1], [1, 2, 0], [3, 0, 2]];
const P = [[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.2, 0.2, 0.6], [0.6, 0.3, 0.1]];

let dir: string;
const file = (name: string): string => join(dir, name);
const quiet = { log: () => {}, progressLine: () => {} };
const run = (o: EvalCommandOptions): Promise<EvalResult> => runEval(o, quiet);

/** Runs `scorekit eval <args>` through the registered command and returns what it printed on stdout. */
async function evalCommand(args: string[]): Promise<string> {
  const program = new Command().exitOverride();
  registerEvalCommand(program);
  const chunks: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((s: string) => {
    chunks.push(s);
    return true;
  }) as typeof process.stdout.write;
  try {
    await program.parseAsync(['node', 'scorekit', 'eval', ...args]);
  } finally {
    process.stdout.write = write;
  }
  return chunks.join('');
}

async function saveRows(name: string, rows: number[][], dtype: 'float32' | 'float64' = 'float64'): Promise<string> {
  await saveNpy(file(name), Float64Array.from(rows.flat()), [rows.length, rows[0].length], dtype);
  return file(name);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'scorekit-eval-'));
  await saveRows('x.npy', X);
  await saveRows('y.npy', Y);
  await saveRows('p.npy', P);
  await saveRows('img.npy', [[1, 2, 0], [-1, 0, 0]]);
  await saveRows('txt.npy', [[2, 1, 2], [1, 2, 2]]);
  await saveRows('y4.npy', Y.map((r) => [...r, 0]));
  await saveRows('nan.npy', [[1, 2, 3], [NaN, 1, 0], [0, 0, 1]]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('scorekit eval on feature arrays (.npy)', () => {
  it('fid reproduces the issue value 0.94878180539003 (float64 path, so 1e-12)', async () => {
    const r = await run({ metric: 'fid', real: file('x.npy'), fake: file('y.npy') });
    expectClose(r.values.fid, 0.94878180539003, 1e-12);
    expect(r.real?.n).toBe(5);
    expect(r.fake.n).toBe(6);
    expect(r.dim).toBe(3);
  });

  it('pr with --k 1 gives P 5/6, R 1; prdc with --k 2 gives P 5/6, R 1, D 0.75, C 1 (integer counts: exact)', async () => {
    const pr = await run({ metric: 'pr', real: file('x.npy'), fake: file('y.npy'), k: '1' });
    expect(pr.values).toEqual({ precision: 5 / 6, recall: 1 });
    expect(pr.settings).toEqual({ k: 1 });
    const d = await run({ metric: 'prdc', real: file('x.npy'), fake: file('y.npy'), k: '2' });
    expect(d.values).toEqual({ precision: 5 / 6, recall: 1, density: 0.75, coverage: 1 });
  });

  it('is with --splits 1 reproduces 1.28105369797913 (1e-12: a few float64 logs and an exp)', async () => {
    const r = await run({ metric: 'is', fake: file('p.npy'), splits: '1' });
    expectClose(r.values.mean, 1.28105369797913, 1e-12);
    expect(r.values.std).toBe(0);
  });

  it('clip gives 13.1475730 (torchmetrics) and 0.7453560 (Hessel, w = 2.5) for cosines 0.5963, −1/3', async () => {
    const r = await run({ metric: 'clip', fake: file('img.npy'), texts: file('txt.npy') });
    // Closed forms: cos₁ = 4/(3√5), cos₂ = −1/3; the issue's figures are rounded to 7 decimals.
    expectClose(r.values.clip, (100 * (4 / (3 * Math.sqrt(5)) - 1 / 3)) / 2, 1e-12);
    expectClose(r.values.clip, 13.147573, 5e-7);
    expectClose(r.values.clipHessel, (2.5 * 4) / (3 * Math.sqrt(5)) / 2, 1e-12);
  });

  it('kid passes --subsets, --subset-size and --seed through: same numbers as the library call', async () => {
    const r = await run({ metric: 'kid', real: file('x.npy'), fake: file('y.npy'), subsets: '7', subsetSize: '4', seed: '3' });
    const direct = kernelInceptionDistance(X, Y, { subsets: 7, subsetSize: 4, seed: 3 });
    expect(r.values).toEqual({ mean: direct.mean, std: direct.std });
    expect(r.settings).toEqual({ subsets: 7, subsetSize: 4, seed: 3 });
  });

  it('--json prints the result on stdout through the registered command, --out writes the same JSON', async () => {
    const args = ['--metric', 'fid', '--real', file('x.npy'), '--fake', file('y.npy'), '--json', '--backend', 'cpu'];
    const printed = JSON.parse(await evalCommand([...args, '--out', file('out.json')])) as EvalResult;
    expectClose(printed.values.fid, 0.94878180539003, 1e-12);
    expect(JSON.parse(readFileSync(file('out.json'), 'utf8'))).toEqual(printed);
  });

  it('--threads 2 (the wasm kernels\' worker) gives the same precision/recall as one thread; --threads 3 is refused', async () => {
    const rng = new Rng(4);
    const n = 1200;
    const d = 64;
    // 1200 × 1200 × 64 products (9.2e7 multiply-adds) take the float32 block path, split between the threads.
    await saveNpy(file('a.npy'), rng.normalArray(n * d), [n, d], 'float32');
    await saveNpy(file('b.npy'), rng.normalArray(n * d).map((v) => v + 0.2), [n, d], 'float32');
    const evalPr = (threads: string): Promise<string> =>
      evalCommand(['--metric', 'pr', '--real', file('a.npy'), '--fake', file('b.npy'), '--backend', 'wasm', '--threads', threads, '--json']);
    try {
      const one = JSON.parse(await evalPr('1')) as EvalResult;
      const two = JSON.parse(await evalPr('2')) as EvalResult;
      expect(getWasmThreads()).toBe(2);
      expect(two.values).toEqual(one.values);
      expect(one.values.precision).toBeGreaterThan(0);
      await expect(evalPr('3')).rejects.toThrow("--threads: must be 1 or 2, got '3'");
    } finally {
      setWasmThreads(1);
    }
  });
});

/** 28 × 28 digits average-pooled 4 × 4 to 7 × 7 (49 values), so FID's d × d eigenproblems stay small. */
function pool7(images: Float32Array, n: number): Float32Array {
  const out = new Float32Array(n * 49);
  for (let s = 0; s < n; s++) {
    for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) out[s * 49 + (y >> 2) * 7 + (x >> 2)] += images[s * 784 + y * 28 + x] / 16;
  }
  return out;
}

describe('scorekit eval on images through --features', () => {
  it('dataset:mnist vs the same digits as .npy, identity features: P = R = 1 (identical sets, exact counts)', async () => {
    const digits = await loadMnist({ count: 200 });
    await saveNpy(file('digits.npy'), digits.images, [200, 28, 28, 1], 'float32');
    const lines: string[] = [];
    const r = await runEval(
      { metric: 'pr', real: 'dataset:mnist', count: '200', fake: file('digits.npy'), features: 'identity' },
      { log: () => {}, progressLine: (l) => lines.push(l) },
    );
    expect(r.features).toBe('identity:784');
    expect(r.dim).toBe(784);
    expect(r.values).toEqual({ precision: 1, recall: 1 });
    expect(lines.at(-1)).toMatch(/200\/200 images/);
  });

  it('fid on [n, 7, 7] images through identity: ≈ 0 for identical sets, the library value on the flat pixels otherwise', async () => {
    const digits = await loadMnist({ count: 600 });
    const a = pool7(digits.images.subarray(0, 300 * 784), 300);
    const b = pool7(digits.images.subarray(300 * 784), 300);
    await saveNpy(file('a7.npy'), a, [300, 7, 7], 'float32');
    await saveNpy(file('b7.npy'), b, [300, 7, 7], 'float32');
    const same = await run({ metric: 'fid', real: file('a7.npy'), fake: file('a7.npy'), features: 'identity' });
    // Identical sets: FID is rounding residue. FᵀΣF has eigenvalues λᵢ² (λᵢ those of Σ), each computed to
    // ≈ ε‖Σ‖², so √ of a near-zero one (border pixels barely vary) is off by up to √ε·‖Σ‖ ≈ 1.5e-8·‖Σ‖; with
    // ‖Σ‖ ≤ tr Σ ≈ 49 · 0.3 a few such eigenvalues stay far below 1e-6 (measured: 4.8e-9 with Eigen, < 1e-9
    // with ml-matrix), while sets that differ give FID > 0.1.
    expect(Math.abs(same.values.fid)).toBeLessThan(1e-6);
    const r = await run({ metric: 'fid', real: file('a7.npy'), fake: file('b7.npy'), features: 'identity' });
    const direct = fid({ data: a, shape: [300, 49] }, { data: b, shape: [300, 49] });
    expectClose(r.values.fid, direct, 1e-12 * direct);
    expect(r.values.fid).toBeGreaterThan(0.1);
  });
});

describe('scorekit eval errors', () => {
  const problems = (o: EvalCommandOptions): string[] => {
    const p = parseEvalOptions(o);
    return E.isLeft(p) ? p.left.map((x) => `${x.field}: ${x.message}${x.allowed ? ` (${x.allowed.join(', ')})` : ''}`) : [];
  };

  it('reports every flag problem at once, listing the allowed metrics and extractors', () => {
    const p = problems({ metric: 'fad', features: 'inception', k: '0' });
    expect(p).toEqual([
      "--metric: unknown metric 'fad' (fid, kid, pr, prdc, is, clip)",
      '--fake: is required (a .npy file or dataset:<name>)',
      "--features: unknown feature extractor 'inception' (identity, classifier:<dir>, clip:<dir>, tfjs:<model.json>#<layer>)",
      "--k: must be an integer ≥ 1, got '0'",
    ]);
    expect(problems({ metric: 'pr', fake: 'b.npy' })).toEqual(['--real: is required for --metric pr']);
    expect(problems({ metric: 'clip', fake: 'b.npy' })[0]).toMatch(/--texts: is required/);
    expect(problems({ metric: 'is', fake: 'b.npy', features: 'identity' })).toEqual([
      "--features: --metric is needs class probabilities: a classifier, or a tfjs model's softmax layer, not 'identity' (classifier:<dir>, tfjs:<model.json>#<layer>)",
    ]);
    expect(problems({ metric: 'is', fake: 'b.npy', features: 'classifier:clf' })).toEqual([]);
    expect(problems({ metric: 'is', fake: 'b.npy', threads: '4' })).toEqual(["--threads: must be 1 or 2, got '4' (1, 2)"]);
  });

  it('shape mismatch, too few samples, NaN and missing files are CliErrors naming the flag', async () => {
    const fails = async (o: EvalCommandOptions, pattern: RegExp): Promise<void> => {
      const err = await run(o).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(CliError);
      expect((err as Error).message).toMatch(pattern);
    };
    await fails({ metric: 'fid', real: file('x.npy'), fake: file('y4.npy') }, /--real has 3 features per sample but --fake has 4/);
    await fails({ metric: 'pr', real: file('x.npy'), fake: file('y.npy'), k: '5' }, /more than k = 5 samples/);
    await fails({ metric: 'kid', real: file('x.npy'), fake: file('y.npy') }, /subsetSize is 1000/);
    await fails({ metric: 'fid', real: file('nan.npy'), fake: file('y.npy') }, /NaN/);
    await fails({ metric: 'fid', real: file('missing.npy'), fake: file('y.npy') }, /--real .*missing\.npy: no such file/);
    await fails({ metric: 'fid', real: 'dataset:cifar10', fake: file('y.npy') }, /unknown dataset 'cifar10' \(allowed: dataset:mnist/);
    await fails({ metric: 'fid', real: 'dataset:mnist', fake: file('y.npy') }, /holds images of shape \[8004, 28, 28, 1\]; pass --features/);
  });
});
