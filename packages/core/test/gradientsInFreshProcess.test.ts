// Gradients and chained methods in a fresh Node process that imports @scorekit/core before anything else — as the
// CLI does. Inside vitest the setup file has loaded tfjs-core already, which hides a wrong load order; a child
// process does not. A gradient through a cast calls x.clone(), which needs tfjs-core's op handler on the Tensor
// class every tensor is made of: with the gradient bundle loaded first it threw "reading 'clone'" (class-conditional
// training died on it).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const TSX_CLI = require.resolve('tsx/cli');

const SCRIPT = `
import { selectBackend } from '@scorekit/core';
import * as tf from '@tensorflow/tfjs-core';
await selectBackend({ backend: 'cpu', report: false });
const x = tf.tensor1d([1, 2, 3]);
const g = tf.grad((v) => tf.sum(tf.mul(tf.cast(v, 'float32'), v)))(x);
console.log(JSON.stringify({ grad: Array.from(g.dataSync()), chained: Array.from(x.square().add(1).dataSync()), clone: Array.from(x.clone().dataSync()) }));
`;

describe('tfjs-core gradients registered by @scorekit/core', () => {
  it('d/dx Σ cast(x)·x = 2x, x.square().add(1) and x.clone() work in a process that imports @scorekit/core first', () => {
    const r = spawnSync(process.execPath, [TSX_CLI, '--conditions=source', '--input-type=module', '-e', SCRIPT], {
      cwd: import.meta.dirname,
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    const line = r.stdout.trim().split('\n').at(-1)!;
    expect(JSON.parse(line)).toEqual({ grad: [2, 4, 6], chained: [2, 5, 10], clone: [1, 2, 3] });
  });
});
