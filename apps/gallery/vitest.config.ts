import { scorekitVitestConfig } from '@scorekit/vitest-config';

// The gallery's tests touch no tensors in Node: skip the shared setup that starts a tfjs backend. The global setup
// bundles the in-browser sampling that the server serves.
const config = scorekitVitestConfig();
export default { ...config, test: { ...config.test, setupFiles: [], globalSetup: ['test/globalSetup.ts'] } };
