export type { FeatureInput, FlatFeatures } from './FeatureInput.js';
export type { MatmulPrecision } from './MatmulPrecision.js';
export { MATMUL_PRECISIONS } from './MatmulPrecision.js';
export { featureStatistics } from './featureStatistics.js';
export type { FeatureStatistics, FeatureStatisticsOptions } from './featureStatistics.js';
export { frechetDistance } from './frechetDistance.js';
export type { FrechetDistanceOptions } from './frechetDistance.js';
export { fid } from './fid.js';
export { precisionRecall } from './precisionRecall.js';
export type { PrecisionRecall, PrecisionRecallOptions } from './precisionRecall.js';
export { prdc } from './prdc.js';
export type { Prdc, PrdcOptions } from './prdc.js';
export { kernelInceptionDistance } from './kernelInceptionDistance.js';
export type { KernelInceptionDistance, KernelInceptionDistanceOptions } from './kernelInceptionDistance.js';
export { inceptionScore } from './inceptionScore.js';
export type { InceptionScore, InceptionScoreOptions } from './inceptionScore.js';
export { clipScore } from './clipScore.js';
export type { ClipScoreOptions } from './clipScore.js';
export {
  FEATURE_STATISTICS_FORMAT,
  featureStatisticsToJson,
  parseFeatureStatistics,
} from './featureStatisticsFile.js';
export type { FeatureStatisticsFileError } from './featureStatisticsFile.js';
export type {
  FeatureExtractor,
  ExtractOptions,
  ExtractedFeatures,
  ImageSource,
} from './extractors/FeatureExtractor.js';
export { identityExtractor } from './extractors/identityExtractor.js';
export type { IdentityExtractorConfig } from './extractors/identityExtractor.js';
export { registerExtractor, createExtractor, extractorNames, extractorRegistry } from './extractors/extractorRegistry.js';
export { createClassifierNetwork, CLASSIFIER_LAYERS } from './extractors/classifierNetwork.js';
export type { ClassifierNetworkConfig } from './extractors/classifierNetwork.js';
export type { Classifier } from './extractors/Classifier.js';
export type { LayersNetwork, NetworkLayer } from './extractors/LayersNetwork.js';
export { trainClassifier } from './extractors/trainClassifier.js';
export type { TrainClassifierOptions } from './extractors/trainClassifier.js';
export { classifierExtractor } from './extractors/classifierExtractor.js';
export type {
  ClassifierOutput,
  ClassifierExtractorOptions,
  ClassifierExtractorConfig,
} from './extractors/classifierExtractor.js';
export type { DualEncoder } from './clip/DualEncoder.js';
export { captionWords, captionVocabulary, bagOfWords, UNKNOWN_WORD } from './clip/captionVocabulary.js';
export { createDualEncoder } from './clip/scorekitDualEncoder.js';
export type { DualEncoderConfig, ScorekitDualEncoder } from './clip/scorekitDualEncoder.js';
export { trainDualEncoder, zeroShotClassify, CAPTION_TEMPLATES } from './clip/trainDualEncoder.js';
export type { TrainDualEncoderOptions } from './clip/trainDualEncoder.js';
export { dualEncoderExtractor } from './clip/dualEncoderExtractor.js';
export { featureSums, mergeFeatureSums, statisticsFromSums } from './featureSums.js';
export type { FeatureSums, FeatureSumsOptions } from './featureSums.js';
export { inceptionScoreSums, mergeInceptionScoreSums, inceptionScoreFromSums } from './inceptionScoreSums.js';
export type { InceptionScoreSums } from './inceptionScoreSums.js';
export { clipScoreSums, mergeClipScoreSums, clipScoreFromSums } from './clipScoreSums.js';
export type { ClipScoreSums } from './clipScoreSums.js';
export { METRIC_SUMS_FORMAT, metricSumsToJson, parseMetricSums } from './metricSumsFile.js';
export type { MetricSums } from './metricSumsFile.js';
