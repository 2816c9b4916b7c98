import { promises as fs } from 'node:fs';
import nodePath from 'node:path';
import { Rng, issueLine, withVariantName, type JsonValue, type Resolution, type RngState } from '@scorekit/core';
import type { EmaState } from '../ExponentialMovingAverage.js';
import { CHECKPOINT_FORMAT, CHECKPOINT_VERSION, FILES, checkpointDirName, type CheckpointManifest } from './checkpointFormat.js';

/** Which checkpoint to read: the one `latest` points at (default) or a given step. */
export interface ReadCheckpointOptions {
  readonly step?: number | 'latest';
}

/** The JSON part of a checkpoint. */
export interface CheckpointInfo {
  /** The checkpoint's folder. */
  readonly path: string;
  readonly step: number;
  /** The run config given to saveCheckpoint (null if none). */
  readonly config: JsonValue;
  /** The network's resolved config: `createNetwork(info.networkConfig)` rebuilds the architecture. */
  readonly networkConfig: { readonly name: string };
  /** Saved RNG states by name. */
  readonly rngStates: Readonly<Record<string, RngState>>;
  readonly ema: EmaState | null;
  readonly hasOptimizer: boolean;
  readonly extra: { readonly [key: string]: JsonValue };
  /** Fresh generators restored from {@link CheckpointInfo.rngStates}. */
  rngs(): Record<string, Rng>;
}

/** Thrown when a checkpoint is missing or malformed; the message names the file and how to fix it. */
export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(`Cannot read checkpoint ${path}: ${problem}`);
  }
}

/**
 * Resolves a checkpoint folder: `root` itself if it is one (holds checkpoint.json), else `<root>/latest`'s target
 * or `<root>/step-<step>`.
 */
export async function resolveCheckpointDir(root: string, options: ReadCheckpointOptions = {}): Promise<string> {
  const dir = nodePath.resolve(root);
  const step = options.step ?? 'latest';
  const isCheckpoint = await fs.stat(nodePath.join(dir, FILES.manifest)).then(
    (s) => s.isFile(),
    () => false,
  );
  if (isCheckpoint && step === 'latest') return dir;
  if (step !== 'latest') {
    if (!Number.isInteger(step) || step < 0) throw new CheckpointError(dir, `step must be an integer ≥ 0 or 'latest', got ${step}`);
    return nodePath.join(dir, checkpointDirName(step));
  }
  const latest = nodePath.join(dir, FILES.latest);
  const name = await fs.readFile(latest, 'utf8').then(
    (s) => s.trim(),
    () => null,
  );
  if (name == null) {
    throw new CheckpointError(latest, 'no such file — there is no checkpoint here yet (saveCheckpoint writes it), or pass the folder of one checkpoint');
  }
  if (!/^step-\d+$/.test(name)) throw new CheckpointError(latest, `it should name a folder step-<number>, found '${name.slice(0, 80)}'`);
  return nodePath.join(dir, name);
}

/**
 * Reads a checkpoint's JSON part (config, step, RNG states…) without touching tensors: enough to rebuild the
 * network and optimizer before {@link restoreCheckpoint}.
 *
 * @example
 * const info = await readCheckpoint('runs/mnist/checkpoints');       // the latest
 * const network = createNetwork(info.networkConfig);
 */
export async function readCheckpoint(root: string, options: ReadCheckpointOptions = {}): Promise<CheckpointInfo> {
  const dir = await resolveCheckpointDir(root, options);
  const file = nodePath.join(dir, FILES.manifest);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    throw new CheckpointError(file, 'no such file — the folder is not a scorekit checkpoint (or was deleted)');
  }
  let m: CheckpointManifest;
  try {
    m = JSON.parse(text) as CheckpointManifest;
  } catch (e) {
    throw new CheckpointError(file, `it is not valid JSON (${(e as Error).message})`);
  }
  const problems: string[] = [];
  if (m?.format !== CHECKPOINT_FORMAT) problems.push(`format must be '${CHECKPOINT_FORMAT}', got ${JSON.stringify(m?.format)}`);
  if (m?.version !== CHECKPOINT_VERSION) problems.push(`version ${JSON.stringify(m?.version)} is not supported (this reader knows ${CHECKPOINT_VERSION})`);
  if (!Number.isInteger(m?.step) || m.step < 0) problems.push(`step must be an integer ≥ 0, got ${JSON.stringify(m?.step)}`);
  // Checkpoints written before `name` name the network (and an energy network's inner one) under `kind`; both are
  // read, `name` is given back, so that the config compares equal to the network rebuilt from it.
  const net = withInnerName(withVariantName(m?.network, ['kind']));
  const netName = net.ok ? (net.value as { name?: unknown } | null)?.name : undefined;
  if (!net.ok) problems.push(`network: ${net.issues.map(issueLine).join('; ')}`);
  else if (net.value == null || typeof net.value !== 'object' || typeof netName !== 'string') problems.push('network must be a network config with a name');
  const rngStates: Record<string, RngState> = {};
  for (const [k, words] of Object.entries(m?.rngs ?? {})) {
    try {
      Rng.fromState({ words: words as RngState['words'] });
      rngStates[k] = { words: [...words] as unknown as RngState['words'] };
    } catch (e) {
      problems.push(`rngs.${k}: ${(e as Error).message}`);
    }
  }
  if (problems.length > 0) throw new CheckpointError(file, problems.join('; '));
  return {
    path: dir,
    step: m.step,
    config: m.config ?? null,
    networkConfig: (net as { value: unknown }).value as { name: string },
    rngStates,
    ema: m.ema ?? null,
    hasOptimizer: m.optimizer != null,
    extra: m.extra ?? {},
    rngs: () => Object.fromEntries(Object.entries(rngStates).map(([k, s]) => [k, Rng.fromState(s)])),
  };
}

/** @internal The raw manifest (restoreCheckpoint needs the optimizer bookkeeping). */
export async function readManifest(dir: string): Promise<CheckpointManifest> {
  return JSON.parse(await fs.readFile(nodePath.join(dir, FILES.manifest), 'utf8')) as CheckpointManifest;
}

// An energy network's inner network config under `name` too (`kind` in checkpoints written before).
function withInnerName(r: Resolution<JsonValue | undefined>): Resolution<JsonValue | undefined> {
  if (!r.ok || r.value == null || typeof r.value !== 'object' || Array.isArray(r.value)) return r;
  const inner = (r.value as { network?: unknown }).network;
  if (inner == null || typeof inner !== 'object' || Array.isArray(inner)) return r;
  const named = withVariantName(inner as JsonValue, ['kind']);
  return named.ok ? { ok: true, value: { ...r.value, network: named.value } as JsonValue } : { ok: false, issues: named.issues.map((i) => ({ ...i, path: `network.${i.path}` })) };
}
