import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { activateTensorflow, BackendUnavailableError, selectBackend } from '../src/backend.js';
import { tensorflowBackendHint } from '../src/tfjs/tensorflowBackendHint.js';

// No GPU and no libtensorflow download are possible here: the two failures a user meets are simulated — neither
// package installed (this repository), and tfjs-node-gpu installed with its install script skipped, as pnpm 10
// does, so that its entry throws tfjs-node 4.22.0's own "addon not found" error.
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'scorekit-tfjs-node-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function simulateSkippedInstallScript(): NodeJS.Require {
  const pkgDir = path.join(root, 'node_modules', '@tensorflow', 'tfjs-node-gpu');
  fs.mkdirSync(pkgDir, { recursive: true });
  fs.writeFileSync(path.join(pkgDir, 'package.json'), JSON.stringify({ name: '@tensorflow/tfjs-node-gpu', version: '4.22.0', main: 'index.js' }));
  // what tfjs-node's dist/index.js throws when lib/napi-v8/tfjs_binding.node does not exist
  fs.writeFileSync(
    path.join(pkgDir, 'index.js'),
    "const p = require('path').join(__dirname, 'lib', 'napi-v8', 'tfjs_binding.node');\n" +
      "throw new Error('The Node.js native addon module (tfjs_binding.node) can not be found at path: ' + p + '. \\n" +
      "Please run command \\'npm rebuild @tensorflow/tfjs-node build-addon-from-source\\' to rebuild the native addon module.');\n",
  );
  return createRequire(path.join(root, 'consumer.js'));
}

describe('the tensorflow backend hint', () => {
  it('installed but its install script skipped: says how to let pnpm run it, and the CUDA/cuDNN it needs', async () => {
    const outcome = await activateTensorflow(simulateSkippedInstallScript());
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.reason).toContain('@tensorflow/tfjs-node-gpu failed to load (The Node.js native addon module (tfjs_binding.node) can not be found');
    expect(outcome.reason).toContain('@tensorflow/tfjs-node is not installed');
    const hint = tensorflowBackendHint(outcome.failures ?? []);
    expect(hint).toContain('@tensorflow/tfjs-node-gpu is installed but its native addon is missing');
    expect(hint).toContain('`pnpm approve-builds`');
    expect(hint).toContain('`onlyBuiltDependencies`');
    expect(hint).toContain('`pnpm rebuild @tensorflow/tfjs-node-gpu`');
    expect(hint).toContain('CUDA 11.2 and cuDNN 8.1');
    // not the advice that skipped it in the first place
    expect(hint).not.toContain('pnpm add');
  });

  it('not installed (this repository): SCOREKIT_BACKEND=tensorflow throws with the install commands and the build approval', async () => {
    const saved = process.env.SCOREKIT_BACKEND;
    process.env.SCOREKIT_BACKEND = 'tensorflow';
    try {
      const error = await selectBackend({ report: false }).then(() => null, (e: unknown) => e);
      expect(error).toBeInstanceOf(BackendUnavailableError);
      const message = (error as Error).message;
      expect(message).toMatch(/^The 'tensorflow' backend was requested \(from SCOREKIT_BACKEND=tensorflow\) but cannot be used: @tensorflow\/tfjs-node-gpu is not installed; @tensorflow\/tfjs-node is not installed\n/);
      expect(message).toContain('`pnpm add @tensorflow/tfjs-node-gpu@4.22.0`');
      expect(message).toContain('`pnpm approve-builds`');
      expect(message).toContain('CUDA 11.2 and cuDNN 8.1');
    } finally {
      if (saved === undefined) delete process.env.SCOREKIT_BACKEND;
      else process.env.SCOREKIT_BACKEND = saved;
    }
  });
});
