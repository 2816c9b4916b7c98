import type * as NodeFs from 'node:fs';

/** The part of the npm `webgpu` package (Dawn's Node bindings) used here. */
interface DawnPackage {
  create(options: string[]): DawnGpu;
  globals: Record<string, unknown>;
}
interface DawnGpu {
  requestAdapter(options?: Record<string, unknown>): Promise<unknown>;
}

const PACKAGE = 'webgpu';

/**
 * In Node, gives `navigator.gpu` from the npm `webgpu` package (an optional peer: Dawn, its binary inside the
 * tarball), so tfjs-backend-webgpu runs as it does in browsers. Dawn's default adapter (Vulkan, Metal, D3D12) is
 * tried first. Only when `softwareFallback` is set (webgpu asked for by name) does it fall back to Mesa's OpenGL ES at
 * WebGPU's compatibility feature level, headless (`EGL_PLATFORM=surfaceless`, set here unless already set): on a
 * machine without a GPU that is llvmpipe, correct but slower than wasm, so the automatic order does not pick it.
 * Returns null when `navigator.gpu` was installed, else why not.
 */
export async function installDawnGpu(requireFromHere: NodeJS.Require, softwareFallback: boolean): Promise<string | null> {
  let dawn: DawnPackage;
  try {
    dawn = requireFromHere(PACKAGE) as DawnPackage;
  } catch (e) {
    const missing = (e as { code?: string }).code === 'MODULE_NOT_FOUND';
    return missing
      ? `no navigator.gpu in Node without the optional package '${PACKAGE}' (pnpm add webgpu@0.6.2)`
      : `${PACKAGE} failed to load (${String((e as Error).message).split('\n')[0]})`;
  }
  // Without a Vulkan loader Dawn finds no Linux adapter and says so on stderr from native code; the automatic
  // order skips that probe quietly.
  if (!softwareFallback && process.platform === 'linux' && !vulkanLoaderPresent()) {
    return `${PACKAGE} found no GPU adapter (no Vulkan loader, libvulkan.so.1; Mesa's OpenGL ES is used only when webgpu is asked for by name)`;
  }
  Object.assign(globalThis, dawn.globals);
  let gpu = dawn.create([]);
  if ((await gpu.requestAdapter()) == null) {
    if (!softwareFallback) return `${PACKAGE} found no GPU adapter (Mesa's OpenGL ES is used only when webgpu is asked for by name)`;
    process.env.EGL_PLATFORM ??= 'surfaceless';
    const gles = dawn.create(['backend=opengles']);
    const request = gles.requestAdapter.bind(gles);
    // Mesa's GLES reaches only WebGPU's compatibility level; tfjs-backend-webgpu 4.22 asks for the core level.
    gles.requestAdapter = (options = {}) => request({ ...options, featureLevel: 'compatibility' });
    if ((await gles.requestAdapter()) == null) return `${PACKAGE} found no GPU adapter (neither Dawn's default nor OpenGL ES)`;
    gpu = gles;
  }
  const holder = globalThis as { navigator?: object };
  if (holder.navigator == null) Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true, writable: true });
  Object.defineProperty(holder.navigator!, 'gpu', { value: gpu, configurable: true });
  return null;
}

/** Whether libvulkan.so.1 lies in LD_LIBRARY_PATH or a usual library folder (read through getBuiltinModule: no static node:fs). */
function vulkanLoaderPresent(): boolean {
  const fs = process.getBuiltinModule?.('node:fs') as typeof NodeFs | undefined;
  if (fs === undefined) return true;
  const folders = [
    ...(process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean),
    `/usr/lib/${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu`,
    `/lib/${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu`,
    '/usr/lib64',
    '/usr/lib',
    '/usr/local/lib',
  ];
  return folders.some((folder) => fs.existsSync(`${folder}/libvulkan.so.1`));
}
