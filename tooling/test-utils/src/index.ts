export { describeOnBackends, TEST_BACKENDS } from './describeOnBackends.js';
export type { TestBackend } from './describeOnBackends.js';
export { expectClose, expectAllClose } from './expectClose.js';
export { expectNoTensorLeak } from './expectNoTensorLeak.js';
