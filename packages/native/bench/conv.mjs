// Convolution throughput of the addon on its own (no tfjs): the 3×3 layers of core's U-Net bench (UNET_PRESETS.mnist,
// batch 32), forward and filter gradient, on 1 and 2 threads. `node bench/conv.mjs [reps] [filter]`; GFLOP/s are
// medians over `reps` calls after a warm-up, wall clock (so only meaningful on an idle machine) (the forward convolution's 2·multiply-adds, which both kernels share).
import { createRequire } from 'node:module';

const native = createRequire(import.meta.url)('../index.cjs');
if (!native.available) {
  console.log(`@scorekit/native not available: ${native.reason}`);
  process.exit(0);
}
const reps = Number(process.argv[2] ?? 7);
const only = process.argv[3] ?? '';
const heap = new ArrayBuffer(512 * 1024 * 1024);
const f = new Float32Array(heap);
for (let i = 0; i < f.length; i += 1024) f.fill(Math.sin(i), i, i + 1024);

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
function timeIt(call) {
  call();
  const ts = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    call();
    ts.push(performance.now() - t0);
  }
  return median(ts);
}

// [size, inC, outC, stride]: 3×3 'same' convolutions at batch 32
const layers = [
  [28, 32, 32, 1],
  [28, 64, 64, 1],
  [28, 96, 32, 1],
  [28, 32, 32, 2],
  [14, 64, 64, 1],
  [14, 128, 64, 1],
  [14, 64, 64, 2],
  [7, 64, 64, 1],
  [7, 128, 64, 1],
  [28, 32, 1, 1],
  [28, 1, 32, 1],
];
const batch = 32;
for (const [size, inC, outC, s] of layers) {
  const out = Math.ceil(size / s);
  const pad = s === 1 ? 1 : 0; // tfjs's 'same': 1 each side at stride 1; at stride 2 on an even size, 0 above, 1 below
  const x = 0;
  const w = x + (batch * size * size * inC + 16) * 4;
  const dy = w + (Math.ceil(outC / 16) * 9 * inC * 16) * 4;
  const o = dy + batch * out * out * outC * 4;
  const flops = 2 * batch * out * out * 9 * inC * outC;
  const line = [];
  for (const kind of ['conv', 'filter']) {
    if (only !== '' && only !== kind) continue;
    for (const threads of [1, 2]) {
      const ms =
        kind === 'conv'
          ? timeIt(() => native.conv2d(heap, x, batch, size, size, inC, pad, pad, w, 0, 3, 3, 1, 1, s, s, out, out, outC, o, outC, out * outC, out * out * outC, threads))
          : timeIt(() => native.conv2dFilterGrad(heap, x, batch, size, size, inC, pad, pad, dy, 3, 3, 1, 1, s, s, out, out, outC, o, threads));
      line.push(`${kind} ${threads}t ${ms.toFixed(2).padStart(6)} ms ${(flops / ms / 1e6).toFixed(1).padStart(5)}`);
    }
  }
  console.log(`${`${size}² ${inC}→${outC} s${s}`.padEnd(16)} ${line.join(' | ')}`);
}
