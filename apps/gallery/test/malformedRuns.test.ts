import { promises as fs } from 'node:fs';
import nodePath from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listRuns, readRun } from '../src/index.js';
import { copyFixtureRuns } from './helpers.js';

describe('runs list', () => {
  let fixture: Awaited<ReturnType<typeof copyFixtureRuns>>;
  beforeAll(async () => {
    fixture = await copyFixtureRuns();
    const mk = async (name: string, files: Record<string, string>) => {
      await fs.mkdir(nodePath.join(fixture.root, name), { recursive: true });
      for (const [f, text] of Object.entries(files)) {
        await fs.mkdir(nodePath.dirname(nodePath.join(fixture.root, name, f)), { recursive: true });
        await fs.writeFile(nodePath.join(fixture.root, name, f), text);
      }
    };
    await mk('empty', {});
    await mk('broken-json', { 'config.json': '{ "dataset": ' });
    await mk('array-config', { 'config.json': '[1, 2]' });
    await mk('no-sde', { 'config.json': JSON.stringify({ dataset: 'two-moons', network: { name: 'mlp', dim: 2 } }) });
    // A readable run with problems that must not break it: a cut metrics line, a bad trajectory index.
    await mk('half-written', {
      'config.json': JSON.stringify({ dataset: { name: 'mnist' }, network: { name: 'unet', nf: 8 }, sde: 'vp', objective: 'dsm', steps: 50 }),
      'metrics.jsonl': '{"step":10,"loss":2.5}\n{"step":20,"loss":1.5}\n{"step":30,"lo',
      'trajectories/index.json': '[{"step": 10}]',
    });
    // A run whose classifier/ folder (the gallery's convention for classifier guidance) is not a noisy classifier's.
    const plainConfig = JSON.stringify({ dataset: 'ncsn-mixture', network: { name: 'mlp', dim: 2 }, sde: 'vp' });
    await mk('other-classifier', { 'config.json': plainConfig, 'classifier/config.json': JSON.stringify({ format: 'scorekit-classifier', config: {} }) });
    await mk('no-classifier-weights', { 'config.json': plainConfig, 'classifier/config.json': JSON.stringify({ format: 'scorekit-noisy-classifier', version: 1, config: { numClasses: 2, dataShape: [2] } }) });
    await fs.writeFile(nodePath.join(fixture.root, 'notes.txt'), 'a plain file is not a run');
    await fs.mkdir(nodePath.join(fixture.root, '.cache'));
  });
  afterAll(() => fixture.cleanup());

  it('lists readable runs with their summaries and malformed folders with the reason', async () => {
    const { runs, malformed } = await listRuns(fixture.root);
    expect(runs.map((r) => r.name)).toEqual(['bars-cfg', 'bars-unet', 'half-written', 'mixture-100', 'mixture-400', 'no-classifier-weights', 'other-classifier']);
    expect(malformed).toEqual([
      { name: 'array-config', reason: 'config.json is not a JSON object' },
      { name: 'broken-json', reason: expect.stringMatching(/^config\.json: not valid JSON/) },
      { name: 'empty', reason: 'no config.json (not a scorekit run folder)' },
      { name: 'no-sde', reason: 'config.json has no sde' },
    ]);
  });

  it('reads the fixture run as the trainer wrote it', async () => {
    const { runs } = await listRuns(fixture.root);
    const run = runs.find((r) => r.name === 'mixture-400');
    const metrics = (await fs.readFile(nodePath.join(fixture.root, 'mixture-400', 'metrics.jsonl'), 'utf8')).trim().split('\n');
    expect(run).toEqual({
      name: 'mixture-400',
      dataset: 'ncsn-mixture',
      model: 'mlp 64×2',
      sde: 'vp',
      objective: 'continuous-dsm',
      stepsDone: 400,
      stepsPlanned: 400,
      status: 'completed',
      lastMetrics: JSON.parse(metrics.at(-1) as string),
      kind: 'points',
      checkpoints: 2,
    });
    const r = await readRun(fixture.root, 'mixture-400');
    if (!r.ok) throw new Error(r.reason);
    expect(r.run.metrics.length).toBe(metrics.length);
    expect(r.run.checkpoints).toEqual([200, 400]);
    expect(r.run.sampleSets.map((s) => [s.file, s.step, s.png])).toEqual([
      ['step-000000200.npy', 200, 'step-000000200.png'],
      ['step-000000400.npy', 400, 'step-000000400.png'],
      ['ddim-10.npy', null, null],
      ['dpm-solver++-10.npy', null, null],
      ['euler-maruyama-10.npy', null, null],
    ]);
    expect(r.run.trajectories.map((t) => [t.step, t.file, t.times.length])).toEqual([
      [200, 'step-000000200.npy', 21],
      [400, 'step-000000400.npy', 21],
    ]);
    expect(r.run.nfeQuality?.points.length).toBe(9);
    expect(r.run.warnings).toEqual([]);
    // ncsn-mixture's exact density (Song & Ermon's toy: 0.8/0.2 at ±(5, 5), unit variance) for the density plot.
    expect(r.run.knownDensity).toEqual({ weights: [0.8, 0.2], means: [[5, 5], [-5, -5]], stds: [1, 1] });
    const image = await readRun(fixture.root, 'bars-unet');
    expect(image.ok && image.run.knownDensity).toBeNull();
    // Its noisy classifier, read from mixture-400/classifier/config.json (what train-classifier --noisy wrote).
    const manifest = JSON.parse(await fs.readFile(nodePath.join(fixture.root, 'mixture-400', 'classifier', 'config.json'), 'utf8'));
    expect(r.run.classifier).toEqual({
      name: 'mlp',
      numClasses: 2,
      dataShape: [2],
      sde: 'vp',
      heldOutAccuracyAtEps: manifest.extra.heldOutAccuracyAtEps,
      heldOutAccuracyAtHalfT: manifest.extra.heldOutAccuracyAtHalfT,
    });
    expect(r.run.classifierProblem).toBeNull();
    expect(image.ok && [image.run.classifier, image.run.classifierProblem]).toEqual([null, null]);
  });

  it('keeps a run with a cut metrics line and a bad trajectory index, with warnings', async () => {
    const r = await readRun(fixture.root, 'half-written');
    if (!r.ok) throw new Error(r.reason);
    expect(r.run.metrics).toEqual([{ step: 10, loss: 2.5 }, { step: 20, loss: 1.5 }]);
    expect(r.run.summary).toMatchObject({ kind: 'images', model: 'unet nf 8', stepsDone: 20, stepsPlanned: 50, status: 'running' });
    expect(r.run.warnings).toEqual(['metrics.jsonl: unreadable line 3 skipped', 'trajectories/index.json: entry 0 lacks step, file or times']);
  });

  it('says why a classifier folder cannot be used, as a warning that keeps the run', async () => {
    const other = await readRun(fixture.root, 'other-classifier');
    const noWeights = await readRun(fixture.root, 'no-classifier-weights');
    if (!other.ok || !noWeights.ok) throw new Error('both runs must stay readable');
    expect([other.run.classifier, other.run.classifierProblem]).toEqual([null, "config.json is not a noisy classifier's (format 'scorekit-noisy-classifier', written by scorekit train-classifier --noisy)"]);
    expect(other.run.warnings).toEqual([`classifier/: ${other.run.classifierProblem}`]);
    expect([noWeights.run.classifier, noWeights.run.classifierProblem]).toEqual([null, 'weights.safetensors is missing']);
    // A classifier config that links outside the runs folder is not read.
    await fs.writeFile(nodePath.join(fixture.base, 'outside-classifier.json'), JSON.stringify({ format: 'scorekit-noisy-classifier', version: 1, config: { numClasses: 2, dataShape: [2] } }));
    await fs.rm(nodePath.join(fixture.root, 'other-classifier', 'classifier', 'config.json'));
    await fs.symlink(nodePath.join(fixture.base, 'outside-classifier.json'), nodePath.join(fixture.root, 'other-classifier', 'classifier', 'config.json'));
    const linked = await readRun(fixture.root, 'other-classifier');
    expect(linked.ok && [linked.run.classifier, linked.run.classifierProblem]).toEqual([null, 'config.json: links outside the runs folder (not read)']);
  });

  it('does not read a config.json that links outside the runs folder', async () => {
    await fs.writeFile(nodePath.join(fixture.base, 'outside.json'), JSON.stringify({ dataset: 'x', network: { name: 'mlp' }, sde: 'vp' }));
    await fs.mkdir(nodePath.join(fixture.root, 'linked-config'));
    await fs.symlink(nodePath.join(fixture.base, 'outside.json'), nodePath.join(fixture.root, 'linked-config', 'config.json'));
    expect(await readRun(fixture.root, 'linked-config')).toEqual({ ok: false, reason: 'config.json: links outside the runs folder (not read)' });
  });
});
