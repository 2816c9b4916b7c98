// Sampling in the browser: a checkpoint loaded into TensorFlow.js (WebGPU, then WebGL, then wasm, then cpu),
// with sampler, steps and seed, progress while it runs, and the result drawn with the learned score field.
import { api, fileUrl, h } from './api.js';
import { scatterPlot, viewFor } from './charts.js';
import { BROWSER_SAMPLERS, createMlpScoreModel, interpolateOde, readSafetensors, sampleInBrowser, scoreField } from './browserSampler.js';

const BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'];
const loadedScripts = new Map();

function loadScript(src) {
  if (!loadedScripts.has(src)) {
    loadedScripts.set(src, new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = src;
      s.onload = resolve;
      s.onerror = () => reject(new Error(`could not load ${src}`));
      document.head.append(s);
    }));
  }
  return loadedScripts.get(src);
}

/** Loads TensorFlow.js and switches to `wanted`, or to the first of WebGPU, WebGL, wasm, cpu that starts. */
async function startBackend(wanted) {
  await loadScript('/vendor/tf.es2017.min.js');
  const tf = window.tf;
  const order = wanted === 'auto' ? BACKENDS : [wanted];
  const tried = [];
  for (const name of order) {
    try {
      if (name === 'webgpu') {
        if (!('gpu' in navigator)) throw new Error('navigator.gpu is absent');
        await loadScript('/vendor/tf-backend-webgpu.es2017.min.js');
      }
      if (name === 'wasm') {
        await loadScript('/vendor/tf-backend-wasm.es2017.min.js');
        tf.wasm.setWasmPaths('/vendor/');
      }
      if (await tf.setBackend(name)) {
        await tf.ready();
        return { tf, backend: name, tried };
      }
      tried.push(`${name}: did not start`);
    } catch (e) {
      tried.push(`${name}: ${e.message}`);
    }
  }
  throw new Error(`no TensorFlow.js backend started (${tried.join('; ')})`);
}

async function fetchBytes(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: ${res.status} ${res.statusText}`);
  return res.arrayBuffer();
}

/**
 * Interpolation through the probability-flow ODE between the first sample and the sample farthest from it within
 * the central 60% of the view (so that a stray outlier is not an end): encode both, slerp the latents, decode
 * (DDIM, 50 steps), drawn as a strip of panels with the current point ringed and its coordinates below — a young
 * model can send the in-between latents far outside the view, and the caption says so.
 */
async function interpolationStrip(tf, model, points, view) {
  const a = [points[0], points[1]];
  const inner = 0.6 * view[1];
  let far = 0;
  for (let i = 0; i < points.length; i += 2) {
    if (Math.abs(points[i]) > inner || Math.abs(points[i + 1]) > inner) continue;
    if (Math.hypot(points[i] - a[0], points[i + 1] - a[1]) > Math.hypot(points[far] - a[0], points[far + 1] - a[1])) far = i;
  }
  const b = [points[far], points[far + 1]];
  const path = await interpolateOde(tf, model, a, b, { count: 9, steps: 50 });
  const fmt = (p) => `(${p.map((v) => v.toFixed(2)).join(', ')})`;
  const outside = (p) => p[0] < view[0] || p[0] > view[1] || p[1] < view[2] || p[1] > view[3];
  return h(
    'div',
    { id: 'interpolation' },
    h('h2', {}, 'Interpolation through the probability-flow ODE'),
    h('p', { class: 'muted' }, `From ${fmt(a)} to ${fmt(b)}: both encoded to latents, slerped, decoded (DDIM, 50 steps).`),
    h('div', { class: 'row' }, path.map((p, k) => h('figure', { class: 'card' }, scatterPlot(points, { view, size: 120, colour: 'rgba(31,119,180,0.2)', marks: [p] }), h('figcaption', {}, `λ = ${(k / (path.length - 1)).toFixed(3)}`, h('br'), `${fmt(p)}${outside(p) ? ' off view' : ''}`)))),
  );
}

export async function samplePage(name) {
  const run = await api(`/api/runs/${encodeURIComponent(name)}`);
  const page = h('section', { id: 'sample' }, h('h1', {}, `Sample ${name} in the browser`));
  if (run.checkpoints.length === 0) {
    page.append(h('p', { class: 'muted' }, 'This run has no checkpoint yet.'));
    return page;
  }
  const field = (label, input) => h('label', {}, `${label} `, input, ' ');
  const backend = h('select', { id: 'backend' }, ['auto', ...BACKENDS].map((b) => h('option', { value: b }, b)));
  const checkpoint = h('select', { id: 'checkpoint' }, run.checkpoints.map((s, i) => h('option', { value: s, selected: i === run.checkpoints.length - 1 }, `step ${s}`)));
  const weights = h('select', { id: 'weights' }, h('option', { value: 'ema' }, 'EMA'), h('option', { value: 'weights' }, 'raw'));
  const sampler = h('select', { id: 'sampler' }, BROWSER_SAMPLERS.map((s) => h('option', { value: s }, s)));
  const steps = h('input', { id: 'steps', type: 'number', min: 1, max: 2000, value: 10 });
  const count = h('input', { id: 'count', type: 'number', min: 1, max: 20000, value: 500 });
  const seed = h('input', { id: 'seed', type: 'number', min: 0, value: 0 });
  const fieldT = h('input', { id: 'field-t', type: 'number', min: 0.001, max: 1, step: 0.01, value: 0.05 });
  const progress = h('progress', { id: 'progress', max: 1, value: 0 });
  const status = h('p', { id: 'sample-status', class: 'muted' });
  const output = h('div', { id: 'sample-output', class: 'row' });
  const go = h('button', { id: 'sample-button' }, 'Sample');
  go.addEventListener('click', async () => {
    go.disabled = true;
    output.replaceChildren();
    progress.value = 0;
    const started = performance.now();
    let tf;
    const owned = [];
    try {
      status.textContent = 'Starting TensorFlow.js…';
      const started_ = await startBackend(backend.value);
      tf = started_.tf;
      status.textContent = `Backend ${started_.backend}. Loading the checkpoint…`;
      const dir = `step-${String(checkpoint.value).padStart(9, '0')}`;
      const manifest = await (await fetch(fileUrl(name, 'checkpoints', dir, 'checkpoint.json'))).json();
      const bytes = await fetchBytes(fileUrl(name, 'checkpoints', dir, `${weights.value}.safetensors`)).catch(() => fetchBytes(fileUrl(name, 'checkpoints', dir, 'weights.safetensors')));
      const { tensors } = readSafetensors(tf, bytes);
      owned.push(...Object.values(tensors));
      const config = manifest.config ?? run.config;
      const model = createMlpScoreModel(tf, { network: manifest.network ?? config.network, sde: config.sde, scoreModel: config.scoreModel }, tensors);
      const total = Number(steps.value);
      status.textContent = `Backend ${started_.backend}. Sampling…`;
      const samples = await sampleInBrowser(tf, model, {
        sampler: sampler.value,
        steps: total,
        n: Number(count.value),
        seed: Number(seed.value),
        onProgress: async (k) => {
          progress.value = k / total;
          status.textContent = `Backend ${started_.backend}. Step ${k} of ${total}…`;
          await tf.nextFrame();
        },
      });
      const points = await samples.data();
      samples.dispose();
      const view = viewFor(points);
      const t = Number(fieldT.value);
      const arrows = scoreField(tf, model, t, view);
      output.append(
        h('figure', { class: 'card' }, scatterPlot(points, { view, size: 420, label: 'browser samples' }), h('figcaption', {}, `${points.length / 2} samples, ${sampler.value}, ${total} steps, seed ${seed.value}`)),
        h('figure', { class: 'card' }, scatterPlot(points, { view, size: 420, arrows, colour: 'rgba(31,119,180,0.25)', label: 'score field' }), h('figcaption', {}, `learned score field s(x, t = ${t}) as arrows (length scaled)`)),
      );
      // Time to first sample: from the click to the samples drawn (backend start, checkpoint load, sampling).
      const ms = performance.now() - started;
      status.textContent = `Backend ${started_.backend}. Interpolating…`;
      output.append(await interpolationStrip(tf, model, points, view));
      status.textContent = `Done on ${started_.backend}: samples drawn ${ms.toFixed(0)} ms after the click (backend start, checkpoint load and ${total} steps).`;
      status.dataset.ms = ms.toFixed(0);
      status.dataset.backend = started_.backend;
    } catch (e) {
      status.textContent = `Error: ${e.message}`;
    } finally {
      if (tf) tf.dispose(owned);
      go.disabled = false;
    }
  });
  page.append(
    h('p', {}, field('backend', backend), field('checkpoint', checkpoint), field('weights', weights)),
    h('p', {}, field('sampler', sampler), field('steps', steps), field('samples', count), field('seed', seed), field('score field at t', fieldT)),
    h('p', {}, go, ' ', progress),
    status,
    output,
    h('p', { class: 'muted' }, 'MLP (2D) checkpoints on the VP, sub-VP and VE SDEs; image runs are sampled once the scorekit packages load in browsers.'),
  );
  return page;
}
