import { scorekitVitestConfig } from '@scorekit/vitest-config';

export default scorekitVitestConfig();
