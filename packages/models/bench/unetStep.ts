// Training throughput of the U-Net presets: forward + backward + Adam update of ε-prediction denoising, batch 64 (cifar 8).
// `pnpm bench` (wasm by default; SCOREKIT_BACKEND=cpu|wasm|tensorflow to choose; argv[2] = mnist|cifar|all).
import * as tf from '@tensorflow/tfjs-core';
import { Rng, selectBackend } from '@scorekit/core';
import { VpSde } from '@scorekit/sde';
import { createNetwork, createScoreModel, UNET_PRESETS } from '../src/index.js';

async function main(): Promise<void> {
  const choice = await selectBackend({ backend: (process.env.SCOREKIT_BACKEND as 'wasm' | 'cpu' | 'tensorflow' | undefined) ?? 'wasm' });
  const which = process.argv[2] ?? 'mnist';
  const presets = which === 'all' ? (['mnist', 'cifar'] as const) : ([which] as ['mnist' | 'cifar']);
  for (const name of presets) {
    // cifar at batch ≥ 32 needs more than the wasm heap's 4 GiB (3.8 GB of live tensors in one forward pass).
    const batch = Number(process.env.BENCH_BATCH ?? (name === 'cifar' ? 8 : 64));
    const preset = UNET_PRESETS[name];
    if (!preset) throw new Error(`unknown preset ${name}; use mnist, cifar or all`);
    const network = createNetwork(preset, { rng: new Rng(0) });
    const model = createScoreModel(network, new VpSde(), { name: 'eps' });
    const optimizer = tf.train.adam(2e-4);
    const rng = new Rng(1);
    const shape = [batch, ...network.inputShape];
    const step = () => {
      const cost = tf.tidy(() => {
        const x0 = rng.normal(shape);
        const z = rng.normal(shape);
        const t = rng.uniform([batch], 1e-3, 1);
        const { mean, std } = model.sde.marginal(x0, t);
        const xt = tf.add(mean, tf.mul(tf.reshape(std, [batch, 1, 1, 1]), z));
        return optimizer.minimize(
          () => tf.mean(tf.square(tf.sub(model.predict(xt, t, { training: true, rng }).raw, z))) as tf.Scalar,
          true,
          network.trainableVariables(),
        ) as tf.Scalar;
      });
      cost.dataSync();
      cost.dispose();
    };
    step(); // warm-up: kernel compilation, optimizer slots
    const steps = Number(process.env.BENCH_STEPS ?? 3);
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) step();
    const seconds = (performance.now() - t0) / 1000;
    console.log(
      `unet ${name} (${network.parameterCount.toLocaleString('en')} params), batch ${batch}, ${choice.name}: ` +
        `${(steps / seconds).toFixed(3)} steps/s (${((seconds / steps) * 1000).toFixed(0)} ms/step, ${steps} steps)`,
    );
    network.dispose();
    optimizer.dispose();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
