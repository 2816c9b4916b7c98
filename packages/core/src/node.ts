// Node-only entry point (`@scorekit/core/node`): files on disk. Importing it registers the file:// model router.
// The main entry (`@scorekit/core`) stays free of Node built-ins so that it bundles for browsers as it is.
export { writeFileAtomic } from './io/writeFileAtomic.js';
export type { AtomicFileData } from './io/writeFileAtomic.js';
export { ensureDir } from './io/ensureDir.js';
export { fileSystem } from './io/fileSystem.js';
export { registerFileSystemRouter } from './io/registerFileSystemRouter.js';
export { saveTensors } from './io/saveTensors.js';
export type { TensorFileMetadata } from './io/saveTensors.js';
export { loadTensors } from './io/loadTensors.js';
export type { LoadedTensors, LoadTensorsOptions } from './io/loadTensors.js';
export { TensorFileError } from './io/TensorFileError.js';
export { loadNpy } from './npy/loadNpy.js';
export { saveNpy } from './npy/saveNpy.js';
