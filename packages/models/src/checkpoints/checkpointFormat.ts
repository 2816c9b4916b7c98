import { promises as fs } from 'node:fs';
import nodePath from 'node:path';
import type { JsonValue } from '@scorekit/core';
import type { EmaState } from '../ExponentialMovingAverage.js';

export const CHECKPOINT_FORMAT = 'scorekit-checkpoint';
export const CHECKPOINT_VERSION = 1;

export const FILES = {
  manifest: 'checkpoint.json',
  weights: 'weights.safetensors',
  ema: 'ema.safetensors',
  optimizer: 'optimizer.safetensors',
  latest: 'latest',
} as const;

/** Bookkeeping for optimizer state beyond `getWeights()`. */
export interface OptimizerManifest {
  readonly className: string;
  readonly config: JsonValue;
  /** Stable parameter names, in the order the optimizer holds their slots. */
  readonly parameters: readonly string[];
  /** Slot suffixes per parameter (Adam: ['m', 'v']), in `getWeights()` order groups. */
  readonly slots: readonly string[];
  /** Adam's running β₁ᵗ and β₂ᵗ, restored exactly (tfjs's setWeights recomputes them with pow). */
  readonly accBeta?: readonly [number, number];
}

/** checkpoint.json. */
export interface CheckpointManifest {
  readonly format: typeof CHECKPOINT_FORMAT;
  readonly version: number;
  readonly step: number;
  readonly config: JsonValue;
  readonly network: JsonValue;
  readonly rngs: Readonly<Record<string, readonly number[]>>;
  readonly ema: EmaState | null;
  readonly optimizer: OptimizerManifest | null;
  readonly extra: { readonly [key: string]: JsonValue };
}

export function checkpointDirName(step: number): string {
  return `step-${String(step).padStart(9, '0')}`;
}

/**
 * The checkpoints under `root`, oldest first (temporary folders of interrupted saves are ignored).
 *
 * @example
 * const all = await listCheckpoints('runs/mnist/checkpoints'); // [{ step: 1000, path: '…/step-000001000' }, …]
 */
export async function listCheckpoints(root: string): Promise<{ step: number; path: string }[]> {
  const entries = await fs.readdir(root, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isDirectory() && /^step-\d+$/.test(e.name))
    .map((e) => ({ step: Number(e.name.slice(5)), path: nodePath.join(root, e.name) }))
    .sort((a, b) => a.step - b.step);
}
