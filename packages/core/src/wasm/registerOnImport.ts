import { registerWasmKernels } from './registerWasmKernels.js';

// Registering at import means every package that selects a backend through scorekit gets the complete wasm backend,
// whichever way the backend is later chosen (selectBackend, or tf.setBackend directly). Kept in a file of its own,
// listed in package.json's sideEffects, so that bundles importing only maths (an Rng, an activation) drop it.
registerWasmKernels();
