// The Node side of the browser comparisons: a run's checkpoint sampled exactly as `scorekit sample --checkpoint`
// does (apps/trainer scoreSource.ts, conditioning.ts and commands/sample.ts: the model as a denoiser), with the Node-only checkpoint reader of
// @scorekit/models/node — none of the gallery's browser code. Guided draws compose @scorekit/guidance as the CLI's
// conditioning.ts does for `--cfg-scale w --class k` and `--classifier <dir> --guidance-scale w --class k`, the
// classifier read by @scorekit/guidance/node's loadNoisyClassifier.
import nodePath from 'node:path';
import { Rng } from '@scorekit/core';
import { createNetwork, createScoreModel, ExponentialMovingAverage } from '@scorekit/models';
import { readCheckpoint, restoreCheckpoint } from '@scorekit/models/node';
import { classifierFreeGuidance, classifierGuidance, withLabels } from '@scorekit/guidance';
import { loadNoisyClassifier } from '@scorekit/guidance/node';
import { createSampler } from '@scorekit/samplers';
import { createSde, type Denoiser } from '@scorekit/sde';

export interface NodeDraw {
  readonly sampler: string;
  readonly options: Record<string, unknown>;
  readonly n: number;
  readonly seed: number;
  readonly label?: number | 'cycle';
  /** `--cfg-scale w`, or `--classifier <dir> --guidance-scale w` (both with `label` as `--class`). */
  readonly guidance?: { readonly kind: 'classifier-free'; readonly scale: number } | { readonly kind: 'classifier'; readonly scale: number; readonly dir: string };
}

/** Samples `runDir`'s latest checkpoint (EMA weights) on the current backend; returns the values and shape. */
export async function sampleInNode(runDir: string, draw: NodeDraw): Promise<{ values: Float32Array; shape: number[] }> {
  const root = nodePath.join(runDir, 'checkpoints');
  const info = await readCheckpoint(root);
  const config = info.config as { sde: { name: string }; seed: number; scoreModel?: object; conditional?: boolean };
  const sde = createSde(config.sde as never);
  const network = createNetwork(info.networkConfig as never, { rng: new Rng(config.seed) });
  const ema = info.ema != null ? new ExponentialMovingAverage(network.variables, { decay: info.ema.decay }) : undefined;
  await restoreCheckpoint(root, { network, ...(ema ? { ema } : {}) });
  ema?.swapIn();
  const model = createScoreModel(network, sde, config.scoreModel);
  const net = info.networkConfig as { name: string; dim?: number; imageSize?: [number, number]; channels?: number; numClasses?: number };
  const images = net.name !== 'mlp';
  const pointShape = images ? [...net.imageSize!, net.channels ?? 1] : [net.dim!];
  const guidance = draw.guidance;
  const classifier = guidance?.kind === 'classifier' ? await loadNoisyClassifier(guidance.dir, { sde, dataShape: pointShape }) : undefined;
  const k = classifier?.numClasses ?? net.numClasses ?? 0;
  const labels = Array.from({ length: draw.n }, (_, i) => (draw.label === 'cycle' ? i % k : draw.label!));
  // conditioning.ts requestFor: guided, or the model with fixed labels (--class), or the model itself.
  let denoiser: Denoiser = model;
  if (classifier != null) denoiser = classifierGuidance(model, classifier, { scale: guidance!.scale, labels });
  else if (guidance != null) denoiser = classifierFreeGuidance(model, { scale: guidance.scale, labels });
  else if (draw.label != null) denoiser = withLabels(model, labels);
  try {
    const { samples } = await createSampler(draw.sampler, draw.options).run({
      denoiser,
      shape: [draw.n, ...pointShape],
      seed: draw.seed,
      ...(images ? { x0Threshold: { name: 'clip' as const } } : {}),
    });
    const values = (await samples.data()) as Float32Array;
    const shape = samples.shape;
    samples.dispose();
    return { values, shape };
  } finally {
    classifier?.dispose();
    ema?.dispose();
    network.dispose();
  }
}

