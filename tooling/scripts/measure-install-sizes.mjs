// Measures what each published package costs a consumer: packs every package, then for each one installs its
// tarball alone into a fresh npm project (the other scorekit packages it needs come from their tarballs through
// npm `overrides`, as if published) and reports `du -sk node_modules`, without and with its optional peers.
// tfjs-node and tfjs-node-gpu are left out of "with": their install downloads libtensorflow from outside the npm
// registry. Manual (minutes, registry traffic): `pnpm build && node tooling/scripts/measure-install-sizes.mjs`.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'scorekit-sizes-'));
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const NOT_FROM_REGISTRY = new Set(['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu']);
const only = process.argv.slice(2);

const packages = ['packages', 'apps']
  .flatMap((group) => fs.readdirSync(path.join(root, group)).sort().map((name) => path.join(root, group, name)))
  .filter((dir) => fs.existsSync(path.join(dir, 'package.json')))
  .map((dir) => ({ dir, manifest: JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) }))
  .filter(({ manifest }) => !manifest.private);
const tarballs = Object.fromEntries(
  packages.map(({ dir, manifest }) => [manifest.name, run('pnpm', ['pack', '--pack-destination', out], dir).trim().split('\n').pop()]),
);

// `extra`: [name, spec] of optional peers to add. Packages installed directly are not overridden (npm refuses an
// override that differs from a direct dependency's spec).
function installedKiB(name, extra) {
  const project = fs.mkdtempSync(path.join(out, 'consumer-'));
  const direct = new Set([name, ...extra.map(([n]) => n)]);
  const overrides = Object.fromEntries(Object.entries(tarballs).filter(([n]) => !direct.has(n)).map(([n, t]) => [n, `file:${t}`]));
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module', overrides }));
  run('npm', ['install', '--no-audit', '--no-fund', tarballs[name], ...extra.map(([, spec]) => spec)], project);
  const kib = Number(run('du', ['-sk', 'node_modules'], project).split('\t')[0]);
  fs.rmSync(project, { recursive: true, force: true });
  return kib;
}

const mb = (kib) => (kib < 10 * 1024 ? `${(kib / 1024).toFixed(1)} MB` : `${(kib / 1024).toFixed(0)} MB`);
console.log('| package | installed alone | with optional peers |\n| --- | --- | --- |');
for (const { manifest } of packages) {
  if (only.length > 0 && !only.includes(manifest.name)) continue;
  const optional = Object.keys(manifest.peerDependenciesMeta ?? {}).filter((p) => manifest.peerDependenciesMeta[p].optional && !NOT_FROM_REGISTRY.has(p));
  const peers = optional.map((p) => [p, tarballs[p] ?? `${p}@${manifest.peerDependencies[p]}`]);
  const alone = installedKiB(manifest.name, []);
  const withPeers = peers.length > 0 ? `${mb(installedKiB(manifest.name, peers))} (+ ${optional.join(', ')})` : '—';
  console.log(`| ${manifest.name} | ${mb(alone)} | ${withPeers} |`);
}
fs.rmSync(out, { recursive: true, force: true });
