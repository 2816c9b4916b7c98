// Packs every library package as npm would publish it and checks the result: publint (strict) on the tarball, no
// `workspace:` ranges or `source` export conditions left in the packed package.json, every exported file present.
// With --install, also installs all tarballs into an empty project from the registry and imports each package in
// plain Node — the proof that each package works on its own, as an npm consumer gets it.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const install = process.argv.includes('--install');
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'scorekit-packs-'));
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
let failed = false;
const tarballs = [];

for (const name of fs.readdirSync(path.join(root, 'packages')).sort()) {
  const dir = path.join(root, 'packages', name);
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  if (pkg.private) continue;
  const tarball = run('pnpm', ['pack', '--pack-destination', out], dir).trim().split('\n').pop();
  tarballs.push({ name: pkg.name, tarball });
  const problems = [];
  try {
    run('npx', ['--no-install', 'publint', 'run', tarball, '--strict'], dir);
  } catch (e) {
    problems.push(`publint: ${(e.stdout || e.message).trim()}`);
  }
  const unpacked = fs.mkdtempSync(path.join(out, `${name}-`));
  run('tar', ['-xzf', tarball, '-C', unpacked], dir);
  const packed = JSON.parse(fs.readFileSync(path.join(unpacked, 'package', 'package.json'), 'utf8'));
  const text = JSON.stringify(packed);
  if (text.includes('workspace:')) problems.push('packed package.json still has workspace: ranges');
  if (text.includes('"source"')) problems.push('packed package.json still has the source export condition');
  for (const target of JSON.stringify(packed.exports).match(/\.\/[^"]+/g) ?? []) {
    if (!fs.existsSync(path.join(unpacked, 'package', target))) problems.push(`exported file ${target} is missing`);
  }
  if (problems.length > 0) {
    failed = true;
    console.error(`✗ ${pkg.name}\n  ${problems.join('\n  ')}`);
  } else {
    console.log(`✓ ${pkg.name} packs cleanly (${path.basename(tarball)})`);
  }
}

if (install && !failed) {
  const project = fs.mkdtempSync(path.join(out, 'consumer-'));
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  run('npm', ['install', '--no-audit', '--no-fund', '@tensorflow/tfjs@4.22.0', ...tarballs.map((t) => t.tarball)], project);
  // Each entry point: the main one, and the Node-only `./node` one where a package has it.
  const entries = tarballs.flatMap(({ name }) => {
    const packed = JSON.parse(fs.readFileSync(path.join(project, 'node_modules', name, 'package.json'), 'utf8'));
    return Object.keys(packed.exports ?? { '.': null }).map((sub) => (sub === '.' ? name : `${name}/${sub.slice(2)}`));
  });
  for (const name of entries) {
    try {
      const keys = run('node', ['--input-type=module', '-e', `const m = await import('${name}'); console.log(Object.keys(m).length)`], project).trim();
      console.log(`✓ ${name} imports in a fresh npm project (${keys} exports)`);
    } catch (e) {
      failed = true;
      console.error(`✗ ${name} does not import in a fresh npm project:\n${e.stderr || e.message}`);
    }
  }

  // The optional native kernels: npm ran @scorekit/native's install script (node-gyp against the local Node
  // headers); core in the consumer project must find and use them. Required on CI, where a compiler is installed.
  if (!failed && tarballs.some((t) => t.name === '@scorekit/native')) {
    const status = JSON.parse(
      run('node', ['--input-type=module', '-e', "const c = await import('@scorekit/core'); console.log(JSON.stringify(c.nativeKernelsStatus()))"], project),
    );
    if (status.active) console.log('✓ @scorekit/core uses @scorekit/native in a fresh npm project (built at install)');
    else if (process.env.CI === 'true') {
      failed = true;
      console.error(`✗ @scorekit/core does not use @scorekit/native in a fresh npm project: ${status.reason}`);
    } else console.warn(`! @scorekit/native not in use in a fresh npm project: ${status.reason}`);
  }
}

fs.rmSync(out, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
