// The fault campaign of issue 16: hundreds of bad inputs and faults against the scorekit CLI, each classified as
// ok / data lost / silently wrong / unclear. Run it whole with `pnpm fault-campaign` (apps/trainer); CI runs the
// `quick` subset through test/faultCampaign.test.ts. Commands run in-process (runCli), in a scratch folder as the
// current directory, so a fault that writes "here" cannot touch the repository.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { fileURLToPath } from 'node:url';
import { saveNpy } from '@scorekit/core/node';
import { PNG } from 'pngjs';
import { runCli } from '../src/cli.js';
import type { TrainConfig } from '../src/config.js';

/** How a case ended. */
export type Verdict = 'ok' | 'data lost' | 'silently wrong' | 'unclear';

/** The scratch folders and fixtures a case may use. */
export interface CaseContext {
  /** A folder of this case's own. */
  readonly dir: string;
  /** Shared read-only fixtures. */
  readonly fixtures: Fixtures;
}

/** What a case expects. `refuse`: exit `code` with a message mentioning every `mentions` string. */
export interface FaultCase {
  readonly name: string;
  /** Extra preparation in `ctx.dir` (a run folder to damage, a file to corrupt); returns the CLI arguments. */
  readonly args: (ctx: CaseContext) => Promise<string[]> | string[];
  readonly expect:
    | { readonly kind: 'refuse'; readonly code: 1 | 2; readonly mentions: readonly string[] }
    | { readonly kind: 'succeed' };
  /** Paths (relative to ctx.dir) whose files must be byte-identical afterwards: anything else is data lost. */
  readonly untouched?: readonly string[];
  /** Paths (relative to ctx.dir) that a refused command must not have created: else silently wrong. */
  readonly absent?: readonly string[];
  /** Run as a child process receiving a signal instead (full campaign only). */
  readonly signal?: NodeJS.Signals;
}

/** One case's result. */
export interface CaseResult {
  readonly name: string;
  readonly verdict: Verdict;
  readonly why: string;
}

/** Shared inputs, written once. */
export interface Fixtures {
  readonly root: string;
  readonly mixture: string;
  readonly tinyConfig: string;
  readonly run: string;
  readonly wideRun: string;
  readonly images: string;
  readonly features: string;
}

/** A tiny config: an MLP of width 16 on two moons, 2 steps, cheap samples. */
export function tinyTrainConfig(overrides: Partial<TrainConfig> = {}): TrainConfig {
  return {
    dataset: { name: 'two-moons' },
    network: { name: 'mlp', dim: 2, width: 16, depth: 2, embeddingDim: 8 },
    scoreModel: {},
    sde: { name: 'vp' },
    objective: { name: 'continuous-dsm' },
    conditional: false,
    steps: 2,
    batchSize: 16,
    lr: 1e-2,
    warmup: 1,
    gradClip: 1,
    emaDecay: 0.99,
    seed: 7,
    logEvery: 1,
    sampleEvery: 0,
    checkpointEvery: 1,
    keepCheckpoints: 3,
    sampler: { name: 'dpm-solver++', steps: 2 },
    sampleCount: 4,
    trajectoryEvery: 0,
    ...overrides,
  };
}

const B = ['--backend', 'cpu'];
// Values that are not numbers, or not integers, or out of every range.
const NOT_NUMBERS = ['abc', '', ' ', 'NaN', 'Infinity', '-Infinity', '1e400', '1,5', '0x', 'null'];
const NOT_COUNTS = [...NOT_NUMBERS, '-1', '1.5', '0'];

function refuse(code: 1 | 2, ...mentions: string[]): FaultCase['expect'] {
  return { kind: 'refuse', code, mentions };
}

/** Every case of the campaign, in a fixed order. */
export function faultCases(): FaultCase[] {
  const cases: FaultCase[] = [];
  const add = (c: FaultCase) => cases.push(c);

  // --- usage errors: exit 2 -------------------------------------------------------------------------------------
  for (const command of ['train', 'sample', 'likelihood', 'eval', 'train-classifier']) {
    add({ name: `${command} --no-such-flag`, args: () => [command, '--no-such-flag'], expect: refuse(2, '--no-such-flag') });
  }
  add({ name: 'unknown command', args: () => ['trian'], expect: refuse(2, 'trian') });
  for (const [command, flag] of [['train', '--out'], ['train', '--config'], ['sample', '--n'], ['sample', '--out'], ['likelihood', '--data'], ['eval', '--metric'], ['eval', '--fake'], ['train-classifier', '--dataset']]) {
    add({ name: `${command} ${flag} without its value`, args: () => [command!, flag!], expect: refuse(2, flag!) });
  }

  // --- train flags: every numeric flag against every malformed value; nothing may be created ---------------------
  const trainFlags: [string, string, string[]][] = [
    ['--steps', 'steps', NOT_COUNTS],
    ['--batch-size', 'batchSize', NOT_COUNTS],
    ['--lr', 'lr', [...NOT_NUMBERS, '0', '-1']],
    ['--warmup', 'warmup', [...NOT_NUMBERS, '-1', '1.5']],
    ['--grad-clip', 'gradClip', [...NOT_NUMBERS, '0', '-1']],
    ['--ema', 'emaDecay', [...NOT_NUMBERS, '-0.1', '1.5']],
    ['--seed', 'seed', [...NOT_NUMBERS, '-1', '1.5', '4294967296', '4294967303', '1e20']],
    ['--log-every', 'logEvery', NOT_COUNTS],
    ['--sample-every', 'sampleEvery', [...NOT_NUMBERS, '-1', '1.5']],
    ['--checkpoint-every', 'checkpointEvery', [...NOT_NUMBERS, '-1', '1.5']],
    ['--sample-count', 'sampleCount', NOT_COUNTS],
  ];
  for (const [flag, field, values] of trainFlags) {
    for (const v of values) {
      add({
        name: `train ${flag} '${v}'`,
        args: ({ fixtures }) => ['train', '--config', fixtures.tinyConfig, flag, v, '--out', 'run', ...B],
        expect: refuse(2, flag === '--seed' ? 'seed' : field),
        absent: ['run'],
      });
    }
  }
  for (const [flag, v] of [['--dataset', 'mnist2'], ['--sde', 'vpp'], ['--objective', 'dsm2'], ['--sampler', 'dpm'], ['--preset', 'cifar'], ['--backend', 'gpu'], ['--threads', '3']]) {
    // --backend last: the campaign's own `--backend cpu` would otherwise override it.
    add({ name: `train ${flag} '${v}'`, args: ({ fixtures }) => ['train', '--config', fixtures.tinyConfig, '--out', 'run', ...B, flag!, v!], expect: refuse(2, v!), absent: ['run'] });
  }
  add({ name: 'train --out empty', args: ({ fixtures }) => ['train', '--config', fixtures.tinyConfig, '--out', '', ...B], expect: refuse(2, '--out', 'empty'), absent: ['config.json', 'metrics.jsonl', 'checkpoints'] });
  add({ name: 'train without --out', args: ({ fixtures }) => ['train', '--config', fixtures.tinyConfig, ...B], expect: refuse(2, '--out'), absent: ['config.json'] });
  add({ name: 'train without a config', args: () => ['train', '--out', 'run', ...B], expect: refuse(2, '--preset', '--config'), absent: ['run'] });
  add({
    name: 'train --out is a file',
    args: async ({ dir }) => {
      await fs.writeFile(nodePath.join(dir, 'file'), 'keep');
      return ['train', '--preset', '2d', '--out', 'file', ...B];
    },
    expect: refuse(2, 'file', 'not a folder'),
    untouched: ['file'],
  });
  add({
    name: 'train --out below a file',
    args: async ({ dir }) => {
      await fs.writeFile(nodePath.join(dir, 'file'), 'keep');
      return ['train', '--preset', '2d', '--out', 'file/run', ...B];
    },
    expect: refuse(2, 'file', 'not a folder'),
    untouched: ['file'],
  });

  // --- config files: each field against wrong types and ranges ------------------------------------------------------
  const badFields: [string, unknown[]][] = [
    ['steps', ['10', -1, 0, 1.5, null, true, Infinity]],
    ['batchSize', ['16', -1, 0, 2.5, null, 1e7]],
    ['lr', ['0.1', -1, 0, null, []]],
    ['warmup', ['1', -1, 0.5]],
    ['gradClip', ['1', -1, 0, false]],
    ['emaDecay', ['0.9', -0.5, 1.5, null]],
    ['seed', ['7', -1, 0.5, 4294967296, 4294967303, 1e20]],
    ['logEvery', [0, -1, '1']],
    ['sampleEvery', [-1, 0.5, '2']],
    ['checkpointEvery', [-1, 0.5, '2']],
    ['keepCheckpoints', [0, -1, 1.5]],
    ['sampleCount', [0, -1, '4']],
    ['trajectoryEvery', [-1, 0.5]],
    ['conditional', ['yes', 1, null]],
    ['dataset', [7, null, { name: 'moons' }, { name: 'two-moons', count: -1 }, { name: 'folder' }, { name: 'two-moons', extra: 1 }]],
    ['network', [null, 'mlp', { name: 'mlpp' }, { name: 'mlp', dim: 2, width: -1 }, { name: 'mlp', dim: 2, width: 30000, depth: 4 }, { name: 'mlp', dim: 2, depth: 0 }, { name: 'unet', imageSize: 28 }]],
    ['sde', [7, 'vpp', { name: 'vp', beta_max: 'x' }]],
    ['objective', [7, 'dsm2']],
    ['sampler', [7, 'dpm', { name: 'pc', snr: -1 }]],
    ['scoreModel', [7, 'eps', { name: 'z' }]],
  ];
  for (const [field, values] of badFields) {
    for (const v of values) {
      add({
        name: `config ${field} = ${JSON.stringify(v) ?? 'undefined'}`,
        args: async ({ dir }) => {
          // JSON.stringify writes 1e400 as null; spell it out so the file holds what the name says.
          const text = JSON.stringify({ ...tinyTrainConfig(), [field]: v === Infinity ? '__INF__' : v }).replace('"__INF__"', '1e400');
          await fs.writeFile(nodePath.join(dir, 'c.json'), text);
          return ['train', '--config', 'c.json', '--out', 'run', ...B];
        },
        expect: refuse(2, field),
        absent: ['run'],
      });
    }
  }
  for (const [name, text, mention] of [
    ['empty file', '', 'not valid JSON'],
    ['not JSON', '{steps: 3}', 'not valid JSON'],
    ['a JSON array', '[1, 2]', 'JSON object'],
    ['a JSON number', '7', 'JSON object'],
    ['an unknown field', JSON.stringify({ ...tinyTrainConfig(), stepz: 3 }), 'stepz'],
    ['nested 100 000 deep', `{"network":${'['.repeat(100000)}1${']'.repeat(100000)}}`, 'deeper than'],
    ['nested 1000 deep in an object', `{"sde":${'{"a":'.repeat(1000)}1${'}'.repeat(1000)}}`, 'deeper than'],
  ] as const) {
    add({
      name: `config ${name}`,
      args: async ({ dir }) => {
        await fs.writeFile(nodePath.join(dir, 'c.json'), text);
        return ['train', '--config', 'c.json', '--out', 'run', ...B];
      },
      expect: refuse(2, mention),
      absent: ['run'],
    });
  }
  add({ name: 'config file missing', args: () => ['train', '--config', 'nope.json', '--out', 'run', ...B], expect: refuse(2, 'nope.json', 'no such file'), absent: ['run'] });
  add({
    name: 'data shape against network dim',
    args: async ({ dir }) => {
      await fs.writeFile(nodePath.join(dir, 'c.json'), JSON.stringify(tinyTrainConfig({ network: { name: 'mlp', dim: 3, width: 8, depth: 2, embeddingDim: 8 } })));
      return ['train', '--config', 'c.json', '--out', 'run', ...B];
    },
    expect: refuse(2, 'shape [2]', '[3]'),
    absent: ['run'],
  });

  // --- image data for train: folder and IDX faults -------------------------------------------------------------------
  const folderCase = (name: string, files: Record<string, Buffer | 'link'>, mentions: string[], code: 1 | 2 = 2) =>
    add({
      name: `folder data: ${name}`,
      args: async ({ dir, fixtures }) => {
        const data = nodePath.join(dir, 'data');
        await fs.mkdir(data, { recursive: true });
        for (const [path, bytes] of Object.entries(files)) {
          await fs.mkdir(nodePath.dirname(nodePath.join(data, path)), { recursive: true });
          if (bytes === 'link') await fs.symlink(nodePath.join(fixtures.root, 'png', 'a.png'), nodePath.join(data, path));
          else await fs.writeFile(nodePath.join(data, path), bytes);
        }
        const config = tinyTrainConfig({ dataset: { name: 'folder', dir: data }, network: { name: 'unet', imageSize: 4, channels: 1, nf: 4, chMult: [1], attnResolutions: [] }, steps: 1, sampleCount: 1 });
        await fs.writeFile(nodePath.join(dir, 'c.json'), JSON.stringify(config));
        return ['train', '--config', 'c.json', '--out', 'run', ...B];
      },
      expect: refuse(code, ...mentions),
      absent: ['run'],
    });
  folderCase('PNGs and a subfolder', { 'a.png': png(4, 4, 1), 'cls/b.png': png(4, 4, 2) }, ['both PNG files', 'subfolders']);
  folderCase('no PNGs', { 'a.txt': Buffer.from('x') }, ['no .png files']);
  folderCase('a header claiming 60000×60000', { 'a.png': hugeHeader(60000, 60000) }, ['60000×60000', '4096×4096']);
  folderCase('a header claiming 5000×5000', { 'a.png': hugeHeader(5000, 5000) }, ['5000×5000']);
  folderCase('a corrupt PNG', { 'a.png': Buffer.from('\x89PNG\r\n\x1a\nrubbish') }, ['a.png', 'not a readable PNG']);
  folderCase('images of two sizes', { 'a.png': png(4, 4, 1), 'b.png': png(8, 8, 1) }, ['b.png', 'same size']);
  folderCase('8×8 images for a 4×4 network', { 'a.png': png(8, 8, 1) }, ['[8, 8, 1]', '[4, 4, 1]']);
  folderCase('an empty class folder', { 'cls/readme.txt': Buffer.from('x') }, ['no .png files']);
  add({
    name: 'folder data: symlinked PNGs are read',
    args: async ({ dir, fixtures }) => {
      const data = nodePath.join(dir, 'data');
      await fs.mkdir(data);
      await fs.symlink(nodePath.join(fixtures.root, 'png', 'a.png'), nodePath.join(data, 'a.png'));
      const config = tinyTrainConfig({ dataset: { name: 'folder', dir: data }, network: { name: 'unet', imageSize: 4, channels: 1, nf: 4, chMult: [1], attnResolutions: [] }, steps: 1, sampleCount: 1, sampler: { name: 'dpm-solver++', steps: 1 } });
      await fs.writeFile(nodePath.join(dir, 'c.json'), JSON.stringify(config));
      return ['train', '--config', 'c.json', '--out', 'run', ...B];
    },
    expect: { kind: 'succeed' },
  });
  for (const [name, bytes, mention] of [
    ['zero images', idx([0, 28, 28], []), 'holds no images'],
    ['zero rows', idx([3, 0, 28], []), 'holds no images'],
    ['wrong magic', Buffer.concat([Buffer.from([0, 0, 8, 1]), Buffer.alloc(12)]), 'magic number'],
    ['truncated', idx([2, 28, 28], new Array(100).fill(0)), 'truncated'],
    ['too short', Buffer.from([0, 0, 8]), 'too short'],
  ] as const) {
    add({
      name: `IDX: ${name}`,
      args: async ({ dir }) => {
        const data = nodePath.join(dir, 'fm');
        await fs.mkdir(data);
        await fs.writeFile(nodePath.join(data, 'train-images-idx3-ubyte'), bytes);
        await fs.writeFile(nodePath.join(data, 'train-labels-idx1-ubyte'), idx([0], []));
        const config = tinyTrainConfig({ dataset: { name: 'fashion-mnist', dir: data }, network: { name: 'unet', imageSize: 28, channels: 1, nf: 4, chMult: [1], attnResolutions: [] }, steps: 1 });
        await fs.writeFile(nodePath.join(dir, 'c.json'), JSON.stringify(config));
        return ['train', '--config', 'c.json', '--out', 'run', ...B];
      },
      expect: refuse(2, mention),
      absent: ['run'],
    });
  }

  // --- run folders: resume, overwrite, locks ------------------------------------------------------------------------
  const RUN_FILES = ['run/config.json', 'run/metrics.jsonl', 'run/checkpoints'];
  const withRun = (name: string, damage: (run: string, ctx: CaseContext) => Promise<void>, args: (ctx: CaseContext) => string[], expect: FaultCase['expect'], untouched = RUN_FILES) =>
    add({
      name,
      args: async (ctx) => {
        const run = nodePath.join(ctx.dir, 'run');
        await fs.cp(ctx.fixtures.run, run, { recursive: true });
        await damage(run, ctx);
        return args(ctx);
      },
      expect,
      untouched,
    });
  const resume = (...extra: string[]) => () => ['train', '--resume', '--out', 'run', ...extra, ...B];
  withRun('train over an existing run', async () => {}, ({ fixtures }) => ['train', '--config', fixtures.tinyConfig, '--out', 'run', ...B], refuse(2, 'already holds a training run', '--resume'));
  withRun('train over a run killed before its first checkpoint', async (run) => {
    await fs.rm(nodePath.join(run, 'checkpoints'), { recursive: true });
  }, ({ fixtures }) => ['train', '--config', fixtures.tinyConfig, '--out', 'run', ...B], refuse(2, 'no checkpoint', 'Delete the folder'), ['run/config.json', 'run/metrics.jsonl']);
  withRun('resume from a checkpoint of another width', async (run, { fixtures }) => {
    await fs.cp(nodePath.join(fixtures.wideRun, 'checkpoints', 'step-000000005'), nodePath.join(run, 'checkpoints', 'step-000000005'), { recursive: true });
    await fs.writeFile(nodePath.join(run, 'checkpoints', 'latest'), 'step-000000005\n');
  }, resume('--steps', '9'), refuse(2, 'does not belong to this run', 'network.width'));
  withRun('resume from a renamed checkpoint', async (run) => {
    await fs.rename(nodePath.join(run, 'checkpoints', 'step-000000002'), nodePath.join(run, 'checkpoints', 'step-000000009'));
    await fs.writeFile(nodePath.join(run, 'checkpoints', 'latest'), 'step-000000009\n');
  }, resume('--steps', '12'), refuse(2, 'step-000000009', 'holds step 2'));
  withRun('resume with an edited config.json (seed)', async (run) => {
    const c = JSON.parse(await fs.readFile(nodePath.join(run, 'config.json'), 'utf8')) as TrainConfig;
    await fs.writeFile(nodePath.join(run, 'config.json'), JSON.stringify({ ...c, seed: 8 }));
  }, resume('--steps', '4'), refuse(2, 'seed: 7 in the checkpoint, 8 in config.json'));
  withRun('resume with an edited config.json (lr)', async (run) => {
    const c = JSON.parse(await fs.readFile(nodePath.join(run, 'config.json'), 'utf8')) as TrainConfig;
    await fs.writeFile(nodePath.join(run, 'config.json'), JSON.stringify({ ...c, lr: 0.5 }));
  }, resume('--steps', '4'), refuse(2, 'lr: 0.01 in the checkpoint, 0.5 in config.json'));
  withRun('resume with a corrupt checkpoint.json', async (run) => {
    await fs.writeFile(nodePath.join(run, 'checkpoints', 'step-000000002', 'checkpoint.json'), '{');
  }, resume('--steps', '4'), refuse(2, 'checkpoint.json'));
  withRun('resume with truncated weights', async (run) => {
    const w = nodePath.join(run, 'checkpoints', 'step-000000002', 'weights.safetensors');
    const bytes = await fs.readFile(w);
    await fs.writeFile(w, bytes.subarray(0, bytes.length - 7));
  }, resume('--steps', '4'), refuse(2, 'weights.safetensors'));
  withRun('resume with latest naming nothing', async (run) => {
    await fs.writeFile(nodePath.join(run, 'checkpoints', 'latest'), 'step-000000777\n');
  }, resume('--steps', '4'), refuse(2, 'step-000000777'));
  withRun('resume with a missing config.json', async (run) => {
    await fs.rm(nodePath.join(run, 'config.json'));
  }, resume('--steps', '4'), refuse(2, 'config.json'), ['run/metrics.jsonl', 'run/checkpoints']);
  withRun('resume while another process holds the lock', async (run) => {
    await fs.writeFile(nodePath.join(run, '.lock'), `${process.pid}\n`);
  }, resume('--steps', '4'), refuse(1, 'in use by another scorekit process', `pid ${process.pid}`));
  withRun('resume after a crash left a stale lock', async (run) => {
    await fs.writeFile(nodePath.join(run, '.lock'), '999999999\n');
  }, resume('--steps', '3'), { kind: 'succeed' }, []);
  withRun('resume after a crash left checkpoints/.tmp-*', async (run) => {
    await fs.mkdir(nodePath.join(run, 'checkpoints', '.tmp-step-000000003-1-x'));
  }, resume('--steps', '3'), { kind: 'succeed' }, []);
  add({ name: 'resume a folder that does not exist', args: () => ['train', '--resume', '--out', 'nowhere', ...B], expect: refuse(2, 'nowhere'), absent: ['nowhere'] });
  const resumeFlags: [string, string][] = [
    ['--lr', '0.1'], ['--seed', '3'], ['--batch-size', '8'], ['--warmup', '0'], ['--grad-clip', 'none'], ['--ema', '0.5'], ['--log-every', '2'],
    ['--sample-every', '1'], ['--checkpoint-every', '2'], ['--sample-count', '2'], ['--dataset', 'swiss-roll'], ['--sde', 've'],
    ['--objective', 'dsm'], ['--sampler', 'ode'], ['--preset', '2d'], ['--config', 'c.json'],
  ];
  for (const [flag, v] of resumeFlags) {
    withRun(`resume ${flag} ${v} (would be ignored)`, async () => {}, resume(flag, v, '--steps', '4'), refuse(2, flag, 'would be ignored'));
  }
  for (const v of NOT_COUNTS) {
    withRun(`resume --steps '${v}'`, async () => {}, resume('--steps', v), refuse(2, '--steps'));
  }
  add({
    name: 'train-classifier over an existing classifier',
    args: async ({ dir }) => {
      await fs.mkdir(nodePath.join(dir, 'clf'));
      await fs.writeFile(nodePath.join(dir, 'clf', 'weights.safetensors'), 'trained');
      return ['train-classifier', '--dataset', 'mnist', '--out', 'clf', ...B];
    },
    expect: refuse(2, 'already holds a trained model'),
    untouched: ['clf'],
  });
  for (const [flag, values] of [['--steps', NOT_COUNTS], ['--batch-size', NOT_COUNTS], ['--seed', ['-1', '1.5', 'abc', '4294967296']], ['--lr', ['0', '-1', 'abc']], ['--kind', ['vit']], ['--dataset', ['cifar']]] as const) {
    for (const v of values) {
      add({ name: `train-classifier ${flag} '${v}'`, args: () => ['train-classifier', '--dataset', 'mnist', '--out', 'clf', flag, v, ...B], expect: refuse(2, flag), absent: ['clf'] });
    }
  }

  // --- sample -------------------------------------------------------------------------------------------------------
  const sample = (...extra: string[]) => ({ fixtures }: CaseContext) => ['sample', '--score', `analytic:${fixtures.mixture}`, '--sampler', 'dpm-solver++', ...extra, ...B];
  for (const [flag, values] of [
    ['--n', [...NOT_COUNTS]],
    ['--seed', [...NOT_NUMBERS.filter((v) => v.trim() !== ''), '-1', '1.5', '4294967296', '4294967303', '1e3']],
    ['--steps', NOT_COUNTS],
  ] as const) {
    for (const v of values) {
      add({ name: `sample ${flag} '${v}'`, args: sample(flag, v, '--out', 's.npy'), expect: refuse(2, flag.slice(2)), absent: ['s.npy'] });
    }
  }
  for (const out of ['', '.npy', 's.txt', 's', 's.npy/']) {
    add({ name: `sample --out '${out}'`, args: sample('--steps', '2', '--out', out), expect: refuse(2, '--out'), absent: ['s.npy', 's'] });
  }
  add({ name: 'sample --out is a folder', args: async ({ dir, fixtures }) => {
    await fs.mkdir(nodePath.join(dir, 'd.npy'));
    return sample('--steps', '2', '--out', 'd.npy')({ dir, fixtures });
  }, expect: refuse(2, 'd.npy', 'folder') });
  add({ name: 'sample --out below a file', args: async ({ dir, fixtures }) => {
    await fs.writeFile(nodePath.join(dir, 'f'), 'keep');
    return sample('--steps', '2', '--out', 'f/s.npy')({ dir, fixtures });
  }, expect: refuse(2, 'not a folder'), untouched: ['f'] });
  add({ name: 'sample --n 1e12 (memory)', args: sample('--n', '1000000000000', '--out', 's.npy'), expect: refuse(2, 'lower --n'), absent: ['s.npy'] });
  add({ name: 'sample --n 1e10 (memory)', args: sample('--n', '10000000000', '--out', 's.npy'), expect: refuse(2, 'lower --n'), absent: ['s.npy'] });
  add({ name: 'sample --steps 1e12 (memory)', args: sample('--steps', '1000000000000', '--out', 's.npy'), expect: refuse(2, 'lower --steps'), absent: ['s.npy'] });
  for (const step of ['1e30', '1e20', '1e10']) {
    add({
      name: `sample: langevin diverging (step size ${step})`,
      args: ({ fixtures }) => ['sample', '--score', `analytic:${fixtures.mixture}`, '--sampler', 'langevin', '--step-size', step, '--steps', '5', '--n', '4', '--out', 's.npy', ...B],
      expect: refuse(1, 'diverged', 'not finite', 'nothing was written'),
      absent: ['s.npy'],
    });
  }
  add({ name: 'sample --seed 4294967295 (the largest seed)', args: sample('--steps', '2', '--n', '4', '--seed', '4294967295', '--out', 's.npy'), expect: { kind: 'succeed' } });
  for (const [name, text, mention] of [
    ['missing', null, 'no such file'],
    ['not JSON', '{', 'not valid JSON'],
    ['a negative weight', JSON.stringify({ weights: [-0.5, 1.5], means: [[0, 0], [1, 1]], stds: [1, 1] }), 'weights'],
    ['negative std', JSON.stringify({ weights: [1], means: [[0, 0]], stds: [-1] }), 'std'],
    ['NaN mean', '{"weights":[1],"means":[[0,"x"]],"stds":[1]}', 'means'],
    ['nested 100 000 deep', `{"weights":${'['.repeat(100000)}1${']'.repeat(100000)}}`, 'deeper than'],
  ] as const) {
    add({
      name: `sample: mixture file ${name}`,
      args: async ({ dir }) => {
        if (text != null) await fs.writeFile(nodePath.join(dir, 'm.json'), text);
        return ['sample', '--score', 'analytic:m.json', '--steps', '2', '--out', 's.npy', ...B];
      },
      expect: refuse(2, mention),
      absent: ['s.npy'],
    });
  }
  for (const [flag, v] of [['--sampler', 'dpm'], ['--sde', 'vpp'], ['--trajectory', 'every=0'], ['--trajectory', 'often'], ['--label', '3'], ['--option', 'noequals'], ['--score', 'exact:x.json'], ['--backend', 'gpu']]) {
    add({ name: `sample ${flag} '${v}'`, args: (ctx) => [...sample('--steps', '2', '--out', 's.npy')(ctx), flag!, v!], expect: refuse(2, flag === '--option' || flag === '--score' || flag === '--backend' ? v! : flag!.slice(2)), absent: ['s.npy'] });
  }

  // Guidance and inpainting flags (the fixture mixture has one component, so class 0 is its only class).
  for (const [name, extra, mentions] of [
    ['--guidance-scale without --classifier', ['--guidance-scale', '2'], ['--guidance-scale', '--classifier']],
    ['--guidance-scale -1', ['--classifier', 'analytic', '--class', '0', '--guidance-scale', '-1'], ['--guidance-scale', '≥ 0']],
    ['--guidance-scale NaN', ['--classifier', 'analytic', '--class', '0', '--guidance-scale', 'NaN'], ['--guidance-scale', '≥ 0']],
    ['--cfg-scale -0.5', ['--cfg-scale', '-0.5', '--class', '0'], ['--cfg-scale', '≥ 0']],
    ['--classifier without --class', ['--classifier', 'analytic'], ['--class']],
    ['--class 1 of one class', ['--classifier', 'analytic', '--class', '1'], ['--class', '0…0', '1 class']],
    ['--class -1', ['--classifier', 'analytic', '--class', '-1'], ['--class', 'cycle']],
    ['--classifier in a missing folder', ['--classifier', 'no-such-dir', '--class', '0'], ['--classifier', 'no-such-dir']],
    ['--classifier and --cfg-scale', ['--classifier', 'analytic', '--cfg-scale', '1', '--class', '0'], ['--classifier', '--cfg-scale']],
    ['--inpaint without --mask', ['--inpaint', 'k.npy'], ['--inpaint', '--mask']],
    ['--inpaint of a missing file', ['--inpaint', 'none.npy', '--mask', 'none.npy'], ['--inpaint', 'none.npy']],
    ['--mask of a text file', ['--inpaint', 'm.txt', '--mask', 'm.txt'], ['--inpaint', '.npy or .png']],
  ] as const) {
    add({ name: `sample ${name}`, args: sample('--steps', '2', '--out', 's.npy', ...extra), expect: refuse(2, ...mentions), absent: ['s.npy'] });
  }
  const interpolate = (...extra: string[]) => ({ fixtures }: CaseContext) => ['interpolate', '--score', `analytic:${fixtures.mixture}`, ...extra, ...B];
  for (const [name, extra, mentions] of [
    ['no ends', ['--out', 'i.npy'], ['--from', '--seeds']],
    ['--from without --to', ['--from', '0,0', '--out', 'i.npy'], ['--from', '--to']],
    ['--from of 3 numbers', ['--from', '0,0,0', '--to', '1,1', '--out', 'i.npy'], ['--from', '[3]', '[2]']],
    ['--seeds 1', ['--seeds', '1', '--out', 'i.npy'], ['--seeds']],
    ['--seeds -1,2', ['--seeds', '-1,2', '--out', 'i.npy'], ['--seeds']],
    ['--count 1', ['--seeds', '1,2', '--count', '1', '--out', 'i.npy'], ['--count']],
    ['--rtol 0', ['--seeds', '1,2', '--rtol', '0', '--out', 'i.npy'], ['--rtol']],
    ['--out s.txt', ['--seeds', '1,2', '--out', 'i.txt'], ['--out']],
  ] as const) {
    add({ name: `interpolate ${name}`, args: interpolate(...extra), expect: refuse(2, ...mentions), absent: ['i.npy'] });
  }

  // --- likelihood ---------------------------------------------------------------------------------------------------
  const npyCase = (name: string, write: (path: string) => Promise<void>, mentions: string[]) =>
    add({
      name: `likelihood --data: ${name}`,
      args: async ({ dir, fixtures }) => {
        await write(nodePath.join(dir, 'x.npy'));
        return ['likelihood', '--score', `analytic:${fixtures.mixture}`, '--data', 'x.npy', '--out', 'lp.npy', ...B];
      },
      expect: refuse(2, ...mentions),
      absent: ['lp.npy'],
    });
  npyCase('NaN in a sample', (p) => saveNpy(p, new Float32Array([0, 0, Number.NaN, 1]), [2, 2]), ['sample 1 holds NaN', 'must be finite']);
  npyCase('Infinity in a sample', (p) => saveNpy(p, new Float32Array([0, 0, 1, Number.POSITIVE_INFINITY]), [2, 2]), ['sample 1 holds Infinity']);
  npyCase('wrong point shape', (p) => saveNpy(p, new Float32Array(6), [2, 3]), ['[2, 3]', '[n, 2]']);
  npyCase('rank 1', (p) => saveNpy(p, new Float32Array(4), [4]), ['[4]', '[n, 2]']);
  npyCase('zero samples', (p) => saveNpy(p, new Float32Array(0), [0, 2]), ['[0, 2]']);
  npyCase('missing', async () => {}, ['no such file']);
  npyCase('not an npy', (p) => fs.writeFile(p, 'hello'), ['x.npy']);
  npyCase('truncated', async (p) => {
    await saveNpy(p, new Float32Array(8), [4, 2]);
    const b = await fs.readFile(p);
    await fs.writeFile(p, b.subarray(0, b.length - 5));
  }, ['x.npy']);
  npyCase('header lies about the shape', async (p) => {
    await saveNpy(p, new Float32Array(8), [4, 2]);
    const b = await fs.readFile(p);
    await fs.writeFile(p, Buffer.from(b.toString('latin1').replace('(4, 2)', '(9, 2)'), 'latin1'));
  }, ['x.npy']);
  for (const [flag, values] of [['--seed', ['-1', '1.5', 'abc', '4294967296']], ['--rtol', ['0', '-1', 'abc']], ['--atol', ['0', '-1', 'abc']], ['--estimator', ['exakt']]] as const) {
    for (const v of values) {
      add({
        name: `likelihood ${flag} '${v}'`,
        args: async ({ dir, fixtures }) => {
          await saveNpy(nodePath.join(dir, 'x.npy'), new Float32Array([0, 0, 1, 1]), [2, 2]);
          return ['likelihood', '--score', `analytic:${fixtures.mixture}`, '--data', 'x.npy', flag, v, '--out', 'lp.npy', ...B];
        },
        expect: refuse(2, flag),
        absent: ['lp.npy'],
      });
    }
  }
  for (const out of ['', 'lp.txt', '.npy']) {
    add({
      name: `likelihood --out '${out}'`,
      args: async ({ dir, fixtures }) => {
        await saveNpy(nodePath.join(dir, 'x.npy'), new Float32Array([0, 0, 1, 1]), [2, 2]);
        return ['likelihood', '--score', `analytic:${fixtures.mixture}`, '--data', 'x.npy', '--out', out, ...B];
      },
      expect: refuse(2, '--out'),
    });
  }
  add({ name: 'likelihood with --data and --dataset', args: ({ fixtures }) => ['likelihood', '--score', `analytic:${fixtures.mixture}`, '--data', 'x.npy', '--dataset', 'mnist', ...B], expect: refuse(2, '--data', '--dataset') });
  add({ name: 'likelihood with neither --data nor --dataset', args: ({ fixtures }) => ['likelihood', '--score', `analytic:${fixtures.mixture}`, ...B], expect: refuse(2, '--data', '--dataset') });

  // --- eval ---------------------------------------------------------------------------------------------------------
  const evalCase = (name: string, args: (ctx: CaseContext) => Promise<string[]> | string[], mentions: string[], code: 1 | 2 = 2) =>
    add({ name: `eval ${name}`, args, expect: refuse(code, ...mentions), absent: ['r.json'] });
  evalCase('images in 0…255', async ({ dir }) => {
    await saveNpy(nodePath.join(dir, 'p.npy'), new Float32Array(2 * 4 * 4).map((_, i) => (i * 37) % 256), [2, 4, 4, 1]);
    return ['eval', '--metric', 'fid', '--real', 'p.npy', '--fake', 'p.npy', '--features', 'tfjs:m.json#x', ...B];
  }, ['[−1, 1]', 'p / 127.5 − 1']);
  evalCase('images in 0…1 scaled by 10', async ({ dir }) => {
    await saveNpy(nodePath.join(dir, 'p.npy'), new Float32Array(2 * 4 * 4).fill(-10), [2, 4, 4]);
    return ['eval', '--metric', 'is', '--fake', 'p.npy', '--features', 'classifier:clf', ...B];
  }, ['[−1, 1]', '-10']);
  evalCase('NaN features', async ({ dir }) => {
    await saveNpy(nodePath.join(dir, 'f.npy'), new Float32Array([1, 2, Number.NaN, 4, 5, 6]), [3, 2]);
    return ['eval', '--metric', 'fid', '--real', 'f.npy', '--fake', 'f.npy', ...B];
  }, ['NaN']);
  evalCase('feature widths that differ', async ({ dir, fixtures }) => {
    await saveNpy(nodePath.join(dir, 'f3.npy'), new Float32Array(30), [10, 3]);
    return ['eval', '--metric', 'fid', '--real', fixtures.features, '--fake', 'f3.npy', ...B];
  }, ['features']);
  for (const [flag, values] of [['--k', ['0', '-1', 'abc']], ['--subsets', ['0', 'abc']], ['--subset-size', ['1', 'abc']], ['--splits', ['0', 'abc']], ['--seed', ['-1', '1.5', '4294967296']], ['--count', ['0', 'abc']], ['--batch-size', ['0', 'abc']]] as const) {
    for (const v of values) {
      const metric = flag === '--k' ? 'pr' : flag.startsWith('--subset') || flag === '--seed' ? 'kid' : flag === '--splits' ? 'is' : 'fid';
      evalCase(`--metric ${metric} ${flag} '${v}'`, ({ fixtures }) => ['eval', '--metric', metric, '--real', fixtures.features, '--fake', fixtures.features, flag, v, '--out', 'r.json', ...B], [flag]);
    }
  }
  evalCase('--metric fidd', ({ fixtures }) => ['eval', '--metric', 'fidd', '--real', fixtures.features, '--fake', fixtures.features, ...B], ['fidd']);
  evalCase('--real missing', ({ fixtures }) => ['eval', '--metric', 'fid', '--real', 'nope.npy', '--fake', fixtures.features, ...B], ['nope.npy', 'no such file']);
  evalCase('--real dataset:cifar', ({ fixtures }) => ['eval', '--metric', 'fid', '--real', 'dataset:cifar', '--fake', fixtures.features, ...B], ['cifar']);
  evalCase('--out below a file', async ({ dir, fixtures }) => {
    await fs.writeFile(nodePath.join(dir, 'f'), 'keep');
    return ['eval', '--metric', 'fid', '--real', fixtures.features, '--fake', fixtures.features, '--out', 'f/r.json', ...B];
  }, ['not a folder']);
  evalCase('--features unknown', ({ fixtures }) => ['eval', '--metric', 'fid', '--real', fixtures.images, '--fake', fixtures.images, '--features', 'inception', ...B], ['inception']);

  // --- signals (child processes; full campaign only) ----------------------------------------------------------------
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    add({ name: `train receives ${signal}`, args: () => [], expect: { kind: 'succeed' }, signal });
  }
  return cases;
}

/** The quick subset CI runs: every `stride`-th case, no child processes. */
export function quickCases(stride = 9): FaultCase[] {
  return faultCases().filter((c, i) => c.signal == null && i % stride === 0);
}

/** Writes the shared fixtures (a mixture, a tiny config, two trained tiny runs, images, features) under `root`. */
export async function writeFixtures(root: string): Promise<Fixtures> {
  const mixture = nodePath.join(root, 'mixture.json');
  await fs.writeFile(mixture, JSON.stringify({ weights: [1], means: [[0, 0]], stds: [1] }));
  const tinyConfig = nodePath.join(root, 'tiny.json');
  await fs.writeFile(tinyConfig, JSON.stringify(tinyTrainConfig()));
  const run = nodePath.join(root, 'run');
  const wideRun = nodePath.join(root, 'wide-run');
  const wide = nodePath.join(root, 'wide.json');
  await fs.writeFile(wide, JSON.stringify(tinyTrainConfig({ steps: 5, network: { name: 'mlp', dim: 2, width: 24, depth: 2, embeddingDim: 8 } })));
  for (const [config, out] of [[tinyConfig, run], [wide, wideRun]] as const) {
    const r = await captured(() => runCli(['node', 'scorekit', 'train', '--config', config, '--out', out, ...B]));
    if (r.code !== 0) throw new Error(`fixture run failed: ${r.stderr}`);
  }
  await fs.mkdir(nodePath.join(root, 'png'));
  await fs.writeFile(nodePath.join(root, 'png', 'a.png'), png(4, 4, 128));
  const images = nodePath.join(root, 'images.npy');
  await saveNpy(images, new Float32Array(4 * 4 * 4).map((_, i) => Math.sin(i)), [4, 4, 4, 1]);
  const features = nodePath.join(root, 'features.npy');
  await saveNpy(features, new Float32Array(40).map((_, i) => Math.cos(i * 1.3)), [20, 2]);
  return { root, mixture, tinyConfig, run, wideRun, images, features };
}

/** Runs one case in its own folder (as the current directory) and classifies the result. */
export async function runCase(c: FaultCase, fixtures: Fixtures, scratch: string): Promise<CaseResult> {
  const dir = await fs.mkdtemp(nodePath.join(scratch, 'case-'));
  const ctx = { dir, fixtures };
  const cwd = process.cwd();
  try {
    process.chdir(dir);
    if (c.signal != null) return await signalCase(c, ctx);
    const args = await c.args(ctx);
    const before = await snapshots(dir, c.untouched ?? []);
    const r = await captured(() => runCli(['node', 'scorekit', ...args]));
    const after = await snapshots(dir, c.untouched ?? []);
    const changed = Object.keys(before).filter((k) => before[k] !== after[k]);
    if (changed.length > 0) return { name: c.name, verdict: 'data lost', why: `changed: ${changed.slice(0, 3).join(', ')}` };
    const created = [];
    for (const p of c.absent ?? []) if (await exists(nodePath.join(dir, p))) created.push(p);
    if (c.expect.kind === 'succeed') {
      return r.code === 0 ? { name: c.name, verdict: 'ok', why: '' } : { name: c.name, verdict: 'unclear', why: `valid input refused (exit ${r.code}): ${firstLine(r.stderr)}` };
    }
    if (r.code === 0) return { name: c.name, verdict: 'silently wrong', why: `exit 0: ${firstLine(r.stdout || r.stderr)}` };
    if (created.length > 0) return { name: c.name, verdict: 'silently wrong', why: `refused but created ${created.join(', ')}` };
    if (/\n\s+at .+:\d+:\d+\)?/.test(r.stderr)) return { name: c.name, verdict: 'unclear', why: 'stack trace' };
    if (r.code !== c.expect.code) return { name: c.name, verdict: 'unclear', why: `exit ${r.code}, expected ${c.expect.code}: ${firstLine(r.stderr)}` };
    const missing = c.expect.mentions.filter((m) => !r.stderr.includes(m));
    if (missing.length > 0) return { name: c.name, verdict: 'unclear', why: `message lacks ${missing.map((m) => `'${m}'`).join(', ')}: ${firstLine(r.stderr)}` };
    return { name: c.name, verdict: 'ok', why: '' };
  } catch (e) {
    return { name: c.name, verdict: 'unclear', why: `the campaign itself failed: ${(e as Error).message}` };
  } finally {
    process.chdir(cwd);
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** Runs cases in order and tallies the verdicts. */
export async function runCampaign(cases: readonly FaultCase[], onResult?: (r: CaseResult) => void): Promise<{ results: CaseResult[]; counts: Record<Verdict, number> }> {
  const scratch = await fs.mkdtemp(nodePath.join(os.tmpdir(), 'scorekit-faults-'));
  try {
    const fixtures = await writeFixtures(await fs.mkdtemp(nodePath.join(scratch, 'fixtures-')));
    const results: CaseResult[] = [];
    for (const c of cases) {
      const r = await runCase(c, fixtures, scratch);
      results.push(r);
      onResult?.(r);
    }
    const counts: Record<Verdict, number> = { ok: 0, 'data lost': 0, 'silently wrong': 0, unclear: 0 };
    for (const r of results) counts[r.verdict]++;
    return { results, counts };
  } finally {
    await fs.rm(scratch, { recursive: true, force: true });
  }
}

// A real child process trains, receives the signal after a few steps, and must leave a checkpoint at the step
// its summary names: anything less is data lost.
async function signalCase(c: FaultCase, ctx: CaseContext): Promise<CaseResult> {
  const appDir = fileURLToPath(new URL('..', import.meta.url));
  const config = nodePath.join(ctx.dir, 'long.json');
  await fs.writeFile(config, JSON.stringify(tinyTrainConfig({ steps: 1_000_000, checkpointEvery: 0 })));
  const run = nodePath.join(ctx.dir, 'run');
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', nodePath.join(appDir, 'src', 'cli.ts'), 'train', '--config', config, '--out', run, ...B], {
    cwd: appDir,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  for (let i = 0; i < 1200; i++) {
    const text = await fs.readFile(nodePath.join(run, 'metrics.jsonl'), 'utf8').catch(() => '');
    if (text.split('\n').length > 3) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill(c.signal);
  const code = await exited;
  const summary = await fs.readFile(nodePath.join(run, 'summary.json'), 'utf8').then((t) => JSON.parse(t) as { status: string; step: number }).catch(() => null);
  const latest = await fs.readFile(nodePath.join(run, 'checkpoints', 'latest'), 'utf8').catch(() => '');
  if (summary == null || latest.trim() !== `step-${String(summary.step).padStart(9, '0')}`) {
    return { name: c.name, verdict: 'data lost', why: `exit ${code}; summary ${summary == null ? 'missing' : summary.status}; latest '${latest.trim()}'` };
  }
  const expected = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 }[c.signal as 'SIGINT'];
  return code === expected ? { name: c.name, verdict: 'ok', why: '' } : { name: c.name, verdict: 'unclear', why: `exit ${code}, expected ${expected}: ${firstLine(stderr)}` };
}

/** Runs `f` with stdout and stderr captured. */
async function captured(f: () => Promise<number>): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string | Uint8Array) => ((stdout += String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => ((stderr += String(chunk)), true)) as typeof process.stderr.write;
  try {
    const code = await f();
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

async function snapshots(dir: string, paths: readonly string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const p of paths) {
    const full = nodePath.join(dir, p);
    const stat = await fs.stat(full).catch(() => null);
    if (stat == null) continue;
    const files = stat.isDirectory() ? (await fs.readdir(full, { recursive: true })).map((f) => nodePath.join(p, String(f))) : [p];
    for (const f of files) {
      const s = await fs.stat(nodePath.join(dir, f));
      if (s.isFile()) out[f] = (await fs.readFile(nodePath.join(dir, f))).toString('base64');
    }
    out[`${p}/`] = files.sort().join(',');
  }
  return out;
}

async function exists(path: string): Promise<boolean> {
  return fs.stat(path).then(() => true, () => false);
}

function firstLine(text: string): string {
  return text.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('scorekit backend')).slice(0, 2).join(' | ').slice(0, 240);
}

function png(w: number, h: number, value: number): Buffer {
  const p = new PNG({ width: w, height: h });
  p.data.fill(value);
  return PNG.sync.write(p);
}

// A valid 1×1 PNG whose header then claims w×h (the CRC no longer matches: a decoder would fail only after
// allocating for the claimed size, or on the CRC).
function hugeHeader(w: number, h: number): Buffer {
  const b = png(1, 1, 0);
  b.writeUInt32BE(w, 16);
  b.writeUInt32BE(h, 20);
  return b;
}

function idx(dims: number[], data: number[]): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(0x800 + dims.length, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, Buffer.from(data)]);
}
