// `pnpm demo` (from the repository root, after the trainer is built): trains the 2d preset into runs/demo and
// samples from it with a fast sampler. Runs the built CLI exactly as a user would.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as path from 'node:path';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const out = path.resolve(process.argv[2] ?? 'runs/demo');
rmSync(out, { recursive: true, force: true }); // a fresh run each time

const run = (args) => {
  process.stderr.write(`\n$ scorekit ${args.join(' ')}\n`);
  const r = spawnSync(process.execPath, [cli, ...args], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
run(['train', '--preset', '2d', '--out', out]);
run(['sample', '--checkpoint', out, '--sampler', 'dpm-solver++', '--steps', '20', '--n', '2000', '--out', path.join(out, 'samples.png')]);
process.stderr.write(
  `\nDone. Outputs in ${out}:\n` +
    `  samples.png            2000 samples from the trained model (DPM-Solver++, 20 steps)\n` +
    `  samples/               sample scatter plots (.png) and arrays (.npy) drawn during training\n` +
    `  metrics.jsonl          loss, lr, gradient norm, steps/s per log interval\n` +
    `  checkpoints/           model, EMA and optimizer state (resume with: scorekit train --resume --out ${out})\n` +
    `  trajectories/          sampler trajectories for the gallery\n`,
);
