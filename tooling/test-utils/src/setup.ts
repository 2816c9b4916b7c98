// Vitest setup file (see @scorekit/vitest-config): start every test file on an initialised backend. Importing
// @scorekit/core registers the wasm backend, whose asynchronous start-up would otherwise make the first
// synchronous tensor op fail; suites that need another backend switch with `describeOnBackends`.
import * as tf from '@tensorflow/tfjs';

await tf.setBackend(process.env.SCOREKIT_TEST_BACKEND ?? 'cpu');
await tf.ready();
