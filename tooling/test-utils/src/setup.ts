// Vitest setup file (see @scorekit/vitest-config): start every test file on an initialised backend. Importing
// @scorekit/core registers the wasm backend, whose asynchronous start-up would otherwise make the first
// synchronous tensor op fail; suites that need another backend switch with `describeOnBackends`.
// Every test starts with what the `@tensorflow/tfjs` union package used to give on import, whether or not it
// imports @scorekit/core (which registers the same): the cpu backend, tfjs-core's gradients and chained ops
// (the bundle @scorekit/core generates at install and build; see its scripts/bundle-tfjs-gradients.mjs).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '../../../packages/core/generated/tfjsCoreGradients.node.js';

await tf.setBackend(process.env.SCOREKIT_TEST_BACKEND ?? 'cpu');
await tf.ready();
