import * as tf from '@tensorflow/tfjs-core';
import * as fs from 'node:fs/promises';
import * as nodePath from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@scorekit/core';
import { loadNpy } from '@scorekit/core/node';
import { slerp } from '@scorekit/samplers';
import { createSde } from '@scorekit/sde';
import { expectAllClose } from '@scorekit/test-utils';
import { decodePng } from '../src/png.js';
import { cli } from './cliHarness.js';
import { tempDir } from './helpers.js';

// One Gaussian N(μ, s²I): under the VP SDE p_t = N(α_t μ, v_t I), v_t = α_t²s² + σ_t², and the probability-flow
// ODE keeps (x_t − α_t μ)/√v_t constant. So encoding from eps to T is the affine map
// z = α_T μ + √(v_T/v_eps)·(x − α_eps μ), decoding its inverse — a closed form for the whole strip.
const MU = [1, -0.5];
const S = 0.7;
const sde = createSde({ name: 'vp' });
const coeff = (t: number) => ({ a: sde.alpha(t), v: sde.alpha(t) ** 2 * S * S + sde.sigma(t) ** 2 });
const eps = sde.samplingEps;
const encodeExact = (x: number[]): number[] => x.map((xi, i) => coeff(sde.T).a * MU[i]! + Math.sqrt(coeff(sde.T).v / coeff(eps).v) * (xi - coeff(eps).a * MU[i]!));
const decodeExact = (z: ArrayLike<number>): number[] => Array.from(z, (zi, i) => coeff(eps).a * MU[i]! + Math.sqrt(coeff(eps).v / coeff(sde.T).v) * (zi - coeff(sde.T).a * MU[i]!));
const slerpExact = (z0: number[], z1: number[], count: number): number[][] =>
  tf.tidy(() => Array.from({ length: count }, (_, k) => Array.from(slerp(tf.tensor2d([z0]), tf.tensor2d([z1]), k / (count - 1)).dataSync())));

// RK45 at rtol = atol = 1e-5 controls each step's local error to ~1e-5 of |x| ≲ 3; over the ~50 accepted steps of
// one pass and two passes (encode, decode), in float32, the global error stays below 1e-3 — the bound the samplers
// package's own encode → decode round trip is held to (packages/samplers/test/latents.test.ts). A wrong map (a
// linear instead of a spherical path, a missed SDE scale) is off by 0.05 or more at these points.
const TOL = 1e-3;

describe('scorekit interpolate', () => {
  let dir: string;
  let mixture: string;
  beforeAll(async () => {
    dir = await tempDir();
    mixture = nodePath.join(dir, 'gaussian.json');
    await fs.writeFile(mixture, JSON.stringify({ weights: [1], means: [MU], stds: [S] }));
  });

  it('two points: the ends reproduce the inputs and every point is the decoded slerp of the exact latents', async () => {
    const out = nodePath.join(dir, 'strip.npy');
    const png = nodePath.join(dir, 'strip.png');
    const from = [-1, 0.5];
    const to = [2.5, -2];
    const r = await cli('interpolate', '--score', `analytic:${mixture}`, '--from', from.join(','), '--to', to.join(','), '--count', '5', '--out', out, png, '--backend', 'cpu');
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { count: number; pairs: number; nfe: number };
    expect(report).toMatchObject({ count: 5, pairs: 1 });
    expect(report.nfe).toBeGreaterThan(10);
    expect(r.stderr).toContain('interpolate: decode');
    const strip = await loadNpy(out);
    expect(strip.shape).toEqual([5, 1, 2]);
    const got = strip.data as Float32Array;
    expectAllClose(got.subarray(0, 2), from, TOL);
    expectAllClose(got.subarray(8, 10), to, TOL);
    const expected = slerpExact(encodeExact(from), encodeExact(to), 5).flatMap(decodeExact);
    expectAllClose(got, expected, TOL);
    // The path is not the straight line between the ends (a check that could be passed by lerping data).
    const straightMid = [(from[0]! + to[0]!) / 2, (from[1]! + to[1]!) / 2];
    expect(Math.hypot(got[4]! - straightMid[0]!, got[5]! - straightMid[1]!)).toBeGreaterThan(0.05);
    const image = decodePng(await fs.readFile(png));
    expect([image.width, image.height]).toEqual([512, 512]);
  });

  it('two seeds: the strip decodes the slerp of those seeds’ prior draws; its ends are `sample --sampler ode`’s', async () => {
    const out = nodePath.join(dir, 'seeds.npy');
    const r = await cli('interpolate', '--score', `analytic:${mixture}`, '--seeds', '3,8', '--count', '4', '--out', out, '--backend', 'cpu');
    expect(r.code, r.stderr).toBe(0);
    const got = (await loadNpy(out)).data as Float32Array;
    const z = [3, 8].map((seed) => tf.tidy(() => Array.from(sde.priorSample([1, 2], new Rng(seed)).dataSync())));
    expectAllClose(got, slerpExact(z[0]!, z[1]!, 4).flatMap(decodeExact), TOL);
    const sampled = nodePath.join(dir, 'ode.npy');
    const s = await cli('sample', '--score', `analytic:${mixture}`, '--sampler', 'ode', '--n', '1', '--seed', '8', '--out', sampled, '--backend', 'cpu');
    expect(s.code, s.stderr).toBe(0);
    expectAllClose(got.subarray(6, 8), (await loadNpy(sampled)).data as Float32Array, 2 * TOL);
  });

  it('refuses bad input before any ODE is solved or anything written', async () => {
    const out = nodePath.join(dir, 'bad.npy');
    const both = await cli('interpolate', '--score', `analytic:${mixture}`, '--seeds', '1,2', '--from', '0,0', '--to', '1,1', '--out', out, '--backend', 'cpu');
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('give either --from <point> --to <point> or --seeds a,b');
    const shape = await cli('interpolate', '--score', `analytic:${mixture}`, '--from', '0,0,0', '--to', '1,1', '--out', out, '--backend', 'cpu');
    expect(shape.code).toBe(2);
    expect(shape.stderr).toContain("--from 0,0,0 has shape [3]; this model's points are [2]");
    const count = await cli('interpolate', '--score', `analytic:${mixture}`, '--seeds', '1', '--count', '1', '--out', out, '--backend', 'cpu');
    expect(count.code).toBe(2);
    expect(count.stderr).toContain("--count must be an integer ≥ 2 (the two ends included), got '1'");
    expect(count.stderr).toContain("--seeds must be two seeds a,b, got '1'");
    await expect(fs.stat(out)).rejects.toThrow();
  });
});
