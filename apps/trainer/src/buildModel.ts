import type * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@scorekit/core';
import { createSde } from '@scorekit/sde';
import type { ScoreFn, Sde } from '@scorekit/sde';
import { createNetwork, createScoreModel } from '@scorekit/models';
import type { Network, ScoreModel } from '@scorekit/models';
import type { TrainConfig } from './config.js';

/** The parts of a model a config describes. */
export interface BuiltModel {
  readonly sde: Sde;
  readonly network: Network;
  readonly model: ScoreModel;
  /** The sampler-facing score s(x, t), optionally for fixed class labels. */
  scoreFn(labels?: tf.Tensor): ScoreFn;
}

/**
 * Builds the SDE, network and score model of a (validated) training config; the initial weights come from
 * `new Rng(seed)`, so two builds of one config start identical.
 *
 * @example
 * const { network, model, sde } = buildModel(config);
 */
export function buildModel(config: Pick<TrainConfig, 'network' | 'sde' | 'scoreModel' | 'seed'>): BuiltModel {
  const sde = createSde(config.sde as never);
  const network = createNetwork(config.network as never, { rng: new Rng(config.seed) });
  const model = createScoreModel(network, sde, config.scoreModel);
  return { sde, network, model, scoreFn: (labels) => model.scoreFn(labels != null ? { labels } : {}) };
}
