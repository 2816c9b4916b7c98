import * as tf from '@tensorflow/tfjs-core';
import { decodeTensors, Rng, variantNameOf } from '@scorekit/core';
import { createNetwork, createScoreModel, type Network, type ScoreModelConfig } from '@scorekit/models';
import { createSde, type Denoiser, type ScoreFn, type Sde } from '@scorekit/sde';

/** The parts of `checkpoint.json` the page needs (see @scorekit/models checkpointFormat.ts). */
export interface CheckpointManifestJson {
  readonly step: number;
  /** Its variant under `name`, or `kind` in checkpoints written before `name`. */
  readonly network: { readonly [key: string]: unknown };
  readonly config?: RunConfigJson | null;
  readonly ema?: unknown;
}

/** The parts of a run's `config.json` the page needs. */
export interface RunConfigJson {
  readonly network: { readonly [key: string]: unknown };
  readonly sde: { readonly name: string; readonly [key: string]: unknown };
  readonly scoreModel?: ScoreModelConfig;
  readonly conditional?: boolean;
  /** Probability of training on the null label (what classifier-free guidance needs); absent or 0: none. */
  readonly labelDropout?: number;
  readonly sampler?: { readonly name: string; readonly [key: string]: unknown };
}

/** A checkpoint loaded into TensorFlow.js in the page. */
export interface RunModel {
  readonly sde: Sde;
  readonly network: Network;
  /** Shape of one data point: [2] for 2D runs, [h, w, c] for images. */
  readonly pointShape: readonly number[];
  readonly images: boolean;
  /** Classes of a class-conditional run (0 otherwise). */
  readonly numClasses: number;
  /** The run's label dropout (config.json `labelDropout`, 0 when absent): above 0, classifier-free guidance works. */
  readonly labelDropout: number;
  /** Which weights were loaded. */
  readonly weights: 'ema' | 'raw';
  /**
   * The score model as a denoiser — what `scorekit sample` hands to `@scorekit/guidance` (class-conditional runs
   * take labels in the call options, label numClasses = no class).
   */
  readonly denoiser: Denoiser;
  /** The sampler-facing score, for fixed class labels (int32 [n]) on conditional runs. */
  scoreFn(labels?: tf.Tensor): ScoreFn;
  dispose(): void;
}

/** Reads a URL's bytes; the page passes `fetch`-based readers (the test can pass files). */
export type ReadBytes = (url: string) => Promise<Uint8Array>;

/**
 * Builds a run's model from its checkpoint as `scorekit sample --checkpoint` does in Node (apps/trainer
 * scoreSource.ts: createNetwork from the checkpoint's network config, createScoreModel with the run's SDE and
 * scoreModel config, the raw weights, then the EMA averages over the trainable ones unless `useEma` is false) —
 * reading the safetensors files with core's browser-safe `decodeTensors`. Names and shapes must match exactly;
 * every mismatch is reported at once.
 */
export async function loadRunModel(
  manifest: CheckpointManifestJson,
  runConfig: RunConfigJson,
  files: { readonly weights: string; readonly ema: string },
  read: ReadBytes,
  useEma = true,
): Promise<RunModel> {
  const config = manifest.config ?? runConfig;
  const sde = createSde(config.sde as never);
  const network = createNetwork(manifest.network as never, { rng: new Rng(0) });
  try {
    await assign(network, files.weights, read, 'all');
    const ema = useEma && manifest.ema != null;
    if (ema) await assign(network, files.ema, read, 'trainable');
    const model = createScoreModel(network, sde, config.scoreModel);
    const net = manifest.network as { dim?: number; imageSize?: number | readonly [number, number]; channels?: number; numClasses?: number };
    const images = variantNameOf(manifest.network, ['kind']) !== 'mlp';
    const size = net.imageSize ?? 0;
    const [h, w] = typeof size === 'number' ? [size, size] : size;
    return {
      sde,
      network,
      pointShape: images ? [h, w, net.channels ?? 1] : [net.dim ?? 2],
      images,
      numClasses: config.conditional ? (net.numClasses ?? 0) : 0,
      labelDropout: config.conditional ? Number(config.labelDropout ?? 0) : 0,
      weights: ema ? 'ema' : 'raw',
      denoiser: model,
      scoreFn: (labels) => model.scoreFn(labels != null ? { labels } : {}),
      dispose: () => network.dispose(),
    };
  } catch (e) {
    network.dispose();
    throw e;
  }
}

async function assign(network: Network, url: string, read: ReadBytes, which: 'all' | 'trainable'): Promise<void> {
  const { tensors } = decodeTensors(await read(url), { source: url });
  try {
    const problems: string[] = [];
    const targets = network.variables.filter((v) => which === 'all' || v.trainable);
    for (const v of targets) {
      const t = tensors[v.name];
      if (t == null) problems.push(`missing weight '${v.name}'`);
      else if (!tf.util.arraysEqual(t.shape, v.variable.shape)) problems.push(`weight '${v.name}' has shape [${t.shape}], expected [${v.variable.shape}]`);
    }
    const names = new Set(targets.map((v) => v.name));
    for (const name of Object.keys(tensors)) if (!names.has(name)) problems.push(`unexpected weight '${name}'`);
    if (problems.length > 0) throw new Error(`${url} does not fit the network: ${problems.join('; ')}`);
    for (const v of targets) v.variable.assign(tensors[v.name]!);
  } finally {
    tf.dispose(tensors);
  }
}
