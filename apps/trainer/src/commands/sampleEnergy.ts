import * as tf from '@tensorflow/tfjs-core';
import * as nodePath from 'node:path';
import { Rng } from '@scorekit/core';
import { ensureDir } from '@scorekit/core/node';
import { loadFashionMnist, loadMnist } from '@scorekit/data/node';
import { readCheckpoint } from '@scorekit/models/node';
import type { CheckpointInfo } from '@scorekit/models/node';
import { useBackend } from '../backend.js';
import { CliError } from '../errors.js';
import { ENERGY_KINDS, parseEnergyConfig } from '../energyConfig.js';
import type { EnergyTrainConfig } from '../energyConfig.js';
import { createEnergyModel, flipUnits } from '../energyModels.js';
import { checkOutputFile } from '../outputPath.js';
import { optionFlag } from '../samplerOptions.js';
import { SAMPLER_NAMES, samplerOptionSpec } from '@scorekit/samplers';
import { parseSeedFlag } from '../seeds.js';
import { createTaskProgress } from '../taskProgress.js';
import { dataUnits, modelUnits, restoreEnergyCheckpoint, writeEnergySamples } from '../trainEnergyModel.js';
import { withCurrentKeys } from '../savedConfig.js';

/** How each energy kind samples, for `scorekit sample` and its error messages. */
export const ENERGY_SAMPLING: Record<EnergyTrainConfig['name'], { readonly sampler: string; readonly flags: string }> = {
  rbm: { sampler: 'gibbs', flags: '--steps (Gibbs sweeps), --start random|test (test: held-out digits; --steps 1 gives reconstructions)' },
  hopfield: { sampler: 'recall', flags: '--steps (update sweeps at most), --start stored|random|test, --corruption <fraction flipped>' },
  'ebm-cd': { sampler: 'langevin', flags: '--steps (Langevin steps), --step-size' },
};

// Flags of score-model sampling that mean nothing for an energy model; given, they are refused (never ignored):
// every sampler option's flag (generated from the samplers' option specs) but --steps and --step-size, and the
// score-model-only flags of `sample`.
function scoreOnlyFlags(): Record<string, string> {
  const flags: Record<string, string> = {
    option: '--option', x0Threshold: '--x0-threshold', label: '--label', trajectory: '--trajectory', shard: '--shard', shards: '--shards', score: '--score', sde: '--sde',
    classifier: '--classifier', class: '--class', guidanceScale: '--guidance-scale', cfgScale: '--cfg-scale', inpaint: '--inpaint', mask: '--mask',
  };
  for (const sampler of SAMPLER_NAMES) {
    for (const o of samplerOptionSpec(sampler)) if (o.kind !== 'function' && o.name !== 'steps' && o.name !== 'stepSize') flags[o.name] = optionFlag(o.name);
  }
  return flags;
}

/**
 * The run config inside a checkpoint when it is an energy model's (it names an energy model: `name`, or `kind` in
 * checkpoints saved before), else null; the config comes back under the current keys.
 */
export async function energyRunOf(root: string, step: number | 'latest'): Promise<{ config: EnergyTrainConfig; info: CheckpointInfo } | null> {
  const info = await readCheckpoint(root, { step }).catch(() => null);
  const config = withCurrentKeys(info?.config) as { name?: unknown } | null | undefined;
  const kind = config?.name;
  if (info == null || typeof kind !== 'string' || !(ENERGY_KINDS as readonly string[]).includes(kind)) return null;
  return { config: config as unknown as EnergyTrainConfig, info };
}

/**
 * `scorekit sample` for an energy-model checkpoint: Gibbs chains (rbm), recall (hopfield) or Langevin (ebm-cd), from
 * random states or from data (held-out test images, stored patterns), written as .npy and/or a PNG grid (images) or
 * scatter plot (2D). When chains start from data, the starting states are written beside the output
 * (`<out>.start.png` / `.npy`), so reconstructions and recalls can be compared with what they started from.
 */
export async function runEnergySample(
  flags: Record<string, unknown>,
  root: string,
  step: number | 'latest',
  found: { config: EnergyTrainConfig; info: CheckpointInfo },
  outputs: { npy?: string; png?: string },
): Promise<void> {
  const { name: kind } = found.config;
  const how = ENERGY_SAMPLING[kind];
  const given = Object.entries(scoreOnlyFlags()).filter(([k]) => flags[k] != null).map(([, flag]) => flag);
  if (flags.ema === false) given.push('--no-ema');
  if (flags.sampler != null && flags.sampler !== how.sampler) given.unshift(`--sampler ${String(flags.sampler)}`);
  if (given.length > 0) {
    throw new CliError(`${given.join(', ')}: not for this checkpoint: an energy model '${kind}', which samples with '${how.sampler}'. It accepts --n, --seed, --out, --step, ${how.flags}.`);
  }
  const parsed = parseEnergyConfig(found.config);
  if (parsed._tag === 'Left') throw new CliError(`Checkpoint ${found.info.path} holds an invalid ${kind} config: ${parsed.left.map((p) => `${p.field}: ${p.message}`).join('; ')}`);
  const config = parsed.right;
  const n = Number(flags.n);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`--n must be an integer ≥ 1, got '${String(flags.n)}'`);
  const seed = parseSeedFlag(String(flags.seed));
  const runSampler = config.sampler as unknown as Record<string, number>;
  const steps = flags.steps != null ? Number(flags.steps) : kind === 'hopfield' ? runSampler.maxIterations! : runSampler.steps!;
  if (!Number.isInteger(steps) || steps < 0) throw new CliError(`--steps must be an integer ≥ 0, got '${String(flags.steps)}'`);
  const initChoices = kind === 'rbm' ? ['random', 'test'] : kind === 'hopfield' ? ['stored', 'random', 'test'] : ['random'];
  const init = String(flags.start ?? initChoices[0]);
  if (!initChoices.includes(init)) throw new CliError(`--start must be one of ${initChoices.join(', ')} for a ${kind} checkpoint, got '${init}'`);
  let stepSize: number | undefined;
  if (flags.stepSize != null) {
    if (kind !== 'ebm-cd') throw new CliError(`--step-size: not for a ${kind} checkpoint; it accepts --n, --seed, --out, --step, ${how.flags}.`);
    stepSize = Number(flags.stepSize);
    if (!(stepSize > 0) || !Number.isFinite(stepSize)) throw new CliError(`--step-size must be a number > 0, got '${String(flags.stepSize)}'`);
  }
  let corruption: number | undefined;
  if (flags.corruption != null) {
    if (kind !== 'hopfield') throw new CliError(`--corruption: only for Hopfield checkpoints; a ${kind} checkpoint accepts --n, --seed, --out, --step, ${how.flags}.`);
    corruption = Number(flags.corruption);
    if (!(corruption >= 0 && corruption <= 1)) throw new CliError(`--corruption must be a fraction in [0, 1], got '${String(flags.corruption)}'`);
  } else if (kind === 'hopfield') corruption = init === 'random' ? 0 : (config.sampler as { corruption: number }).corruption;
  if (init === 'test' && config.dataset.name === 'folder') throw new CliError("--start test needs a data set with a test split (mnist, fashion-mnist); this run trained on an image folder");
  const base = (outputs.npy ?? outputs.png)!.replace(/\.(npy|png)$/i, '');
  const startOutputs = init === 'random' ? null : { npy: outputs.npy != null ? `${base}.start.npy` : undefined, png: outputs.png != null ? `${base}.start.png` : undefined };
  for (const file of [outputs.npy, outputs.png, startOutputs?.npy, startOutputs?.png]) if (file != null) await checkOutputFile(file, '--out');

  await useBackend(flags.backend as string | undefined);
  const pointShape = kind === 'ebm-cd' ? [2] : await imageShapeOf(found.info);
  const pointSize = pointShape.reduce((a, b) => a * b, 1);
  const model = createEnergyModel(config, pointSize);
  const rng = new Rng(seed);
  let start: tf.Tensor2D | undefined;
  try {
    await restoreEnergyCheckpoint(root, model, step === 'latest' ? undefined : step).catch((e: unknown) => {
      throw new CliError(`Cannot read checkpoint in ${root}: ${(e as Error).message}`);
    });
    if (init === 'test') start = await testImages(config, n, pointShape, rng);
    if (init === 'stored') {
      start = model.storedPatterns?.(n) ?? undefined;
      if (start == null) throw new CliError(`Checkpoint ${found.info.path} stores no patterns yet; use --start random or test`);
    }
    if (start && corruption != null && corruption > 0) {
      const flipped = flipUnits(start, corruption, rng);
      start.dispose();
      start = flipped;
    }
    const progress = createTaskProgress(`sample (${how.sampler})`, { unit: 'steps' });
    let drawn: tf.Tensor2D;
    try {
      drawn = model.draw(n, rng, { steps, ...(stepSize != null ? { stepSize } : {}), ...(start ? { start } : {}) });
    } finally {
      progress.stop();
    }
    const samples = dataUnits(config, drawn);
    drawn.dispose();
    try {
      for (const file of [outputs.npy, outputs.png]) if (file != null) await ensureDir(nodePath.dirname(nodePath.resolve(file)));
      await writeEnergySamples(samples, pointShape, outputs.npy, outputs.png, config.dataset.name);
      if (start && startOutputs) {
        const shown = dataUnits(config, start);
        await writeEnergySamples(shown, pointShape, startOutputs.npy, startOutputs.png, config.dataset.name);
        shown.dispose();
      }
    } finally {
      samples.dispose();
    }
    const out = [outputs.npy, outputs.png].filter((f) => f != null);
    const started = [startOutputs?.npy, startOutputs?.png].filter((f) => f != null);
    process.stdout.write(`${JSON.stringify({ out: out.length === 1 ? out[0] : out, n, sampler: how.sampler, steps, init, ...(started.length > 0 ? { start: started } : {}), source: `${found.info.path} (step ${found.info.step}, ${kind})` })}\n`);
  } finally {
    start?.dispose();
    model.dispose();
  }
}

// The image shape of the run's data: the checkpoint records V only, the run's data set says h × w × c.
async function imageShapeOf(info: CheckpointInfo): Promise<number[]> {
  const visible = Number((info.networkConfig as { visibleUnits?: unknown; units?: unknown }).visibleUnits ?? (info.networkConfig as { units?: unknown }).units);
  const side = Math.round(Math.sqrt(visible));
  if (side * side === visible) return [side, side, 1];
  if (visible % 3 === 0 && Math.round(Math.sqrt(visible / 3)) ** 2 === visible / 3) return [Math.sqrt(visible / 3), Math.sqrt(visible / 3), 3];
  throw new CliError(`Checkpoint ${info.path}: ${visible} visible units are not a square grey or RGB image`);
}

// n held-out test images in the model's units, in the split's order (the first n).
async function testImages(config: EnergyTrainConfig, n: number, pointShape: readonly number[], rng: Rng): Promise<tf.Tensor2D> {
  const d = config.dataset;
  const images = await (d.name === 'mnist' ? loadMnist({ split: 'test', count: n }) : loadFashionMnist({ split: 'test', count: n, ...(d.dir != null ? { dir: d.dir } : {}) })).catch((e: unknown) => {
    throw new CliError(`Cannot load the test split of '${d.name}': ${(e as Error).message}`);
  });
  const [count] = images.shape;
  if (count < n) throw new CliError(`--n ${n}: the test split of '${d.name}' has only ${count} images`);
  return tf.tidy(() => modelUnits(config, tf.tensor(images.images.subarray(0, n * pointShape.reduce((a, b) => a * b, 1)), [n, ...pointShape]), rng));
}
