import { promises as fs } from 'node:fs';
import { variantNameOf } from '@scorekit/core';
import nodePath from 'node:path';
import { readMetrics } from './readMetrics.js';
import type { MetricsPoint, RunSummary } from './runSummary.js';
import { isInside } from './resolveInsideRoot.js';
import { describeEnergyRun } from './energyRun.js';
import { isRecord, nameOf, readJson as readJsonAnywhere, type JsonRecord } from './internal/json.js';
import { knownMixture, type MixtureJson } from './knownMixture.js';
import { readRunClassifier, type RunClassifier } from './runClassifier.js';

/** A set of samples in a run's `samples/` folder: the trainer's per-checkpoint sets, or any `scorekit sample` output saved there. */
export interface SampleSet {
  /** The `.npy` file name inside `samples/`. */
  readonly file: string;
  /** The training step of `step-000001000.npy`, else null (e.g. `ddim-20.npy` from `scorekit sample`). */
  readonly step: number | null;
  /** Its picture beside it (`<same name>.png`), if the trainer wrote one. */
  readonly png: string | null;
}

/** A recorded sampler trajectory (an entry of `trajectories/index.json` whose file exists). */
export interface TrajectoryEntry {
  readonly step: number;
  readonly file: string;
  readonly sampler: string;
  readonly times: readonly number[];
}

/** A sampler's quality at a number of function evaluations (a row of `nfe-quality.json`). */
export interface NfeQualityPoint {
  readonly sampler: string;
  readonly nfe: number;
  readonly value: number;
}

/** Everything the run page shows. */
export interface RunDetail {
  readonly summary: RunSummary;
  readonly config: JsonRecord;
  readonly status: JsonRecord | null;
  readonly metrics: readonly MetricsPoint[];
  /** Problems that do not stop the page: unreadable metrics lines, a broken trajectory index… */
  readonly warnings: readonly string[];
  readonly checkpoints: readonly number[];
  readonly sampleSets: readonly SampleSet[];
  readonly trajectories: readonly TrajectoryEntry[];
  readonly nfeQuality: { readonly metric: string; readonly points: readonly NfeQualityPoint[] } | null;
  /** The data's exact density where it is an analytic mixture (2D runs on `ncsn-mixture`), else null. */
  readonly knownDensity: MixtureJson | null;
  /** The noisy classifier in `<run>/classifier/` that can guide this run's samples, else null. */
  readonly classifier: RunClassifier | null;
  /** Why `<run>/classifier/` cannot be used, when it exists but is broken; else null. */
  readonly classifierProblem: string | null;
}

const STEP_FILE = /^step-(\d+)\.npy$/;

/**
 * Reads one run folder as the trainer writes it (see apps/trainer README, "Run folder"). A folder that is not a
 * run — no or unparsable `config.json`, a config without dataset / network / sde — comes back as the reason, so
 * the runs list can show it instead of failing; smaller problems come back as warnings.
 *
 * @example
 * const r = await readRun('runs', 'demo');
 * if (r.ok) console.log(r.run.summary.stepsDone);
 */
export async function readRun(root: string, name: string): Promise<{ ok: true; run: RunDetail } | { ok: false; reason: string }> {
  const realRoot = await fs.realpath(root);
  const dir = nodePath.join(realRoot, name);
  // Every file is read through its real path, and only when that lies inside the runs folder: a config.json or
  // metrics.jsonl that is a symlink to /etc/passwd must not be echoed back through the API.
  const readJson = async (path: string) => {
    const real = await fs.realpath(path).catch(() => null);
    if (real == null) return { ok: false as const, missing: true, reason: 'missing' };
    if (!isInside(realRoot, real)) return { ok: false as const, missing: false, reason: 'links outside the runs folder (not read)' };
    return readJsonAnywhere(real);
  };
  const realDir = await fs.realpath(dir).catch(() => null);
  if (realDir == null || !isInside(realRoot, realDir)) return { ok: false, reason: 'not a folder inside the runs folder' };
  const config = await readJson(nodePath.join(dir, 'config.json'));
  if (!config.ok) return { ok: false, reason: config.missing ? 'no config.json (not a scorekit run folder)' : `config.json: ${config.reason}` };
  if (!isRecord(config.value)) return { ok: false, reason: 'config.json is not a JSON object' };
  const c = config.value;
  // Energy-model runs (rbm, hopfield, ebm-cd) have no network/SDE fields; their description comes from the model's name.
  // Variants are read under `name` or `kind`, the key of run folders written before `name`.
  const energy = describeEnergyRun(c);
  const missing = (energy ? ['dataset'] : ['dataset', 'network', 'sde']).filter((k) => c[k] == null);
  if (missing.length > 0) return { ok: false, reason: `config.json has no ${missing.join(', ')}` };
  const network = isRecord(c.network) ? c.network : energy ? {} : null;
  const networkName = network == null ? undefined : variantNameOf(network, ['kind']);
  if (network == null || (!energy && typeof networkName !== 'string')) return { ok: false, reason: 'config.json: network must be an object with a name' };

  const warnings: string[] = [];
  const summaryFile = await readJson(nodePath.join(dir, 'summary.json'));
  let status: JsonRecord | null = null;
  if (summaryFile.ok && isRecord(summaryFile.value)) status = summaryFile.value;
  else if (!summaryFile.ok && !summaryFile.missing) warnings.push(`summary.json: ${summaryFile.reason}`);

  const metricsReal = await fs.realpath(nodePath.join(dir, 'metrics.jsonl')).catch(() => null);
  const metricsInside = metricsReal != null && isInside(realRoot, metricsReal);
  if (metricsReal != null && !metricsInside) warnings.push('metrics.jsonl links outside the runs folder (not read)');
  const { points, badLines } = metricsInside ? await readMetrics(metricsReal) : { points: [], badLines: [] };
  if (badLines.length > 0) warnings.push(`metrics.jsonl: unreadable line${badLines.length > 1 ? 's' : ''} ${badLines.join(', ')} skipped`);

  const checkpoints = (await listNames(nodePath.join(dir, 'checkpoints')))
    .map((n) => /^step-(\d+)$/.exec(n))
    .filter((m): m is RegExpExecArray => m != null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);

  const sampleNames = await listNames(nodePath.join(dir, 'samples'));
  const sampleSets: SampleSet[] = sampleNames
    .filter((n) => n.endsWith('.npy') && !n.startsWith('.'))
    .map((file) => {
      const m = STEP_FILE.exec(file);
      const png = file.replace(/\.npy$/, '.png');
      return { file, step: m ? Number(m[1]) : null, png: sampleNames.includes(png) ? png : null };
    })
    .sort((a, b) => (a.step ?? Infinity) - (b.step ?? Infinity) || a.file.localeCompare(b.file));

  const trajectories = await readTrajectoryIndex(dir, readJson, warnings);
  const nfeQuality = await readNfeQuality(dir, readJson, warnings);
  const hasFile = async (path: string) => {
    const real = await fs.realpath(path).catch(() => null);
    return real != null && isInside(realRoot, real);
  };
  const { classifier, problem: classifierProblem } = await readRunClassifier(dir, readJson, hasFile);
  if (classifierProblem != null) warnings.push(`classifier/: ${classifierProblem}`);

  const stepsDone = typeof status?.step === 'number' ? status.step : (points.at(-1)?.step ?? 0);
  const dim = typeof network.dim === 'number' ? network.dim : null;
  const summary: RunSummary = {
    name,
    dataset: nameOf(c.dataset) ?? '?',
    model: energy?.model ?? describeNetwork(network),
    sde: energy?.sde ?? nameOf(c.sde) ?? '?',
    objective: energy?.objective ?? nameOf(c.objective) ?? '?',
    stepsDone,
    stepsPlanned: typeof c.steps === 'number' ? c.steps : null,
    status: typeof status?.status === 'string' ? status.status : 'running',
    lastMetrics: points.at(-1) ?? null,
    kind: energy?.kind ?? (networkName === 'mlp' && dim === 2 ? 'points' : 'images'),
    checkpoints: checkpoints.length,
  };
  return { ok: true, run: { summary, config: c, status, metrics: points, warnings, checkpoints, sampleSets, trajectories, nfeQuality, knownDensity: datasetMixture(c), classifier, classifierProblem } };
}

function describeNetwork(n: JsonRecord): string {
  const name = variantNameOf(n, ['kind']);
  if (name === 'mlp') return `mlp ${String(n.width ?? 128)}×${String(n.depth ?? 3)}`;
  if (name === 'unet') return `unet nf ${String(n.nf ?? '?')}`;
  return String(name);
}

async function listNames(dir: string): Promise<string[]> {
  return fs.readdir(dir).catch(() => []);
}

type ReadJson = typeof readJsonAnywhere;

async function readTrajectoryIndex(dir: string, readJson: ReadJson, warnings: string[]): Promise<TrajectoryEntry[]> {
  const index = await readJson(nodePath.join(dir, 'trajectories', 'index.json'));
  if (!index.ok) {
    if (!index.missing) warnings.push(`trajectories/index.json: ${index.reason}`);
    return [];
  }
  if (!Array.isArray(index.value)) {
    warnings.push('trajectories/index.json is not an array');
    return [];
  }
  const files = await listNames(nodePath.join(dir, 'trajectories'));
  const out: TrajectoryEntry[] = [];
  for (const [i, e] of index.value.entries()) {
    if (!isRecord(e) || typeof e.file !== 'string' || typeof e.step !== 'number' || !Array.isArray(e.times)) {
      warnings.push(`trajectories/index.json: entry ${i} lacks step, file or times`);
    } else if (!files.includes(e.file) || e.file.includes('/')) {
      warnings.push(`trajectories/index.json: entry ${i} names ${JSON.stringify(e.file)}, which is not in trajectories/`);
    } else {
      out.push({ step: e.step, file: e.file, sampler: typeof e.sampler === 'string' ? e.sampler : '?', times: e.times.filter((t): t is number => typeof t === 'number') });
    }
  }
  return out;
}

async function readNfeQuality(dir: string, readJson: ReadJson, warnings: string[]): Promise<RunDetail['nfeQuality']> {
  const file = await readJson(nodePath.join(dir, 'nfe-quality.json'));
  if (!file.ok) {
    if (!file.missing) warnings.push(`nfe-quality.json: ${file.reason}`);
    return null;
  }
  const v = file.value;
  if (!isRecord(v) || typeof v.metric !== 'string' || !Array.isArray(v.points)) {
    warnings.push('nfe-quality.json must be { metric: string, points: [{ sampler, nfe, value }] }');
    return null;
  }
  const points = v.points.filter(
    (p): p is NfeQualityPoint => isRecord(p) && typeof p.sampler === 'string' && typeof p.nfe === 'number' && typeof p.value === 'number',
  );
  if (points.length < v.points.length) warnings.push(`nfe-quality.json: ${v.points.length - points.length} malformed point(s) skipped`);
  return { metric: v.metric, points };
}

function datasetMixture(config: JsonRecord): MixtureJson | null {
  const dataset = config.dataset;
  const name = typeof dataset === 'string' ? dataset : isRecord(dataset) && typeof dataset.name === 'string' ? dataset.name : null;
  const network = isRecord(config.network) ? config.network : null;
  if (name == null || network == null || variantNameOf(network, ['kind']) !== 'mlp' || network.dim !== 2) return null;
  return knownMixture(name) ?? null;
}
