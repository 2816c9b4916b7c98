import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import type { TrainConfig } from '../src/config.js';
import type { MetricsLine } from '../src/runFolder.js';

/** A fresh temporary folder for one test. */
export async function tempDir(prefix = 'scorekit-trainer-'): Promise<string> {
  return fs.mkdtemp(nodePath.join(os.tmpdir(), prefix));
}

/** A tiny but complete training config: an MLP of width 16 on two moons, a few steps. */
export function tinyConfig(overrides: Partial<TrainConfig> = {}): TrainConfig {
  return {
    dataset: { name: 'two-moons' },
    network: { name: 'mlp', dim: 2, width: 16, depth: 2, embeddingDim: 8 },
    scoreModel: {},
    sde: { name: 'vp' },
    objective: { name: 'continuous-dsm' },
    conditional: false,
    steps: 8,
    batchSize: 32,
    lr: 1e-2,
    warmup: 4,
    gradClip: 1,
    emaDecay: 0.99,
    seed: 7,
    logEvery: 1,
    sampleEvery: 0,
    checkpointEvery: 0,
    keepCheckpoints: 2,
    sampler: { name: 'dpm-solver++', steps: 4 },
    sampleCount: 16,
    trajectoryEvery: 0,
    ...overrides,
  };
}

/** The lines of a run's metrics.jsonl. */
export async function readMetrics(runDir: string): Promise<MetricsLine[]> {
  const text = await fs.readFile(nodePath.join(runDir, 'metrics.jsonl'), 'utf8');
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as MetricsLine);
}

/** The problem lines of a refused command's stderr: "  - field: message". */
export function problemLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.startsWith('  - '));
}
