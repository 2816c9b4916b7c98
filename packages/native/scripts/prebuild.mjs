// The package's `prepack`: builds the addon from source (build-addon.mjs, against the local Node headers) and
// puts a stripped copy where index.cjs looks for a prebuilt binary, prebuilds/<platform>-<arch>/
// scorekit_native.napi[.<libc>].node, so the tarball carries it and consumers need no compiler and no install
// script. Node-API (NAPI_VERSION 8 in binding.gyp) makes one file serve Node 20, 22 and later. The binary is
// built at pack time and never committed (prebuilds/ is ignored by git).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const built = path.join(root, 'src', 'build', 'Release', 'scorekit_native.node');

execFileSync(process.execPath, [path.join(import.meta.dirname, 'build-addon.mjs')], { cwd: root, stdio: 'inherit' });

const libc = process.platform !== 'linux' ? '' : process.report.getReport().header.glibcVersionRuntime ? 'glibc' : 'musl';
const dir = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);
const target = path.join(dir, `scorekit_native.${['napi', libc].filter(Boolean).join('.')}.node`);
fs.rmSync(dir, { recursive: true, force: true });
fs.mkdirSync(dir, { recursive: true });
fs.copyFileSync(built, target);
// symbols are only for debugging a local build: ~2/3 of the file
try {
  execFileSync('strip', ['--strip-unneeded', target], { stdio: 'ignore' });
} catch {
  console.warn('@scorekit/native: strip not found; packing the unstripped binary');
}
// a binary that does not load must not be packed
execFileSync(process.execPath, ['-e', `require(${JSON.stringify(target)})`], { stdio: 'inherit' });
console.log(`@scorekit/native: prebuilt ${path.relative(root, target)} (${fs.statSync(target).size} bytes)`);
