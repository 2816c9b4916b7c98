import { selectBackend } from '@scorekit/core';
import * as tf from '@tensorflow/tfjs';
await selectBackend({ backend: 'wasm' });
console.log(tf.getBackend());
const a = tf.randomNormal([512,512]), b = tf.randomNormal([512,512]);
for (let r=0;r<3;r++){ const t=performance.now(); for (let i=0;i<10;i++) tf.tidy(()=>tf.matMul(a,b).dataSync()); console.log('512^3 x10', (performance.now()-t).toFixed(0),'ms'); }
const x = new Float32Array(512*2048).fill(1);
let t=performance.now(); for (let i=0;i<10;i++) tf.tidy(()=>tf.matMul(tf.tensor2d(x,[512,2048]), tf.tensor2d(x,[2048,512])).dataSync()); console.log('from arrays x10', (performance.now()-t).toFixed(0));
