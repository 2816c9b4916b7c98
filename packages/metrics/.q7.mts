import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module'; createRequire('/work/main/packages/core/package.json')('@tensorflow/tfjs-backend-wasm');
for (const b of ['cpu','wasm']) {
  await tf.setBackend(b); await tf.ready();
  const x = new Float32Array(1024*8).map(()=>Math.random()); const y = new Float32Array(8*1024).map(()=>Math.random());
  const yt = tf.tensor2d(y,[8,1024]);
  let t = performance.now(); for (let i=0;i<5;i++) tf.tidy(()=>tf.matMul(tf.tensor2d(x,[1024,8]), yt).dataSync()); console.log(b, 'mm', ((performance.now()-t)/5).toFixed(1));
  let g = tf.tidy(()=>tf.matMul(tf.tensor2d(x,[1024,8]), yt).dataSync()) as Float32Array;
  t = performance.now(); const sq = new Float64Array(1024*1024); for (let i=0;i<1024;i++) for (let j=0;j<1024;j++){ const v = 1+2-2*g[i*1024+j]; sq[i*1024+j]= v>0?v:0;} console.log(b,'loop', (performance.now()-t).toFixed(1));
  yt.dispose();
}
