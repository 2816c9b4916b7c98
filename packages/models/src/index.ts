export type { Network, ApplyOptions, CheckpointedModule } from './Network.js';
export type { NamedVariable } from './NamedVariable.js';
// One error family for bad configs across the libraries: core's (re-exported so existing imports keep working).
export { ConfigError } from '@scorekit/core';
export type { ConfigIssue } from '@scorekit/core';
export { createNetwork, registerNetwork, networkKinds, networkRegistry, resolveNetworkConfig } from './createNetwork.js';
export type { NetworkConfig, NamedNetworkConfig, LegacyNetworkConfig, NetworkBuilder, CreateNetworkOptions } from './createNetwork.js';
export { createMlp, resolveMlpConfig } from './networks/MlpNetwork.js';
export type { MlpConfig, ResolvedMlpConfig, MlpNetwork, MlpActivation, EmbeddingKind } from './networks/MlpNetwork.js';
export { createUNet, resolveUNetConfig, UNET_PRESETS } from './networks/UNet.js';
export type { UNetConfig, ResolvedUNetConfig, UNetNetwork } from './networks/UNet.js';
export { createEnergyNetwork, resolveEnergyConfig } from './networks/EnergyNetwork.js';
export type { EnergyConfig, ResolvedEnergyConfig, EnergyNetwork, EnergyForm } from './networks/EnergyNetwork.js';
export { sinusoidalEmbedding } from './embeddings/sinusoidalEmbedding.js';
export { fourierEmbedding } from './embeddings/fourierEmbedding.js';
export { createScoreModel, resolveScoreModelConfig, NOISE_CONDITIONINGS } from './ScoreModel.js';
export { scoreModelRegistry } from './scoreModelRegistry.js';
export type { ScoreModelBinder } from './scoreModelRegistry.js';
export type { ScoreModel, ScoreModelConfig, ResolvedScoreModelConfig, NoiseConditioning, PredictOptions } from './ScoreModel.js';
// The parameterisations live in @scorekit/sde's one parameterisation module; re-exported for model configs.
export { PARAMETERISATIONS } from '@scorekit/sde';
export type { Parameterisation } from '@scorekit/sde';
export { ExponentialMovingAverage } from './ExponentialMovingAverage.js';
export type { EmaConfig, EmaState } from './ExponentialMovingAverage.js';
