import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DENSE_SOLVERS_WASM_BASE64 } from '../src/internal/denseSolversWasm.js';
import { DISTANCE_FILTERS_WASM_BASE64 } from '../src/internal/distanceFiltersWasm.js';

// The committed WebAssembly must come from the committed sources and build script (native/build-wasm.sh records
// their hash), and must export what the TypeScript side calls — with no imports, so it runs in Node and browsers.

const here = new URL('.', import.meta.url);

const modules = [
  {
    source: 'denseSolvers.cpp',
    generated: 'denseSolversWasm.ts',
    base64: DENSE_SOLVERS_WASM_BASE64,
    exports: ['_initialize', 'allocate_doubles', 'cholesky_lower', 'memory', 'symmetric_eigen', 'symmetric_eigenvalues'],
  },
  {
    source: 'distanceFilters.c',
    generated: 'distanceFiltersWasm.ts',
    base64: DISTANCE_FILTERS_WASM_BASE64,
    exports: ['__heap_base', 'cross_candidates', 'memory', 'near_candidates'],
  },
];

describe.each(modules)('generated WebAssembly from native/$source', ({ source, generated, base64, exports }) => {
  it('was rebuilt after the last change to the source or native/build-wasm.sh', () => {
    const text = readFileSync(new URL(`../src/internal/${generated}`, here), 'utf8');
    const recorded = /sources-sha256: ([0-9a-f]{64})/.exec(text)?.[1];
    const hash = createHash('sha256');
    for (const file of ['build-wasm.sh', source]) hash.update(readFileSync(new URL(`../native/${file}`, here)));
    expect(recorded, 'run packages/metrics/native/build-wasm.sh').toBe(hash.digest('hex'));
  });

  it('imports nothing and exports the entry points', () => {
    const module = new WebAssembly.Module(Buffer.from(base64, 'base64'));
    expect(WebAssembly.Module.imports(module)).toEqual([]);
    expect(WebAssembly.Module.exports(module).map((e) => e.name).sort()).toEqual([...exports].sort());
  });
});
