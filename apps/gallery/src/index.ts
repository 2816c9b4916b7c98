// The gallery's server API; the pages themselves are plain ES modules in public/.
export { startGalleryServer } from './startGalleryServer.js';
export type { GalleryServer, GalleryServerOptions } from './startGalleryServer.js';
export { listRuns } from './listRuns.js';
export { readRun } from './readRun.js';
export type { RunDetail, SampleSet, TrajectoryEntry, NfeQualityPoint } from './readRun.js';
export { RUN_CLASSIFIER_FOLDER, readRunClassifier } from './runClassifier.js';
export type { RunClassifier } from './runClassifier.js';
export type { RunSummary, MalformedRun, MetricsPoint } from './runSummary.js';
export { resolveInsideRoot } from './resolveInsideRoot.js';
export { wilsonInterval, Z_95 } from './wilsonInterval.js';
export type { ProportionInterval } from './wilsonInterval.js';
export { winRates } from './winRates.js';
export type { WinRate } from './winRates.js';
export { VOTES_FILE, parseVoteBody, readVotes, appendVote } from './votes.js';
export type { VoteRecord, SourceId } from './votes.js';
export { ASPECTS, CHOICES } from './aspects.js';
export type { Aspect, Choice } from './aspects.js';
export { readNpyFloat32 } from './readNpyFloat32.js';
