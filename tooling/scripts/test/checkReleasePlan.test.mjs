// check-release-plan.mjs run on small git repositories shaped like ours (a fixed group, a package with an optional
// peer dependency on another): it must fail on the major changesets forces through `workspace:^` and pass with the
// repository's remedy (a wide peer range and onlyUpdatePeerDependentsWhenOutOfRange).
import assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

const script = path.resolve(import.meta.dirname, '../check-release-plan.mjs');

function fixture({ peerRange, outOfRangeOnly }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scorekit-release-fixture-'));
  const write = (file, value) => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), typeof value === 'string' ? value : JSON.stringify(value, null, 2));
  };
  write('package.json', { name: 'fixture', private: true });
  write('pnpm-workspace.yaml', 'packages:\n  - packages/*\n');
  write('packages/native/package.json', { name: '@fx/native', version: '0.1.0' });
  write('packages/core/package.json', {
    name: '@fx/core',
    version: '0.1.0',
    peerDependencies: { '@fx/native': peerRange },
    peerDependenciesMeta: { '@fx/native': { optional: true } },
  });
  write('.changeset/config.json', {
    changelog: false,
    commit: false,
    fixed: [['@fx/core', '@fx/native']],
    linked: [],
    access: 'public',
    baseBranch: 'main',
    updateInternalDependencies: 'patch',
    ignore: [],
    ...(outOfRangeOnly ? { ___experimentalUnsafeOptions_WILL_CHANGE_IN_PATCH: { onlyUpdatePeerDependentsWhenOutOfRange: true } } : {}),
  });
  write('.changeset/faster-native.md', "---\n'@fx/native': minor\n---\n\nFaster.\n");
  const git = (...args) => execFileSync('git', args, { cwd: dir, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('add', '.');
  git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'fixture');
  return dir;
}

function check(dir) {
  const r = spawnSync(process.execPath, [script, dir], { encoding: 'utf8' });
  fs.rmSync(dir, { recursive: true, force: true });
  return { status: r.status, output: r.stdout + r.stderr };
}

test('fails on the major a workspace:^ peer range forces for a minor changeset', () => {
  const { status, output } = check(fixture({ peerRange: 'workspace:^', outOfRangeOnly: false }));
  assert.equal(status, 1, output);
  assert.match(output, /@fx\/core: the release plan bumps it at major, the changesets ask for at most minor/);
});

test('still fails with onlyUpdatePeerDependentsWhenOutOfRange alone: 0.2.0 leaves ^0.1.0', () => {
  const { status, output } = check(fixture({ peerRange: 'workspace:^', outOfRangeOnly: true }));
  assert.equal(status, 1, output);
});

test('passes with a peer range the fixed group stays inside and onlyUpdatePeerDependentsWhenOutOfRange', () => {
  const { status, output } = check(fixture({ peerRange: 'workspace:>=0.1.0', outOfRangeOnly: true }));
  assert.equal(status, 0, output);
  assert.match(output, /@fx\/core 0\.1\.0 → 0\.2\.0, @fx\/native 0\.1\.0 → 0\.2\.0/);
});
