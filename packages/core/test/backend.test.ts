import fs from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BackendUnavailableError, formatBackendChoice, nativeKernelsStatus, parseBackendName, selectBackend } from '../src/index.js';
import type { BackendChoice } from '../src/index.js';

// tfjs-node and tfjs-node-gpu cannot be installed on these machines (their install downloads libtensorflow), so
// here 'tensorflow' is always unavailable, which is what these tests rely on.
const saved = process.env.SCOREKIT_BACKEND;
afterEach(() => {
  if (saved == null) delete process.env.SCOREKIT_BACKEND;
  else process.env.SCOREKIT_BACKEND = saved;
  vi.restoreAllMocks();
});

const quiet = { report: false } as const;

// This repository installs the optional `webgpu` package (Dawn) for its WebGPU tests; these machines have no GPU,
// so the automatic order finds no hardware adapter (Mesa's software one is used only when webgpu is named).
// Without a Vulkan loader the probe is skipped (Dawn would complain on stderr), and the reason says so.
const vulkan = ['/usr/lib/x86_64-linux-gnu', '/usr/lib64', '/usr/lib', '/usr/local/lib', ...(process.env.LD_LIBRARY_PATH ?? '').split(':')]
  .some((folder) => folder !== '' && fs.existsSync(`${folder}/libvulkan.so.1`));
const NO_GPU = `webgpu found no GPU adapter (${vulkan ? '' : 'no Vulkan loader, libvulkan.so.1; '}Mesa's OpenGL ES is used only when webgpu is asked for by name)`;

describe('selectBackend', () => {
  it('an unknown name is refused with the allowed names, wherever it comes from', async () => {
    const allowed = 'Allowed: auto, tensorflow, webgpu, webgl, wasm, cpu.';
    expect(() => parseBackendName('gpu')).toThrow(`Unknown backend 'gpu'. ${allowed}`);
    await expect(selectBackend({ backend: 'metal' as 'cpu', ...quiet })).rejects.toThrow(
      `Unknown backend 'metal' in the backend option. ${allowed}`,
    );
    process.env.SCOREKIT_BACKEND = 'CUDA';
    await expect(selectBackend(quiet)).rejects.toThrow(`Unknown backend 'CUDA' in SCOREKIT_BACKEND. ${allowed}`);
    await expect(selectBackend(quiet)).rejects.toBeInstanceOf(BackendUnavailableError);
  });

  it("asking for 'tensorflow' without tfjs-node says what is missing and how to install it", async () => {
    const err = await selectBackend({ backend: 'tensorflow', ...quiet }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendUnavailableError);
    const message = (err as Error).message;
    expect(message).toContain("The 'tensorflow' backend was requested but cannot be used");
    expect(message).toContain('@tensorflow/tfjs-node-gpu is not installed');
    expect(message).toContain('@tensorflow/tfjs-node is not installed');
    expect(message).toContain('pnpm add @tensorflow/tfjs-node-gpu@4.22.0');
    expect(message).toContain('pnpm add @tensorflow/tfjs-node@4.22.0');
  });

  it('auto falls through to wasm and reports what it skipped and why', async () => {
    const lines: string[] = [];
    const choice = await selectBackend({ report: (line) => lines.push(line) });
    const native = nativeKernelsStatus();
    const nativeNote = native.active ? 'native kernels on' : `native kernels off: ${native.reason}`;
    expect(choice).toEqual({
      name: 'wasm',
      provider: '@tensorflow/tfjs-backend-wasm',
      requestedBy: 'default',
      skipped: [
        { name: 'tensorflow', reason: '@tensorflow/tfjs-node-gpu is not installed; @tensorflow/tfjs-node is not installed' },
        { name: 'webgpu', reason: NO_GPU },
      ],
      native: nativeKernelsStatus(),
    } satisfies BackendChoice);
    expect(tf.getBackend()).toBe('wasm');
    expect(lines).toEqual([
      `scorekit backend: wasm (@tensorflow/tfjs-backend-wasm, ${nativeNote}); skipped tensorflow: @tensorflow/tfjs-node-gpu is not ` +
        `installed; @tensorflow/tfjs-node is not installed; skipped webgpu: ${NO_GPU}`,
    ]);
  });

  it('webgl, asked for in Node, is refused with the reason (auto does not try it there)', async () => {
    await expect(selectBackend({ backend: 'webgl', ...quiet })).rejects.toThrow(
      "The 'webgl' backend was requested but cannot be used: WebGL is offered only in browsers",
    );
  });

  it('SCOREKIT_BACKEND is honoured, and the backend option overrides it', async () => {
    process.env.SCOREKIT_BACKEND = 'cpu';
    const fromEnv = await selectBackend(quiet);
    expect([fromEnv.name, fromEnv.requestedBy, tf.getBackend()]).toEqual(['cpu', 'SCOREKIT_BACKEND', 'cpu']);
    expect(formatBackendChoice(fromEnv)).toBe('scorekit backend: cpu (@tensorflow/tfjs-backend-cpu, from SCOREKIT_BACKEND)');

    const fromOption = await selectBackend({ backend: 'wasm', ...quiet });
    expect([fromOption.name, fromOption.requestedBy, tf.getBackend()]).toEqual(['wasm', 'option', 'wasm']);

    process.env.SCOREKIT_BACKEND = 'tensorflow';
    await expect(selectBackend(quiet)).rejects.toThrow(/'tensorflow' backend was requested \(from SCOREKIT_BACKEND=tensorflow\)/);
    process.env.SCOREKIT_BACKEND = '';
    expect((await selectBackend(quiet)).requestedBy).toBe('default'); // empty means unset
  });

  it('reports the choice as one line on stderr by default, and nothing with report: false', async () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    await selectBackend({ backend: 'cpu' });
    expect(write.mock.calls.map((c) => String(c[0]))).toEqual(['scorekit backend: cpu (@tensorflow/tfjs-backend-cpu)\n']);
    write.mockClear();
    await selectBackend({ backend: 'cpu', report: false });
    expect(write).not.toHaveBeenCalled();
  });
});
