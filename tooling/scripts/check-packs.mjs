// Packs every library package as npm would publish it and checks the result: publint (strict) on the tarball, no
// `workspace:` ranges or `source` export conditions left in the packed package.json, every exported file present.
// With --install, also installs all tarballs into an empty project from the registry and imports each package in
// plain Node — the proof that each package works on its own, as an npm consumer gets it — and installs
// @scorekit/native with pnpm, whose build-script policy must not stand between a consumer and the prebuilt binary,
// and type-checks a file importing every entry point as a strict consumer would: `strict: true` and no
// `skipLibCheck`, so an error anywhere in the declarations we ship or pull in (tfjs-layers' were 15) fails it.
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
  // the export map's targets (its leaves), not its subpath keys such as "./node"
  const targets = (value) => (typeof value === 'string' ? [value] : Object.values(value ?? {}).flatMap(targets));
  for (const target of targets(packed.exports).filter((t) => t.startsWith('./'))) {
    if (!fs.existsSync(path.join(unpacked, 'package', target))) problems.push(`exported file ${target} is missing`);
  }
  const files = run('tar', ['-tzf', tarball], dir).split('\n');
  if (files.some((f) => f.endsWith('.map'))) problems.push('ships source maps (their sources are not shipped)');
  if (pkg.name === '@scorekit/native') problems.push(...nativeProblems(packed, files));
  if (problems.length > 0) {
    failed = true;
    console.error(`✗ ${pkg.name}\n  ${problems.join('\n  ')}`);
  } else {
    console.log(`✓ ${pkg.name} packs cleanly (${path.basename(tarball)})`);
  }
}

// The native package must carry a binary for this platform and nothing that makes a package manager run or block
// an install script (pnpm 12 fails a consumer's install on an unapproved one).
function nativeProblems(manifest, files) {
  const problems = [];
  const scripts = ['preinstall', 'install', 'postinstall'].filter((s) => manifest.scripts?.[s]);
  if (scripts.length > 0) problems.push(`has install scripts (${scripts.join(', ')})`);
  if (files.includes('package/binding.gyp')) problems.push('has a root binding.gyp (pnpm 10/11 make it an install script)');
  const prebuilt = files.filter((f) => f.startsWith(`package/prebuilds/${process.platform}-${process.arch}/`) && f.endsWith('.node'));
  if (prebuilt.length === 0) problems.push(`has no prebuilt binary for ${process.platform}-${process.arch}`);
  if (files.some((f) => /\/build\//.test(f))) problems.push('ships a build/ folder');
  return problems;
}

// In a consumer project: named ES module exports work and compute [1 2; 3 4]·[5 6; 7 8] = [19 22; 43 50] with the
// prebuilt binary (nothing was built at install). Returns a problem, or null.
const NATIVE_PROBE = `
import { available, reason, binary, gemm } from '@scorekit/native';
if (!available) { console.log(JSON.stringify({ problem: reason })); process.exit(0); }
const heap = new Float32Array([1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0]);
gemm(heap.buffer, 2, 2, 2, 0, 8, 4, 16, 8, 4, 32, 8, 0, 1);
const c = Array.from(heap.subarray(8)).join(' ');
console.log(JSON.stringify({ problem: c !== '19 22 43 50' ? 'gemm gave ' + c : !binary.includes('/prebuilds/') ? 'loaded ' + binary + ', not the prebuilt binary' : null }));
`;
// A consumer's own tsconfig: strict, Node's module resolution, no skipLibCheck (and, as by default, every @types
// package installed) — every .d.ts the entry points reach is checked. Each namespace is used in a type, so no import
// is elided before its declarations are read.
// Returns null, or the number of errors and tsc's output.
function strictTypeCheck(project, entries) {
  run('npm', ['install', '--no-audit', '--no-fund', '--save-dev', 'typescript@~5.9.3', '@types/node@^20.19.0'], project);
  const source = entries.map((name, i) => `import type * as m${i} from '${name}';\nexport type T${i} = typeof m${i};\n`).join('');
  fs.writeFileSync(path.join(project, 'consumer.ts'), source);
  const compilerOptions = { strict: true, skipLibCheck: false, noEmit: true, target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext' };
  fs.writeFileSync(path.join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['consumer.ts'] }, null, 2));
  try {
    run('npx', ['--no-install', 'tsc', '-p', 'tsconfig.json'], project);
    return null;
  } catch (e) {
    const text = `${e.stdout ?? ''}${e.stderr ?? ''}`.trim() || e.message;
    return { count: (text.match(/error TS\d+/g) ?? []).length, text };
  }
}

function nativeProbe(project) {
  return JSON.parse(run('node', ['--input-type=module', '-e', NATIVE_PROBE], project)).problem;
}

if (install && !failed) {
  const project = fs.mkdtempSync(path.join(out, 'consumer-'));
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  run('npm', ['install', '--no-audit', '--no-fund', '@tensorflow/tfjs-core@4.22.0', ...tarballs.map((t) => t.tarball)], project);
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

  // tfjs-core alone registers no gradients, chained ops or cpu backend; importing @scorekit/core must (the union
  // package used to): d/dx Σx² at x = 3 is 6, and x.square() is 9.
  try {
    const probe = "import '@scorekit/core'; import * as tf from '@tensorflow/tfjs-core'; await tf.setBackend('cpu'); " +
      "const x = tf.tensor1d([3]); console.log(tf.grad((v) => tf.sum(tf.square(v)))(x).dataSync()[0], x.square().dataSync()[0]);";
    const got = run('node', ['--input-type=module', '-e', probe], project).trim();
    if (got !== '6 9') throw new Error(`printed '${got}', expected '6 9'`);
    console.log('✓ importing @scorekit/core gives tfjs-core its cpu backend, gradients and chained ops (fresh npm project)');
  } catch (e) {
    failed = true;
    console.error(`✗ tfjs-core's gradients or chained ops are missing after importing @scorekit/core: ${e.stderr || e.message}`);
  }

  const strict = strictTypeCheck(project, entries);
  if (strict === null) console.log(`✓ a strict consumer (strict: true, no skipLibCheck) type-checks imports of all ${entries.length} entry points`);
  else {
    failed = true;
    console.error(`✗ a strict consumer (strict: true, no skipLibCheck) gets ${strict.count} type errors:\n${strict.text}`);
  }

  // The optional native kernels, from the prebuilt binary in the tarball: core in the consumer project must find
  // and use them (on a CPU without AVX2 and FMA only a warning, off CI).
  const native = tarballs.find((t) => t.name === '@scorekit/native');
  const core = tarballs.find((t) => t.name === '@scorekit/core');
  const coreStatus = (dir) =>
    JSON.parse(run('node', ['--input-type=module', '-e', "const c = await import('@scorekit/core'); console.log(JSON.stringify(c.nativeKernelsStatus()))"], dir));
  const report = (problem, ok, bad) => {
    if (problem === null) return console.log(`✓ ${ok}`);
    const fatal = process.env.CI === 'true' || !/AVX2/.test(problem);
    if (fatal) failed = true;
    console.error(`${fatal ? '✗' : '!'} ${bad}: ${problem}`);
  };
  if (!failed && native && core) {
    const status = coreStatus(project);
    report(status.active ? null : status.reason, '@scorekit/core uses @scorekit/native (prebuilt) in a fresh npm project', '@scorekit/core does not use @scorekit/native in a fresh npm project');
    report(nativeProbe(project), "import { gemm } from '@scorekit/native' computes with the prebuilt binary (npm)", '@scorekit/native under npm');

    // pnpm: no approve-builds, no onlyBuiltDependencies; the install must succeed without "Ignored build scripts"
    const pnpmProject = fs.mkdtempSync(path.join(out, 'consumer-pnpm-'));
    fs.writeFileSync(path.join(pnpmProject, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    let log = '';
    try {
      log = run('pnpm', ['add', '@tensorflow/tfjs-core@4.22.0', core.tarball, native.tarball], pnpmProject);
    } catch (e) {
      failed = true;
      console.error(`✗ pnpm add of @scorekit/core and @scorekit/native failed:\n${e.stdout}${e.stderr}`);
    }
    if (!failed) {
      // (tfjs's core-js dependency has a postinstall pnpm ignores too; only ours matters here)
      const ignored = log.match(/Ignored build scripts:[^\n]*/i)?.[0] ?? '';
      if (ignored.includes('@scorekit/')) {
        failed = true;
        console.error(`✗ pnpm ignored build scripts of ours when installing @scorekit/native: ${ignored}`);
      }
      const pnpmStatus = coreStatus(pnpmProject);
      report(pnpmStatus.active ? null : pnpmStatus.reason, '@scorekit/core uses @scorekit/native (prebuilt) in a fresh pnpm project, no build approved', '@scorekit/core does not use @scorekit/native in a fresh pnpm project');
      report(nativeProbe(pnpmProject), "import { gemm } from '@scorekit/native' computes with the prebuilt binary (pnpm)", '@scorekit/native under pnpm');
    }
  }
}

fs.rmSync(out, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
