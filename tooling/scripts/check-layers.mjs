// Hygiene check run by `pnpm check`: every file's real @scorekit imports (sources, tests, benches, scripts) follow
// the layering of DESIGN.md, and every import a published source makes is declared in its package.json.
// core ← sde ← {models, objectives, samplers} ← guidance ← apps; metrics and data on core (data also on sde).
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

/** What each library's sources may import; tests and benches may also import `testExtras`. */
const layers = {
  native: [],
  core: ['native'],
  sde: ['core'],
  models: ['core', 'sde'],
  objectives: ['core', 'sde'],
  samplers: ['core', 'sde'],
  metrics: ['core'],
  data: ['core', 'sde'],
  guidance: ['core', 'sde', 'models', 'samplers'],
  energy: ['core', 'sde', 'models', 'objectives', 'samplers'],
};
// Tests and benches may also use the test helpers and, above the layers data rests on, data's fixtures (mixtures
// with exact scores); never an app.
const testExtras = ['test-utils', 'vitest-config', 'eslint-config', 'tsconfig'];
const tooling = new Set(testExtras);
const fixtures = (name) => (name === 'data' || layers.data.includes(name) || name === 'metrics' || name === 'native' ? [] : ['data']);
const apps = new Set(fs.readdirSync(path.join(root, 'apps')));

const importPattern = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|\bimport\s+)['"]@scorekit\/([a-z0-9-]+)/g;
const sourceFile = /\.(?:[cm]?[jt]sx?)$/;

function* files(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name === 'build' || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* files(full);
    else if (sourceFile.test(entry.name) && !entry.name.endsWith('.d.ts')) yield full;
  }
}

const problems = [];
let checked = 0;
for (const group of ['packages', 'apps']) {
  for (const name of fs.readdirSync(path.join(root, group))) {
    const dir = path.join(root, group, name);
    if (!fs.existsSync(path.join(dir, 'package.json'))) continue;
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    const declared = new Set(
      Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies, ...pkg.optionalDependencies })
        .filter((dep) => dep.startsWith('@scorekit/'))
        .map((dep) => dep.slice('@scorekit/'.length)),
    );
    const isApp = group === 'apps';
    if (!isApp && !(name in layers)) {
      problems.push(`packages/${name} has no place in the layer table of tooling/scripts/check-layers.mjs`);
      continue;
    }
    for (const file of files(dir)) {
      const relative = path.relative(root, file);
      const inSource = path.relative(dir, file).split(path.sep)[0] === 'src';
      const text = fs.readFileSync(file, 'utf8');
      checked += 1;
      for (const match of text.matchAll(importPattern)) {
        const target = match[1];
        if (target === name) continue;
        if (apps.has(target) || target === 'trainer' || target === 'gallery') {
          if (!isApp) problems.push(`${relative} imports the app @scorekit/${target}: libraries never import apps`);
          continue;
        }
        if (isApp) continue;
        const allowed = layers[name];
        const fine = inSource
          ? allowed.includes(target)
          : allowed.includes(target) || testExtras.includes(target) || fixtures(name).includes(target);
        if (!fine) {
          const where = inSource ? 'its sources' : 'its tests and benches';
          const list = inSource ? allowed : [...allowed, ...testExtras, ...fixtures(name)];
          problems.push(`${relative} imports @scorekit/${target}; ${where} may import only ${list.map((n) => `@scorekit/${n}`).join(', ') || 'no @scorekit package'}`);
        } else if (inSource && !declared.has(target)) {
          problems.push(`${relative} imports @scorekit/${target}, which packages/${name}/package.json does not declare as a dependency`);
        }
        if (tooling.has(target) && inSource) problems.push(`${relative} imports tooling @scorekit/${target} from published sources`);
      }
    }
  }
}

if (problems.length > 0) {
  console.error(`✗ layering: ${problems.length} import(s) break core ← sde ← {models, objectives, samplers} ← guidance ← apps\n${problems.map((p) => `    ${p}`).join('\n')}`);
  process.exit(1);
}
console.log(`✓ layering: ${checked} files' @scorekit imports follow core ← sde ← {models, objectives, samplers} ← guidance ← apps`);
