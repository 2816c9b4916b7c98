// Bundles every library package's main entry for the browser as an application would (esbuild, platform browser,
// ESM, minified, no shims) from its built `dist`, and fails when any Node built-in (node:fs, path, zlib, …) or
// anything else unresolvable reaches it. Prints each bundle's size, minified and gzipped: the package with all it
// imports (TensorFlow.js included), the package's own code, and the chunks loaded only on demand (the WebGPU backend).
// Packages that are Node-only by nature (a native addon) are listed in NODE_ONLY with the reason.
// Then the same entries go through Vite (production build, browser resolution) and webpack 5 (target web), each in
// one build of all entries, and any Node built-in that one of our files imports, or any module they cannot
// resolve, fails the check too (bundlers differ: webpack 5 refuses Node built-ins outright, Vite maps them to an
// empty stub with a warning). `--only esbuild|vite|webpack` runs one bundler.
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = path.resolve(import.meta.dirname, '../..');
const NODE_ONLY = { '@scorekit/native': 'a Node addon; @scorekit/core loads it only in Node, through process.getBuiltinModule' };
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
const gz = (text) => gzipSync(text, { level: 9 }).length;
let failed = false;
const rows = [];
const entries = [];
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : null;
const timings = [];
let started = performance.now();

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
  entries.push({ name: pkg.name, dir, entry });
  if (only != null && only !== 'esbuild') continue;
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

if (only == null || only === 'esbuild') timings.push(['esbuild', performance.now() - started]);

// A Node built-in (`fs`, `node:fs`, `fs/promises`, …) named by an import.
const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const isNodeBuiltin = (id) => id.startsWith('node:') || NODE_BUILTINS.has(id);
// Which of our packages a file belongs to (imports from node_modules are third-party: tfjs maps its own Node
// modules away with its `browser` field, and every bundler honours that).
const ownerOf = (file) => entries.find((e) => file != null && !file.includes(`${path.sep}node_modules${path.sep}`) && path.resolve(file).startsWith(e.dir + path.sep))?.name;

async function checkWithVite() {
  const { build: viteBuild } = await import('vite');
  const found = [];
  try {
    await viteBuild({
      configFile: false,
      root,
      logLevel: 'silent',
      plugins: [
        {
          name: 'scorekit-node-imports',
          enforce: 'pre',
          resolveId(source, importer) {
            const owner = ownerOf(importer);
            if (owner != null && isNodeBuiltin(source)) found.push(`${owner}: ${path.relative(root, importer)} → ${source}`);
            return null;
          },
        },
      ],
      build: {
        write: false,
        minify: false,
        reportCompressedSize: false,
        emptyOutDir: false,
        outDir: path.join(os.tmpdir(), 'scorekit-vite-check'),
        rollupOptions: { input: Object.fromEntries(entries.map((e) => [e.name.replace(/[@/]/g, '_'), e.entry])) },
      },
    });
  } catch (e) {
    found.push(`the build failed: ${e.message.split('\n')[0]}`);
  }
  return found;
}

async function checkWithWebpack() {
  const { default: webpack } = await import('webpack');
  const found = [];
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'scorekit-webpack-check-'));
  const compiler = webpack({
    mode: 'production',
    target: 'web',
    context: root,
    entry: Object.fromEntries(entries.map((e) => [e.name.replace(/[@/]/g, '_'), e.entry])),
    output: { path: out, filename: '[name].js', chunkFilename: '[id].chunk.js' },
    devtool: false,
    performance: { hints: false },
    optimization: { minimize: false },
    infrastructureLogging: { level: 'error' },
    plugins: [
      {
        apply(c) {
          c.hooks.normalModuleFactory.tap('scorekit-node-imports', (factory) => {
            factory.hooks.beforeResolve.tap('scorekit-node-imports', (data) => {
              const owner = ownerOf(data.contextInfo?.issuer);
              if (owner != null && isNodeBuiltin(data.request)) found.push(`${owner}: ${path.relative(root, data.contextInfo.issuer)} → ${data.request}`);
            });
          });
        },
      },
    ],
  });
  const stats = await new Promise((resolve, reject) => compiler.run((e, s) => (e ? reject(e) : resolve(s))));
  await new Promise((resolve) => compiler.close(resolve));
  fs.rmSync(out, { recursive: true, force: true });
  for (const e of stats.toJson({ all: false, errors: true }).errors ?? []) {
    found.push(`${e.moduleName ?? ''} ${e.message.split('\n')[0]}`.trim());
  }
  return found;
}

for (const [bundler, check] of [['vite', checkWithVite], ['webpack', checkWithWebpack]]) {
  if (only != null && only !== bundler) continue;
  if (entries.length === 0) continue;
  started = performance.now();
  const found = [...new Set(await check())];
  timings.push([bundler, performance.now() - started]);
  if (found.length > 0) {
    failed = true;
    console.error(`✗ ${bundler}: Node modules reached the browser bundles (or they did not build):\n  ${found.join('\n  ')}`);
  } else {
    console.log(`✓ ${bundler}: ${entries.length} packages bundle for the browser (${entries.map((e) => e.name).join(', ')})`);
  }
}

if (rows.length > 0) {
  console.log('\n| package | bundle, minified | gzipped | own code, minified | on demand (webgpu), minified / gzipped |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const r of rows) {
    const lazy = r.lazyMin > 0 ? `${kb(r.lazyMin)} / ${kb(r.lazyGzip)}` : '—';
    console.log(`| ${r.name} | ${kb(r.min)} | ${kb(r.gzip)} | ${kb(r.own)} | ${lazy} |`);
  }
}
console.log(`\ntimes: ${timings.map(([b, ms]) => `${b} ${(ms / 1000).toFixed(1)} s`).join(', ')}`);
process.exit(failed ? 1 : 0);
