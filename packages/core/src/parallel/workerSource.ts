// The body of a compute worker thread, evaluated as CommonJS by `new Worker(source, { eval: true })` so that it
// needs no file of its own (it runs the same from TypeScript sources under vitest and from dist/). It instantiates
// the generated kernel modules on the shared memory it is given (or on a job's own shared memory, until told to
// drop that instance) and runs "grid" jobs: one export called for every
// (i, j) of an n1 × n2 grid with arguments affine in i and j, written by the main thread into a control array,
// and reports how long each job kept it busy (so the main thread can balance the next split).
export const WORKER_SOURCE = String.raw`
'use strict';
const { workerData, receiveMessageOnPort } = require('node:worker_threads');
const { memory, control, port, busySlot } = workerData;
const ctl = new Int32Array(control);
const SEQ = 0, DONE = 1, ERR = 2, READY = 3, JOB = 4;
const modules = [];
function drain() {
  for (;;) {
    const m = receiveMessageOnPort(port);
    if (m === undefined) return;
    const { id, module, names, memory: own, drop } = m.message;
    if (drop) { modules[id] = undefined; continue; }
    const ex = new WebAssembly.Instance(module, { env: { memory: own || memory } }).exports;
    modules[id] = names.map((n) => ex[n]);
  }
}
function run() {
  const mod = ctl[JOB], fn = ctl[JOB + 1], n1 = ctl[JOB + 2], n2 = ctl[JOB + 3], nargs = ctl[JOB + 4];
  if (mod < 0) { drain(); return; }
  while (modules[mod] === undefined) { drain(); if (modules[mod] === undefined) Atomics.wait(ctl, ERR, 0, 1); }
  const f = modules[mod][fn];
  const base = [], si = [], sj = [];
  for (let k = 0; k < nargs; k++) {
    base.push(ctl[JOB + 5 + 3 * k]); si.push(ctl[JOB + 6 + 3 * k]); sj.push(ctl[JOB + 7 + 3 * k]);
  }
  const args = new Array(nargs);
  for (let i = 0; i < n1; i++) {
    for (let j = 0; j < n2; j++) {
      for (let k = 0; k < nargs; k++) args[k] = base[k] + i * si[k] + j * sj[k];
      f(...args);
    }
  }
}
let last = Atomics.load(ctl, SEQ);
Atomics.store(ctl, READY, 1);
for (;;) {
  const s = Atomics.load(ctl, SEQ);
  if (s === last) { Atomics.wait(ctl, SEQ, s); continue; }
  last = s;
  if (s < 0) break;
  const t0 = performance.now();
  try { drain(); run(); } catch (e) { Atomics.store(ctl, ERR, 1); console.error('scorekit wasm worker:', e); }
  ctl[busySlot] = Math.round((performance.now() - t0) * 1000);
  Atomics.store(ctl, DONE, s);
  Atomics.notify(ctl, DONE);
}
`;
