import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DENSE_SOLVERS_WASM_BASE64 } from '../src/internal/denseSolversWasm.js';

// The committed WebAssembly must come from the committed C++ and build script (native/build-wasm.sh records their
// hash), and must export what symmetricEigen.ts calls — with no imports, so it runs in Node and browsers alike.

const here = new URL('.', import.meta.url);

describe('generated dense-solver WebAssembly', () => {
  it('was rebuilt after the last change to native/denseSolvers.cpp or native/build-wasm.sh', () => {
    const generated = readFileSync(new URL('../src/internal/denseSolversWasm.ts', here), 'utf8');
    const recorded = /sources-sha256: ([0-9a-f]{64})/.exec(generated)?.[1];
    const hash = createHash('sha256');
    for (const file of ['build-wasm.sh', 'denseSolvers.cpp']) hash.update(readFileSync(new URL(`../native/${file}`, here)));
    expect(recorded, 'run packages/metrics/native/build-wasm.sh').toBe(hash.digest('hex'));
  });

  it('imports nothing and exports the solver entry points', () => {
    const module = new WebAssembly.Module(Buffer.from(DENSE_SOLVERS_WASM_BASE64, 'base64'));
    expect(WebAssembly.Module.imports(module)).toEqual([]);
    expect(WebAssembly.Module.exports(module).map((e) => e.name).sort()).toEqual(
      ['_initialize', 'allocate_doubles', 'cholesky_lower', 'memory', 'symmetric_eigen', 'symmetric_eigenvalues'].sort(),
    );
  });
});
