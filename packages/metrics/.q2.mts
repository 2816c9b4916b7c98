import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
createRequire('/work/main/packages/core/package.json')('@tensorflow/tfjs-backend-wasm');
import { precisionRecall, featureStatistics, fid } from './src/index.js';
await tf.setBackend('wasm'); await tf.ready();
const n = +process.argv[2], d = +process.argv[3];
let seed = 1; const rnd = () => { seed = (seed * 16807) % 2147483647; return seed / 2147483647; };
const gen = (m: number, s: number) => { const a = new Float32Array(n*d); for (let i=0;i<a.length;i+=2){ const r=Math.sqrt(-2*Math.log(rnd())), th=2*Math.PI*rnd(); a[i]=m+s*r*Math.cos(th); if(i+1<a.length) a[i+1]=m+s*r*Math.sin(th);} return a; };
const X = { data: gen(0,1), shape: [n,d] as [number,number] };
const Y = { data: gen(0.1,1.1), shape: [n,d] as [number,number] };
let t = performance.now(); const pr = precisionRecall(X, Y); console.log('PR', pr, ((performance.now()-t)/1000).toFixed(2));
t = performance.now(); const s = featureStatistics(X); console.log('stats', ((performance.now()-t)/1000).toFixed(2));
if (process.argv[4]) { t = performance.now(); console.log('fid', fid(X, Y), ((performance.now()-t)/1000).toFixed(2)); }
