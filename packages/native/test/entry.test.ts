// The package's entry points as a consumer meets them: named ES module exports, and index.cjs's choice of binary
// (built from source here, else the prebuilt one the npm package ships, else a reason naming the command to run).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type * as Native from '../index.cjs';
import * as esm from '../index.mjs';

const root = path.resolve(import.meta.dirname, '..');
const cjs = createRequire(import.meta.url)('../index.cjs') as typeof Native;
const required = process.env.CI === 'true';
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'scorekit-native-entry-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

// [1 2; 3 4]·[5 6; 7 8] = [19 22; 43 50], all exact in float32
function product(native: typeof Native): number[] {
  const heap = new Float32Array([1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0]);
  native.gemm(heap.buffer, 2, 2, 2, 0, 8, 4, 16, 8, 4, 32, 8, 0, 1);
  return Array.from(heap.subarray(8));
}

/** A copy of the package's loader in a fresh folder, with `binary` (if given) as its prebuilt file. */
function packageWith(name: string, binary?: Buffer): typeof Native {
  const dir = path.join(scratch, name);
  fs.mkdirSync(dir);
  fs.copyFileSync(path.join(root, 'index.cjs'), path.join(dir, 'index.cjs'));
  if (binary !== undefined) {
    const glibc = (process.report.getReport() as { header: { glibcVersionRuntime?: string } }).header.glibcVersionRuntime;
    const tags = ['napi', process.platform === 'linux' ? (glibc ? 'glibc' : 'musl') : ''].filter(Boolean).join('.');
    const prebuilds = path.join(dir, 'prebuilds', `${process.platform}-${process.arch}`);
    fs.mkdirSync(prebuilds, { recursive: true });
    fs.writeFileSync(path.join(prebuilds, `scorekit_native.${tags}.node`), binary);
  }
  return createRequire(path.join(dir, 'index.cjs'))('./index.cjs') as typeof Native;
}

describe('ES module entry', () => {
  it('has the CommonJS entry’s exports by name, the same objects', () => {
    const byName = esm as Record<string, unknown>;
    for (const [key, value] of Object.entries(cjs)) expect(byName[key], key).toBe(value);
    expect(Object.keys(esm).filter((key) => key !== 'default').sort()).toEqual(Object.keys(cjs).sort());
    // vitest may wrap the CommonJS object on import; its members must still be the same functions
    const fallback = byName.default as Record<string, unknown>;
    for (const [key, value] of Object.entries(cjs)) expect(fallback[key], `default.${key}`).toBe(value);
  });
});

describe.runIf(cjs.available || required)('binary choice', () => {
  const built = path.join(root, 'src', 'build', 'Release', 'scorekit_native.node');

  it('loads the addon built from source here first', () => {
    expect(cjs.binary).toBe(built);
    expect(product(esm as typeof Native)).toEqual([19, 22, 43, 50]);
  });

  it('loads the prebuilt binary when nothing was built from source (a consumer’s install)', () => {
    const native = packageWith('prebuilt', fs.readFileSync(built));
    expect(native.reason).toBe('');
    expect(native.binary).toMatch(/prebuilds[/\\][a-z0-9]+-[a-z0-9]+[/\\]scorekit_native\.napi(\.(glibc|musl))?\.node$/);
    expect(product(native)).toEqual([19, 22, 43, 50]);
  });
});

describe('without a usable binary', () => {
  it('says there is none for this platform and what to run', () => {
    const native = packageWith('none');
    expect(native.available).toBe(false);
    expect(native.reason).toContain(`no prebuilt binary for ${process.platform}-${process.arch}`);
    expect(native.reason).toContain('npx scorekit-native-build');
    expect(() => product(native)).toThrow(/@scorekit\/native is not available: no prebuilt binary/);
  });

  it('says which file does not load (e.g. too old a libstdc++) and what to run', () => {
    const native = packageWith('broken', Buffer.from('not a shared object'));
    expect(native.available).toBe(false);
    expect(native.reason).toMatch(/^prebuilds[/\\].*scorekit_native.*\.node does not load here \(.+\); build it from source with `npx scorekit-native-build`/);
  });
});
