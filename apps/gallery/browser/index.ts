// The gallery's in-browser sampling, on scorekit's own libraries: this entry is bundled with esbuild at build time
// (scripts/bundle-browser.mjs → dist/browser/) and imported by public/page-sample.js. Everything numeric lives
// here; the page only builds the form and draws.
export { SAMPLER_NAMES, samplerOptionSpec } from '@scorekit/samplers';
export type { SamplerOptionInfo } from '@scorekit/samplers';
export { BACKEND_NAMES } from '@scorekit/core';
export { startBackend, WASM_PATH } from './startBackend.js';
export { loadRunModel } from './loadRunModel.js';
export type { CheckpointManifestJson, RunConfigJson, RunModel, ReadBytes } from './loadRunModel.js';
export { drawSamples } from './drawSamples.js';
export type { DrawRequest, DrawResult } from './drawSamples.js';
export { scoreField } from './scoreField.js';
export type { FieldArrow } from './scoreField.js';
export { interpolatePoints } from './interpolatePoints.js';
export { liveTensors } from './liveTensors.js';
export { guidanceAvailability, CLASSIFIER_FOLDER } from './guidanceAvailability.js';
export type { GuidanceAvailability, Offer, RunClassifierInfo } from './guidanceAvailability.js';
export { guidanceProblems } from './guidanceProblems.js';
export type { GuidanceChoice } from './guidanceProblems.js';
export { guidedDenoiser } from './guidedDenoiser.js';
export type { Guidance } from './guidedDenoiser.js';
export { loadRunClassifier } from './loadRunClassifier.js';
