// Bundles every library package's main entry for the browser as an application would (esbuild, platform browser,
// ESM, minified, no shims) from its built `dist`, and fails when any Node built-in (node:fs, path, zlib, …) or
// anything else unresolvable reaches it. Prints each bundle's size, minified and gzipped: the package with all it
// imports (TensorFlow.js included), the package's own code, and the chunks loaded only on demand (the WebGPU backend).
// Packages that are Node-only by nature (a native addon) are listed in NODE_ONLY with the reason.
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = path.resolve(import.meta.dirname, '../..');
const NODE_ONLY = { '@scorekit/native': 'a Node addon; @scorekit/core loads it only in Node, through process.getBuiltinModule' };
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
const gz = (text) => gzipSync(text, { level: 9 }).length;
let failed = false;
const rows = [];

for (const name of fs.readdirSync(path.join(root, 'packages')).sort()) {
  const dir = path.join(root, 'packages', name);
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  if (pkg.private) continue;
  if (NODE_ONLY[pkg.name]) {
    console.log(`- ${pkg.name}: not bundled (${NODE_ONLY[pkg.name]})`);
    continue;
  }
  const entry = path.join(dir, pkg.exports['.'].default);
  if (!fs.existsSync(entry)) {
    failed = true;
    console.error(`✗ ${pkg.name}: ${path.relative(root, entry)} is missing; run \`pnpm build\` first`);
    continue;
  }
  let result;
  try {
    result = await build({
      entryPoints: { index: entry },
      bundle: true,
      platform: 'browser',
      format: 'esm',
      splitting: true,
      minify: true,
      target: 'es2022',
      outdir: path.join(dir, '.browser-bundle'),
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
  } catch (e) {
    failed = true;
    const problems = (e.errors ?? [{ text: e.message }]).map((m) => {
      const where = m.location ? `${path.relative(root, path.resolve(root, m.location.file))}:${m.location.line}: ` : '';
      return `${where}${m.text}`;
    });
    console.error(`✗ ${pkg.name} does not bundle for the browser:\n  ${problems.join('\n  ')}`);
    continue;
  }
  // Third-party packages may map Node modules away with their own `browser` field (tfjs does, for fs and
  // node-fetch); our packages declare none, so any such import from our own code means a Node module got in.
  const nodeImports = Object.entries(result.metafile.inputs)
    .filter(([input]) => !input.includes('node_modules'))
    .flatMap(([input, { imports }]) => imports.filter((i) => /^(node:|\(disabled\))/.test(i.path)).map((i) => `${input} → ${i.original ?? i.path}`));
  if (nodeImports.length > 0) {
    failed = true;
    console.error(`✗ ${pkg.name}: Node modules reached the browser bundle:\n  ${nodeImports.join('\n  ')}`);
    continue;
  }
  const outputs = result.outputFiles.filter((f) => f.path.endsWith('.js'));
  const main = outputs.find((f) => path.basename(f.path) === 'index.js');
  const meta = result.metafile.outputs;
  const metaOf = (file) => meta[path.relative(process.cwd(), file.path)] ?? meta[Object.keys(meta).find((k) => path.resolve(k) === file.path)];
  // The initial load: the entry and the chunks it imports statically; the rest is loaded on demand.
  const initial = new Set([main.path]);
  for (const imp of metaOf(main).imports ?? []) if (imp.kind === 'import-statement') initial.add(path.resolve(imp.path));
  const initialText = outputs.filter((f) => initial.has(f.path)).map((f) => f.text).join('');
  // esbuild emits a chunk for every dynamic import it saw, even in code tree-shaken away: count only those the
  // initial load can actually import.
  const lazy = new Set();
  for (const f of outputs.filter((o) => initial.has(o.path))) {
    for (const imp of metaOf(f).imports ?? []) if (imp.kind === 'dynamic-import') lazy.add(path.resolve(imp.path));
  }
  const lazyText = outputs.filter((f) => lazy.has(f.path)).map((f) => f.text).join('');
  let own = 0;
  for (const f of outputs.filter((o) => initial.has(o.path) || lazy.has(o.path))) {
    for (const [input, { bytesInOutput }] of Object.entries(metaOf(f).inputs)) {
      if (path.resolve(input).startsWith(dir + path.sep)) own += bytesInOutput;
    }
  }
  rows.push({ name: pkg.name, min: initialText.length, gzip: gz(initialText), own, lazyMin: lazyText.length, lazyGzip: lazyText ? gz(lazyText) : 0 });
  console.log(`✓ ${pkg.name} bundles for the browser`);
}

if (rows.length > 0) {
  console.log('\n| package | bundle, minified | gzipped | own code, minified | on demand (webgpu), minified / gzipped |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const r of rows) {
    const lazy = r.lazyMin > 0 ? `${kb(r.lazyMin)} / ${kb(r.lazyGzip)}` : '—';
    console.log(`| ${r.name} | ${kb(r.min)} | ${kb(r.gzip)} | ${kb(r.own)} | ${lazy} |`);
  }
}
process.exit(failed ? 1 : 0);
