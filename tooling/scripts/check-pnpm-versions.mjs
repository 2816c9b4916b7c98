// Installs a fresh clone of this repository with each given pnpm, as a new contributor would
// (`npx -y pnpm@<v> install --frozen-lockfile`, then `pnpm --filter @scorekit/sde test`), and prints one line per
// version: whether it installed and ran, how long the install took, whether it left the clone changed, and the
// first error line otherwise. Not part of `pnpm check`: each pnpm major keeps its own store, so a cold run downloads
// ~300 MB per version and takes minutes.
// Usage: node tooling/scripts/check-pnpm-versions.mjs [--node /path/to/node/bin] [pnpm versions…]
//   (default versions: the packageManager pin, and the newest 10, 11 and 12; pnpm 11 needs Node ≥ 22.13)
// SCOREKIT_NATIVE_BUILD=0 skips compiling the native addon in the clones.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const args = process.argv.slice(2);
const nodeAt = args.indexOf('--node');
const nodeDir = nodeAt >= 0 ? args.splice(nodeAt, 2)[1] : null;
const pinned = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).packageManager.replace(/^pnpm@/, '');
const versions = args.length > 0 ? args : [pinned, '10', '11', '12'];
const env = { ...process.env, CI: 'true', ...(nodeDir ? { PATH: `${nodeDir}${path.delimiter}${process.env.PATH}` } : {}) };
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'scorekit-pnpm-versions-'));

function sh(command, argv, cwd) {
  const started = Date.now();
  const r = spawnSync(command, argv, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  return { ok: r.status === 0, seconds: (Date.now() - started) / 1000, output };
}

// The line a user would read first: pnpm's error code or message, else the last non-empty line.
function firstError(output) {
  const lines = output.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.find((l) => /ERR_|Error:|error /i.test(l) && !/^at /.test(l)) ?? lines.at(-1) ?? '';
}

const node = sh('node', ['--version'], root).output.trim();
console.log(`node ${node}; clones of ${root} at ${sh('git', ['rev-parse', '--short', 'HEAD'], root).output.trim()}`);
let failed = false;
for (const version of versions) {
  const clone = path.join(scratch, `pnpm-${version}`);
  sh('git', ['clone', '--quiet', root, clone], scratch);
  const pnpm = (...a) => sh('npx', ['-y', `pnpm@${version}`, ...a], clone);
  const resolved = pnpm('--version');
  const install = pnpm('install', '--frozen-lockfile');
  const changed = sh('git', ['status', '--porcelain'], clone).output.trim();
  const test = install.ok ? pnpm('--filter', '@scorekit/sde', 'test') : null;
  const ok = install.ok && test.ok && changed === '';
  failed ||= !ok;
  const which = resolved.ok ? resolved.output.trim().split('\n').at(-1) : '?';
  const detail = !install.ok
    ? `install failed: ${firstError(install.output)}`
    : !test.ok
      ? `sde tests failed: ${firstError(test.output)}`
      : changed !== ''
        ? `install changed the clone: ${changed.replace(/\n/g, ', ')}`
        : `installed in ${install.seconds.toFixed(0)} s, sde tests passed`;
  console.log(`${ok ? '✓' : '✗'} pnpm@${version} (runs as ${which}): ${detail}`);
  fs.rmSync(clone, { recursive: true, force: true });
}
fs.rmSync(scratch, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
