// Sampling in the browser on scorekit's own libraries (the bundle /assets/browser/scorekit.js: @scorekit/core,
// sde, models, samplers and TensorFlow.js): a checkpoint loaded into TensorFlow.js (WebGPU, then WebGL, then wasm,
// then cpu — core's automatic order), any registered sampler with its options, steps, seed and, for
// class-conditional runs, the class; classifier-free and classifier guidance with a scale where the run can take
// them (@scorekit/guidance, composed as `scorekit sample` does); progress while it samples; 2D runs drawn as a scatter with the learned score
// field and an ODE interpolation strip, image runs as a grid.
import { api, fileUrl, h } from './api.js';
import { imageGrid, scatterPlot, viewFor } from './charts.js';

const BUNDLE = '/assets/browser/scorekit.js';
const BROWSER_BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'];

async function loadLibrary() {
  try {
    return await import(BUNDLE);
  } catch (e) {
    throw new Error(`the sampling bundle ${BUNDLE} did not load (${e.message}); build it with \`pnpm --filter @scorekit/gallery build\``);
  }
}

async function fetchBytes(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: ${res.status} ${res.statusText}`);
  return new Uint8Array(await res.arrayBuffer());
}

/**
 * The form fields of a sampler's options, from its spec (`samplerOptionSpec`: name, kind, allowed values, help,
 * default); `steps` has its own field, and what a form cannot hold (lists, functions, init objects) keeps its default.
 */
function optionFields(spec) {
  const fields = [];
  for (const o of spec) {
    if (o.name === 'steps') continue;
    const id = `opt-${o.name}`;
    const title = o.help ? `${o.help} (${o.allowed})` : o.allowed;
    let input;
    if (o.kind === 'choice') {
      input = h('select', { id, 'data-option': o.name, 'data-kind': o.kind }, o.values.map((c) => h('option', { value: c, selected: c === o.default }, c)));
      if (o.default === undefined) input.prepend(h('option', { value: '', selected: true }, '(default)'));
    } else if (o.kind === 'boolean') {
      input = h('input', { id, type: 'checkbox', 'data-option': o.name, 'data-kind': o.kind, checked: o.default === true });
    } else if (o.kind === 'integer' || o.kind === 'number') {
      const value = typeof o.default === 'number' && Number.isFinite(o.default) ? o.default : undefined;
      input = h('input', { id, type: 'number', step: o.kind === 'integer' ? 1 : 'any', 'data-option': o.name, 'data-kind': o.kind, value, placeholder: value === undefined ? 'default' : undefined });
    } else {
      continue;
    }
    fields.push(h('label', { title }, `${o.name} `, input, ' '));
  }
  return fields;
}

/** The options the form holds: every filled field, typed by its kind. */
function readOptions(container) {
  const options = {};
  for (const input of container.querySelectorAll('[data-option]')) {
    const kind = input.dataset.kind;
    if (kind === 'boolean') options[input.dataset.option] = input.checked;
    else if (input.value !== '') options[input.dataset.option] = kind === 'choice' ? input.value : Number(input.value);
  }
  return options;
}

/**
 * The guidance controls: classifier-free guidance (`scorekit sample --cfg-scale`) for class-conditional runs trained
 * with label dropout, classifier guidance (`--classifier`) for runs with a noisy classifier in `<run>/classifier/`,
 * each with a scale w (and, for classifier guidance on an unconditional run, the classifier's class). A kind the run
 * cannot take is not offered, and a note says why. Returns the fieldset and `choice(classSelect)`: null for no
 * guidance, else `{ kind, scale, label }` as the page read it (checked by `guidanceProblems` before any work).
 */
function guidanceControls(available, modelClasses) {
  const offered = [
    ['classifier-free', available.classifierFree, 'classifier-free: (1 + w)·s(x, t, y) − w·s(x, t, ∅), the run’s own model with and without the class (diffusers’ guidance_scale = 1 + w)'],
    ['classifier', available.classifier, `classifier: s(x, t) + w·∇ log p(y | x_t, t) with the run’s noisy classifier (${available.classifierClasses} classes)`],
  ];
  const notes = h(
    'ul',
    { id: 'guidance-notes', class: 'muted' },
    offered.map(([kind, offer, meaning]) => h('li', { id: `guidance-note-${kind}`, 'data-available': offer.available ? 'yes' : 'no' }, offer.available ? meaning : `${kind}: not offered — ${offer.reason}`)),
  );
  const kinds = offered.filter(([, offer]) => offer.available).map(([kind]) => kind);
  const box = h('fieldset', { id: 'guidance' }, h('legend', {}, 'Guidance'));
  if (kinds.length === 0) {
    box.append(notes);
    return { element: box, choice: () => null };
  }
  const kind = h('select', { id: 'guidance-kind' }, h('option', { value: 'none' }, 'none'), kinds.map((k) => h('option', { value: k }, k)));
  const scale = h('input', { id: 'guidance-scale', type: 'number', min: 0, step: 'any', value: 1, title: 'w ≥ 0; 0 is the unguided model' });
  // Classifier guidance on an unconditional run picks the classifier's class here; conditional runs use their class selector.
  const ownClass =
    kinds.includes('classifier') && modelClasses < 1
      ? h('select', { id: 'guidance-class' }, h('option', { value: 'cycle' }, 'each class in turn'), Array.from({ length: available.classifierClasses }, (_, k) => h('option', { value: k }, `class ${k}`)))
      : null;
  const sync = () => {
    scale.disabled = kind.value === 'none';
    if (ownClass) ownClass.disabled = kind.value !== 'classifier';
  };
  kind.addEventListener('change', sync);
  sync();
  box.append(
    h('p', {}, h('label', {}, 'guidance ', kind, ' '), h('label', {}, 'scale w ', scale, ' '), ownClass ? h('label', {}, 'class ', ownClass) : null),
    notes,
  );
  const readClass = (select) => (select == null ? undefined : select.value === 'cycle' ? 'cycle' : Number(select.value));
  return {
    element: box,
    choice: (classSelect) => {
      if (kind.value === 'none') return null;
      const w = scale.value.trim() === '' ? Number.NaN : Number(scale.value);
      return { kind: kind.value, scale: w, label: readClass(kind.value === 'classifier' && ownClass ? ownClass : classSelect), caption: () => `${kind.value} guidance w = ${w}` };
    },
  };
}

/**
 * Interpolation through the probability-flow ODE between the first sample and the sample farthest from it within
 * the central 60% of the view (so that a stray outlier is not an end): @scorekit/samplers' `interpolate` (encode,
 * slerp the latents, decode; Heun, 50 steps), drawn as a strip of panels with the current point ringed.
 */
async function interpolationStrip(lib, model, points, view) {
  const a = [points[0], points[1]];
  const inner = 0.6 * view[1];
  let far = 0;
  for (let i = 0; i < points.length; i += 2) {
    if (Math.abs(points[i]) > inner || Math.abs(points[i + 1]) > inner) continue;
    if (Math.hypot(points[i] - a[0], points[i + 1] - a[1]) > Math.hypot(points[far] - a[0], points[far + 1] - a[1])) far = i;
  }
  const b = [points[far], points[far + 1]];
  const path = await lib.interpolatePoints(model, a, b, 9, 50);
  const fmt = (p) => `(${p.map((v) => v.toFixed(2)).join(', ')})`;
  const outside = (p) => p[0] < view[0] || p[0] > view[1] || p[1] < view[2] || p[1] > view[3];
  return h(
    'div',
    { id: 'interpolation' },
    h('h2', {}, 'Interpolation through the probability-flow ODE'),
    h('p', { class: 'muted' }, `From ${fmt(a)} to ${fmt(b)}: both encoded to latents, slerped, decoded (Heun, 50 steps).`),
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
  const lib = await loadLibrary();
  // The network's variant is `name` (`kind` in run folders written before).
  const images = (run.config?.network?.name ?? run.config?.network?.kind) !== 'mlp';
  const numClasses = run.config?.conditional ? Number(run.config?.network?.numClasses ?? 0) : 0;
  const field = (label, input) => h('label', {}, `${label} `, input, ' ');
  const backend = h('select', { id: 'backend' }, ['auto', ...BROWSER_BACKENDS].map((b) => h('option', { value: b }, b)));
  const checkpoint = h('select', { id: 'checkpoint' }, run.checkpoints.map((s, i) => h('option', { value: s, selected: i === run.checkpoints.length - 1 }, `step ${s}`)));
  const weights = h('select', { id: 'weights' }, h('option', { value: 'ema' }, 'EMA'), h('option', { value: 'weights' }, 'raw'));
  const runSampler = run.config?.sampler?.name;
  const sampler = h('select', { id: 'sampler' }, lib.SAMPLER_NAMES.map((s) => h('option', { value: s, selected: s === (lib.SAMPLER_NAMES.includes(runSampler) ? runSampler : 'dpm-solver++') }, s)));
  const steps = h('input', { id: 'steps', type: 'number', min: 1, max: 2000, value: 10 });
  const count = h('input', { id: 'count', type: 'number', min: 1, max: 20000, value: images ? 16 : 500 });
  const seed = h('input', { id: 'seed', type: 'number', min: 0, value: 0 });
  const label = numClasses > 0 ? h('select', { id: 'class' }, h('option', { value: 'cycle' }, 'each class in turn'), Array.from({ length: numClasses }, (_, k) => h('option', { value: k }, `class ${k}`))) : null;
  const available = lib.guidanceAvailability(name, { modelClasses: numClasses, labelDropout: numClasses > 0 ? Number(run.config?.labelDropout ?? 0) : 0 }, run.classifier ?? null, run.classifierProblem ?? undefined);
  const guidance = guidanceControls(available, numClasses);
  const fieldT = h('input', { id: 'field-t', type: 'number', min: 0.001, max: 1, step: 0.01, value: 0.05 });
  const options = h('p', { id: 'sampler-options' });
  const showOptions = () => options.replaceChildren(h('span', { class: 'muted' }, `${sampler.value} options: `), ...optionFields(lib.samplerOptionSpec(sampler.value)));
  sampler.addEventListener('change', showOptions);
  showOptions();
  const progress = h('progress', { id: 'progress', max: 1, value: 0 });
  const status = h('p', { id: 'sample-status', class: 'muted' });
  const output = h('div', { id: 'sample-output', class: 'row' });
  const go = h('button', { id: 'sample-button' }, 'Sample');
  go.addEventListener('click', async () => {
    go.disabled = true;
    output.replaceChildren();
    progress.value = 0;
    progress.dataset.updates = '0';
    const started = performance.now();
    let model;
    let classifier;
    try {
      // Guidance is checked before anything starts or loads: a bad scale or class is said at once.
      const guided = guidance.choice(label);
      if (guided) {
        const problems = lib.guidanceProblems(available, guided);
        if (problems.length > 0) throw new Error(problems.join('; '));
      }
      status.textContent = 'Starting TensorFlow.js…';
      const choice = await lib.startBackend(backend.value);
      const tensorsBefore = lib.liveTensors();
      status.textContent = `Backend ${choice.name}. Loading the checkpoint…`;
      const dir = `step-${String(checkpoint.value).padStart(9, '0')}`;
      const manifest = await api(fileUrl(name, 'checkpoints', dir, 'checkpoint.json'));
      const files = { weights: fileUrl(name, 'checkpoints', dir, 'weights.safetensors'), ema: fileUrl(name, 'checkpoints', dir, 'ema.safetensors') };
      model = await lib.loadRunModel(manifest, run.config, files, fetchBytes, weights.value === 'ema');
      if (guided?.kind === 'classifier') {
        status.textContent = `Backend ${choice.name}. Loading the classifier…`;
        const classifierManifest = await api(fileUrl(name, lib.CLASSIFIER_FOLDER, 'config.json'));
        classifier = await lib.loadRunClassifier(model, classifierManifest, fileUrl(name, lib.CLASSIFIER_FOLDER, 'weights.safetensors'), fetchBytes);
      }
      const total = Number(steps.value);
      const request = {
        sampler: sampler.value,
        options: { ...readOptions(options), steps: total },
        n: Number(count.value),
        seed: Number(seed.value),
        ...(guided
          ? { label: guided.label, guidance: { kind: guided.kind, scale: guided.scale, ...(classifier ? { classifier } : {}) } }
          : label
            ? { label: label.value === 'cycle' ? 'cycle' : Number(label.value) }
            : {}),
        onProgress: async (done, of) => {
          progress.value = of > 0 ? done / of : 0;
          progress.dataset.updates = String(Number(progress.dataset.updates) + 1);
          status.textContent = `Backend ${choice.name}. Step ${done} of ${of}…`;
          // Let the browser paint the bar before the next step.
          await new Promise((resolve) => setTimeout(resolve, 0));
        },
      };
      status.textContent = `Backend ${choice.name}. Sampling…`;
      const drawn = await lib.drawSamples(model, request);
      progress.value = 1;
      const caption = `${drawn.shape[0]} samples, ${sampler.value}, ${drawn.steps} steps (${drawn.nfe} NFE), seed ${seed.value}${guided ? `, ${guided.label === 'cycle' ? 'each class in turn' : `class ${guided.label}`}, ${guided.caption()}` : label ? `, ${label.selectedOptions[0].textContent}` : ''}, ${model.weights} weights`;
      let view;
      if (model.images) {
        output.append(h('figure', { class: 'card', id: 'sample-grid' }, imageGrid(drawn.shape, drawn.values, { zoom: drawn.shape[1] <= 16 ? 8 : 3 }), h('figcaption', {}, caption)));
      } else {
        view = viewFor(drawn.values);
        const t = Number(fieldT.value);
        const arrows = await lib.scoreField(model, t, view);
        output.append(
          h('figure', { class: 'card' }, scatterPlot(drawn.values, { view, size: 420, label: 'browser samples' }), h('figcaption', {}, caption)),
          h('figure', { class: 'card' }, scatterPlot(drawn.values, { view, size: 420, arrows, colour: 'rgba(31,119,180,0.25)', label: 'score field' }), h('figcaption', {}, `learned score field s(x, t = ${t}) as arrows (length scaled)`)),
        );
      }
      // Time to first sample: from the click to the samples drawn (backend start, checkpoint load, sampling).
      const ms = performance.now() - started;
      if (!model.images) {
        status.textContent = `Backend ${choice.name}. Interpolating…`;
        output.append(await interpolationStrip(lib, model, drawn.values, view));
      }
      model.dispose();
      model = undefined;
      classifier?.dispose();
      classifier = undefined;
      const leaked = lib.liveTensors() - tensorsBefore;
      status.textContent = `Done on ${choice.name}: samples drawn ${ms.toFixed(0)} ms after the click (backend start, checkpoint load and ${drawn.steps} steps).`;
      status.dataset.ms = ms.toFixed(0);
      status.dataset.backend = choice.name;
      // For the end-to-end test: the numbers drawn, to compare with the same run in Node.
      window.scorekitLastDraw = { guidance: guided ? { kind: guided.kind, scale: guided.scale, label: guided.label } : null, backend: choice.name, skipped: choice.skipped, values: Array.from(drawn.values), shape: drawn.shape, nfe: drawn.nfe, ms, leaked };
    } catch (e) {
      status.textContent = `Error: ${e.message}`;
    } finally {
      model?.dispose();
      classifier?.dispose();
      go.disabled = false;
    }
  });
  const parts = [
    h('p', {}, field('backend', backend), field('checkpoint', checkpoint), field('weights', weights)),
    h('p', {}, field('sampler', sampler), field('steps', steps), field(images ? 'images' : 'samples', count), field('seed', seed), label ? field('class', label) : null, images ? null : field('score field at t', fieldT)),
    options,
    guidance.element,
    h('p', {}, go, ' ', progress),
    status,
    output,
  ];
  page.append(...parts.filter((p) => p != null));
  return page;
}
