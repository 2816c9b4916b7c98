// Run by `pnpm check`: the release plan (`changeset status`) must bump each package no further than the pending
// changesets ask. changesets itself raises a package to major when a peer dependency of it is released at minor
// (issue 17: core's peer range on @scorekit/native once took every library 0.1.0 → 1.0.0 for minor changesets).
// Usage: node tooling/scripts/check-release-plan.mjs [repo root]
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unaskedBumps } from './unaskedBumps.mjs';

const root = path.resolve(process.argv[2] ?? path.join(import.meta.dirname, '../..'));
const config = JSON.parse(fs.readFileSync(path.join(root, '.changeset', 'config.json'), 'utf8'));

// Workspace packages and which other workspace packages each one needs at run time.
const manifests = ['packages', 'apps', 'tooling']
  .filter((group) => fs.existsSync(path.join(root, group)))
  .flatMap((group) => fs.readdirSync(path.join(root, group)).map((name) => path.join(root, group, name, 'package.json')))
  .filter((file) => fs.existsSync(file))
  .map((file) => JSON.parse(fs.readFileSync(file, 'utf8')));
const names = new Set(manifests.map((m) => m.name));
const dependencies = Object.fromEntries(
  manifests.map((m) => [
    m.name,
    ['dependencies', 'optionalDependencies', 'peerDependencies'].flatMap((field) => Object.keys(m[field] ?? {})).filter((d) => names.has(d)),
  ]),
);

// No --since: that would drop the changesets already on the base branch from the plan. changesets needs the base
// branch (config.baseBranch) to exist locally for its own "changed without a changeset" check.
const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'scorekit-release-plan-')), 'plan.json');
// this repository's changesets, whichever repository it checks (the tests point it at small fixtures)
const changeset = path.resolve(import.meta.dirname, '../../node_modules/@changesets/cli/bin.js');
try {
  execFileSync(process.execPath, [changeset, 'status', `--output=${out}`], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
} catch (e) {
  console.error(`✗ changeset status failed:\n${String(e.stderr ?? e.message).trim()}`);
  process.exit(1);
}
const plan = JSON.parse(fs.readFileSync(out, 'utf8'));
fs.rmSync(path.dirname(out), { recursive: true, force: true });

const problems = unaskedBumps(plan, { fixed: config.fixed, dependencies });
const planned = plan.releases
  .filter((r) => r.type !== 'none')
  .map((r) => `${r.name} ${r.oldVersion} → ${r.newVersion}`)
  .sort();
if (problems.length > 0) {
  for (const p of problems) {
    console.error(`✗ ${p.name}: the release plan bumps it at ${p.type}, the changesets ask for ${p.asked === 'none' ? 'no release' : `at most ${p.asked}`}`);
  }
  console.error(
    '  (changesets bumps a package at major when a package in its peerDependencies is released at minor or major and\n' +
      '  leaves the peer range; keep peer ranges wide enough, see .changeset/README.md)',
  );
  process.exit(1);
}
console.log(`✓ the release plan bumps what the changesets ask: ${planned.length > 0 ? planned.join(', ') : 'nothing pending'}`);
