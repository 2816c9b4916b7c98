// tfjs's cpu backend prints "Hi, looks like you are running TensorFlow.js in Node.js…" on its first tensor write.
// selectBackend reports the backend itself, so it silences that banner when it chooses cpu, without switching on
// tfjs's global production mode. Its own file, so that the cpu backend here has not written anything yet.
import * as tf from '@tensorflow/tfjs-core';
import { expect, it, vi } from 'vitest';
import { selectBackend } from '../src/index.js';

const BANNER = /Hi, looks like you are running TensorFlow.js in Node.js/;

it('choosing cpu silences the tfjs-node banner and leaves production mode off', async () => {
  const cpu = tf.findBackend('cpu') as tf.KernelBackend & { firstUse?: boolean };
  expect(cpu.firstUse, 'precondition: the cpu backend has not written a tensor yet in this file').toBe(true);
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);

  await selectBackend({ backend: 'cpu', report: false });
  tf.tensor([1, 2, 3]).dataSync();
  expect(warn.mock.calls.some((args) => BANNER.test(args.join(' ')))).toBe(false);
  expect(tf.env().getBool('PROD')).toBe(false);

  // Control: a fresh cpu backend instance, which selectBackend did not touch, does print it — so the spy works.
  const Fresh = cpu.constructor as new () => tf.KernelBackend;
  const fresh = new Fresh();
  fresh.write(new Float32Array([1]), [1], 'float32');
  expect(warn.mock.calls.some((args) => BANNER.test(args.join(' ')))).toBe(true);
  fresh.dispose();
  warn.mockRestore();
});
