import { scorekitVitestConfig } from '@scorekit/vitest-config';

const config = scorekitVitestConfig();
// no tfjs here: the addon is tested on plain ArrayBuffers, without the shared tfjs setup file
config.test = { ...config.test, setupFiles: [] };
export default config;
