import { defineRegistry, optionChecks, type OptionSpec, type Registry } from '@scorekit/core';
import { PARAMETERISATIONS, type Sde } from '@scorekit/sde';
import type { Network } from './Network.js';
import { NOISE_CONDITIONINGS, SCORE_MODEL_NAME_ALIASES, createScoreModel, type ScoreModel, type ScoreModelConfig } from './ScoreModel.js';

/** A score-model parameterisation configured by its options, waiting for its network and SDE. */
export type ScoreModelBinder = (network: Network, sde: Sde) => ScoreModel;

type ScoreModelOptions = Omit<ScoreModelConfig, 'name' | 'parameterisation'>;

// Every parameterisation takes the same options (a resolved config carries all of them, so it must round-trip);
// their defaults depend on the SDE and are filled in when the binder meets it.
const SPEC: OptionSpec<ScoreModelOptions> = {
  conditioning: optionChecks.oneOf(...NOISE_CONDITIONINGS),
  scaleBySigma: optionChecks.boolean,
  sigmaData: optionChecks.positive,
};

/**
 * The score models' output parameterisations (`score`, `eps`, `x0`, `v`, `edm`) as a registry of
 * `@scorekit/core`'s one shape: `names()`, the option `spec`, `resolve({ name, ...options })` returning every
 * problem with its path and the allowed values (what can be checked without the SDE: the SDE-dependent defaults
 * are filled in by {@link createScoreModel}), and `create`, which gives a binder taking the network and the SDE.
 * `name` names the parameterisation, as in every registry; `parameterisation`, the key run folders saved before
 * used, is read as a deprecated alias.
 *
 * @example
 * scoreModelRegistry.resolve({ name: 'eps', scaleBySigma: true, sigmaData: -1 }); // two issues
 * const model = scoreModelRegistry.create({ name: 'edm', sigmaData: 0.5 })(network, new VpSde());
 */
export const scoreModelRegistry: Registry<ScoreModelBinder> = defineRegistry<ScoreModelBinder>(
  'score model',
  PARAMETERISATIONS.map((name) => ({
    name,
    spec: SPEC,
    check: (o: ScoreModelOptions) =>
      o.scaleBySigma === true && name !== 'score'
        ? [{ path: 'scaleBySigma', problem: `applies to the 'score' parameterisation only, not '${name}'`, allowed: `false for '${name}'` }]
        : [],
    create: (o: ScoreModelOptions) => (network: Network, sde: Sde) => createScoreModel(network, sde, { name, ...o }),
  })),
  { aliases: SCORE_MODEL_NAME_ALIASES },
);
