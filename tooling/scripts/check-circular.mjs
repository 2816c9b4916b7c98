// Hygiene check run by `pnpm check`: no circular imports inside any package (madge, as effect's
// scripts/circular.mjs does), and workspace dependencies only point down the layer list of DESIGN.md.
import fs from 'node:fs';
import path from 'node:path';
import madge from 'madge';

const root = path.resolve(import.meta.dirname, '../..');
const layers = ['core', 'sde', 'models', 'objectives', 'samplers', 'guidance', 'metrics', 'data', 'energy'];
let failed = false;

const dirs = ['packages', 'apps']
  .flatMap((group) => fs.readdirSync(path.join(root, group)).map((name) => path.join(root, group, name)))
  .filter((dir) => fs.existsSync(path.join(dir, 'src')));

for (const dir of dirs) {
  const result = await madge(path.join(dir, 'src'), {
    fileExtensions: ['ts'],
    tsConfig: path.join(dir, 'tsconfig.json'),
    excludeRegExp: [/\.d\.ts$/, /node_modules/],
  });
  const cycles = result.circular();
  const name = path.relative(root, dir);
  if (cycles.length > 0) {
    failed = true;
    console.error(`✗ ${name}: circular imports\n${cycles.map((c) => `    ${c.join(' → ')}`).join('\n')}`);
  } else {
    console.log(`✓ ${name}: no circular imports`);
  }
}

for (const name of fs.readdirSync(path.join(root, 'packages'))) {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'packages', name, 'package.json'), 'utf8'));
  const level = layers.indexOf(name);
  for (const dep of Object.keys(pkg.dependencies ?? {})) {
    const target = dep.startsWith('@scorekit/') ? layers.indexOf(dep.slice('@scorekit/'.length)) : -1;
    if (target >= 0 && (level < 0 || target >= level)) {
      failed = true;
      console.error(`✗ packages/${name} depends on ${dep}, which is not below it in ${layers.join(' → ')}`);
    }
  }
}

process.exit(failed ? 1 : 0);
