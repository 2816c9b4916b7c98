// Node-only entry point (`@scorekit/models/node`): checkpoints on disk. The main entry (`@scorekit/models`) stays
// free of Node built-ins so that it bundles for browsers as it is.
export { saveCheckpoint } from './checkpoints/saveCheckpoint.js';
export type { CheckpointContents, SaveCheckpointOptions } from './checkpoints/saveCheckpoint.js';
export { readCheckpoint, CheckpointError } from './checkpoints/readCheckpoint.js';
export type { CheckpointInfo, ReadCheckpointOptions } from './checkpoints/readCheckpoint.js';
export { restoreCheckpoint } from './checkpoints/restoreCheckpoint.js';
export type { RestoreTargets } from './checkpoints/restoreCheckpoint.js';
export { listCheckpoints } from './checkpoints/checkpointFormat.js';
