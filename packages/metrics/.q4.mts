import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
createRequire('/work/main/packages/core/package.json')('@tensorflow/tfjs-backend-wasm');
await tf.setBackend('wasm'); await tf.ready();
console.log(tf.getBackend(), tf.getKernel('BatchMatMul','wasm')?.kernelFunc.toString().slice(0,200));
const x = new Float32Array(512*2048).map(()=>Math.random());
let t=performance.now(); for (let i=0;i<10;i++) tf.tidy(()=>tf.matMul(tf.tensor2d(x,[512,2048]), tf.tensor2d(x,[2048,512])).dataSync()); console.log('from arrays x10', (performance.now()-t).toFixed(0));
const a = tf.randomNormal([512,2048]), b = tf.randomNormal([2048,512]);
t=performance.now(); for (let i=0;i<10;i++) tf.tidy(()=>tf.matMul(a,b).dataSync()); console.log('randomNormal x10', (performance.now()-t).toFixed(0));
