#!/usr/bin/env node
// Compiles the addon with node-gyp against the Node headers already on the machine (no header download), then
// loads it once to prove it works. Run by this repository's install (`--optional`: a failure is a warning, and
// @scorekit/core runs its WebAssembly kernels instead), by `prebuild.mjs` when packing, and by consumers on a
// platform the package has no prebuilt binary for, as `npx scorekit-native-build`.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const root = path.resolve(import.meta.dirname, '..');
// binding.gyp lives in src/, not at the package root: a root binding.gyp makes pnpm 10 and 11 give the package an
// implicit `node-gyp rebuild` install script (they ignore `gypfile: false`), which pnpm then blocks or runs.
const gypDir = path.join(root, 'src');
const optional = process.argv.includes('--optional');
const require = createRequire(import.meta.url);

function nodeGyp() {
  try {
    return require.resolve('node-gyp/bin/node-gyp.js');
  } catch {
    // npm and pnpm both point lifecycle scripts at the node-gyp they bundle
    const bundled = process.env.npm_config_node_gyp;
    if (bundled && fs.existsSync(bundled)) return bundled;
    return null;
  }
}

// node-gyp from this package's dev dependencies or the package manager's copy, else from the npm registry
// (a consumer's `npx scorekit-native-build` has neither).
function nodeGypCommand() {
  const local = nodeGyp();
  if (local) return [process.execPath, [local]];
  return [process.platform === 'win32' ? 'npx.cmd' : 'npx', ['-y', 'node-gyp@11']];
}

// The directory whose include/node holds node_api.h for this Node: npm's nodedir setting, else the prefix of the
// running node (official tarballs and Debian's nodejs both ship the headers there).
function nodeDir() {
  const candidates = [process.env.npm_config_nodedir, path.resolve(path.dirname(process.execPath), '..')];
  return candidates.find((d) => d && fs.existsSync(path.join(d, 'include', 'node', 'node_api.h')));
}

// True when the built addon is newer than every source, so a second build (install, then turbo's build) does not
// delete and recompile it under a test that is loading it.
function upToDate(addon) {
  if (!fs.existsSync(addon)) return false;
  const built = fs.statSync(addon).mtimeMs;
  const sources = ['scripts/build-addon.mjs', ...fs.readdirSync(gypDir).filter((f) => /\.(cc|h|gyp)$/.test(f)).map((f) => `src/${f}`)];
  return sources.every((f) => fs.statSync(path.join(root, f)).mtimeMs < built);
}

try {
  const addon = path.join(gypDir, 'build', 'Release', 'scorekit_native.node');
  if (upToDate(addon) && !process.argv.includes('--force')) {
    console.log(`@scorekit/native: ${path.relative(root, addon)} is up to date`);
    process.exit(0);
  }
  if (process.env.SCOREKIT_NATIVE_BUILD === '0') {
    console.log('@scorekit/native: SCOREKIT_NATIVE_BUILD=0, not building the addon');
    process.exit(0);
  }
  const dir = nodeDir();
  const [command, prefix] = nodeGypCommand();
  const args = [...prefix, 'rebuild', '--jobs', 'max', ...(dir ? [`--nodedir=${dir}`] : [])];
  // node-gyp's log goes to stderr; shown only when the build fails
  execFileSync(command, args, { cwd: gypDir, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  execFileSync(process.execPath, ['-e', `require(${JSON.stringify(addon)})`], { stdio: 'inherit' });
  console.log(`@scorekit/native: built ${path.relative(root, addon)}`);
} catch (e) {
  if (e.stderr) console.error(String(e.stderr).split('\n').slice(-30).join('\n'));
  const message = `@scorekit/native: could not build the addon (${e.message.split('\n')[0]})`;
  if (!optional) {
    console.error(message);
    process.exit(1);
  }
  console.warn(`${message}; @scorekit/core will use its WebAssembly kernels`);
}
