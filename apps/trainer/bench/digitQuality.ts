// Judges generated digits the way issue 14 asks: scorekit's own clean classifier (`scorekit train-classifier
// --dataset mnist`) reads each sample; a sample is a confident digit when its top class probability is ≥ 0.9.
// Prints, per .npy of samples [n, 28, 28, 1] in [−1, 1]: the confident fraction, each class's share of the
// confident digits (the goal: none under 5 % of all samples), and the Fréchet distance of the classifier's
// features against the held-out digits (`dataset:mnist:test`), beside real-versus-real: n training digits
// against the same held-out digits, so both FIDs have the same sample sizes.
// Usage: tsx --conditions=source bench/digitQuality.ts --classifier <dir> samples1.npy [samples2.npy …]
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@scorekit/core';
import { loadNpy } from '@scorekit/core/node';
import { loadMnist } from '@scorekit/data/node';
import { fid } from '@scorekit/metrics';
import { loadClassifierExtractor } from '@scorekit/metrics/node';

const args = process.argv.slice(2);
const at = args.indexOf('--classifier');
if (at < 0 || args[at + 1] == null) throw new Error('usage: digitQuality.ts --classifier <dir> samples.npy …');
const classifierDir = args[at + 1]!;
const files = args.filter((a, i) => i !== at && i !== at + 1);

const CONFIDENCE = 0.9;

async function main(): Promise<void> {
  await selectBackend();
  const features = await loadClassifierExtractor({ path: classifierDir, output: 'features' });
  const probabilities = await loadClassifierExtractor({ path: classifierDir, output: 'probabilities' });
  const test = await loadMnist({ split: 'test' });
  const train = await loadMnist({ split: 'train' });
  const asTensor = (data: Float32Array, n: number) => tf.tensor4d(data.subarray(0, n * 784), [n, 28, 28, 1]);
  const featuresOf = async (data: Float32Array, n: number) => {
    const x = asTensor(data, n);
    try {
      return await features.extract(x, { batchSize: 250 });
    } finally {
      x.dispose();
    }
  };
  const judge = async (data: Float32Array, n: number) => {
    const x = asTensor(data, n);
    const p = await probabilities.extract(x, { batchSize: 250 }).finally(() => x.dispose());
    const perClass = new Array<number>(10).fill(0);
    let confident = 0;
    for (let i = 0; i < n; i++) {
      const row = p.data.subarray(i * 10, i * 10 + 10);
      const top = Math.max(...row);
      if (top >= CONFIDENCE) {
        confident++;
        perClass[row.indexOf(top)]!++;
      }
    }
    return { confident: confident / n, classShares: perClass.map((c) => Number((c / n).toFixed(3))) };
  };
  const testFeatures = await featuresOf(test.images, test.shape[0]);
  const realOnReal = new Map<number, number>();
  const realJudged = await judge(test.images, test.shape[0]);
  console.log(JSON.stringify({ samples: 'dataset:mnist:test (real, held out)', n: test.shape[0], ...realJudged }));
  for (const file of files) {
    const npy = await loadNpy(file);
    const n = npy.shape[0]!;
    const data = npy.data instanceof Float32Array ? npy.data : Float32Array.from(npy.data as ArrayLike<number>);
    if (!realOnReal.has(n)) realOnReal.set(n, fid(await featuresOf(train.images, n), testFeatures));
    const judged = await judge(data, n);
    const fake = fid(await featuresOf(data, n), testFeatures);
    const rr = realOnReal.get(n)!;
    console.log(JSON.stringify({ samples: file, n, ...judged, minClassShare: Math.min(...judged.classShares), fid: Number(fake.toFixed(2)), realVsRealFid: Number(rr.toFixed(2)), fidRatio: Number((fake / rr).toFixed(2)) }));
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
