// A run page: config, loss and metric curves, sample grids per checkpoint, trajectory slider, NFE chart.
import { api, fileUrl, h, num } from './api.js';
import { densityPlot, drawSamples, lineChart, viewFor } from './charts.js';

const CURVES = [
  ['loss', 'training loss', true],
  ['gradNorm', 'gradient norm (before clipping)', true],
  ['lr', 'learning rate', false],
  ['stepsPerSec', 'steps per second', false],
];

export async function runPage(name) {
  const run = await api(`/api/runs/${encodeURIComponent(name)}`);
  const s = run.summary;
  const page = h('section', { id: 'run' }, h('h1', {}, name), h('p', {}, `${s.dataset} · ${s.model} · ${s.sde} SDE · ${s.objective} · step ${s.stepsDone}${s.stepsPlanned != null ? ` of ${s.stepsPlanned}` : ''} · ${s.status}`));
  page.append(h('p', {}, h('a', { href: `#/sample/${encodeURIComponent(name)}` }, 'Sample in the browser'), ' · ', h('a', { href: `#/evaluate?a=${encodeURIComponent(name)}` }, 'Judge its samples')));
  if (run.warnings.length > 0) page.append(h('ul', { class: 'warning' }, run.warnings.map((w) => h('li', {}, w))));

  page.append(h('h2', {}, 'Curves'));
  const charts = h('div', { class: 'row', id: 'curves' });
  for (const [key, label, logY] of CURVES) {
    const points = run.metrics.filter((p) => key in p).map((p) => [p.step, p[key]]);
    if (points.length > 0) charts.append(lineChart({ series: [{ name: key, points }], xLabel: 'step', yLabel: label, logY: logY && points.every(([, y]) => y > 0) }));
  }
  if (charts.childElementCount === 0) charts.append(h('p', { class: 'muted' }, 'No metrics logged yet.'));
  page.append(charts);

  page.append(h('h2', {}, 'Samples'));
  const grids = h('div', { class: 'row', id: 'samples' });
  // Sets with a PNG (the trainer's) show it; the others (sampler outputs) are drawn from their arrays, all 2D sets
  // on one common view so that they compare.
  const drawn = await Promise.all(
    run.sampleSets
      .filter((set) => set.png == null)
      .map((set) => api(`/api/runs/${encodeURIComponent(name)}/samples/${encodeURIComponent(set.file)}?count=${s.kind === 'points' ? 2000 : 36}`).then((slice) => [set.file, slice])),
  );
  const slices = new Map(drawn);
  const view = s.kind === 'points' && drawn.length > 0 ? viewFor(...drawn.map(([, slice]) => slice.data)) : undefined;
  for (const set of run.sampleSets) {
    const caption = set.step != null ? `step ${set.step}` : set.file.replace(/\.npy$/, '');
    const picture = set.png != null ? h('img', { src: fileUrl(name, 'samples', set.png), alt: `samples at ${caption}`, class: 'sample-grid' }) : drawSamples(slices.get(set.file), { view });
    grids.append(h('figure', { class: 'card' }, picture, h('figcaption', {}, caption)));
  }
  if (run.sampleSets.length === 0) grids.append(h('p', { class: 'muted' }, 'No samples yet.'));
  page.append(grids);

  if (s.kind === 'points') {
    const density = await densityView(name, run);
    if (density) page.append(density);
  }
  if (run.trajectories.length > 0) page.append(await trajectoryView(name, run.trajectories, s.kind));
  if (run.nfeQuality != null && run.nfeQuality.points.length > 0) page.append(nfeChart(run.nfeQuality));

  page.append(h('h2', {}, 'Checkpoints'), h('p', {}, run.checkpoints.length ? run.checkpoints.map((c) => `step ${c}`).join(', ') : 'none'));
  if (run.classifier) {
    // The run-folder convention: <run>/classifier/ holds the noisy classifier the sampling page guides with.
    const c = run.classifier;
    const acc = c.heldOutAccuracyAtEps != null ? `; held-out accuracy ${num(c.heldOutAccuracyAtEps)} near t = 0, ${num(c.heldOutAccuracyAtHalfT)} at T/2` : '';
    page.append(h('h2', {}, 'Noisy classifier'), h('p', { id: 'run-classifier' }, `classifier/: ${c.name}, ${c.numClasses} classes, samples [${c.dataShape.join(', ')}], ${c.sde} SDE${acc} — `, h('a', { href: `#/sample/${encodeURIComponent(name)}` }, 'sample with classifier guidance')));
  }
  page.append(h('h2', {}, 'Config'), h('pre', { class: 'config' }, JSON.stringify(run.config, null, 2)));
  return page;
}

/**
 * The density of a 2D run's latest checkpoint samples (histogram) with the exact density's highest-density
 * contours where the data is an analytic mixture; any sample set can be picked.
 */
async function densityView(name, run) {
  const sets = run.sampleSets;
  if (sets.length === 0) return null;
  const latest = [...sets].filter((set) => set.step != null).sort((a, b) => b.step - a.step)[0] ?? sets[0];
  const pick = h('select', { id: 'density-set', 'aria-label': 'sample set' }, sets.map((set) => h('option', { value: set.file, selected: set === latest }, set.step != null ? `step ${set.step}` : set.file.replace(/\.npy$/, ''))));
  const holder = h('figure', { class: 'card' });
  const draw = async () => {
    const slice = await api(`/api/runs/${encodeURIComponent(name)}/samples/${encodeURIComponent(pick.value)}?count=20000`);
    const view = viewFor(slice.data);
    const note = run.knownDensity ? 'contours: the exact density’s regions holding 50%, 90% and 99% of the mass' : 'no exact density known for this data set';
    holder.replaceChildren(densityPlot(slice.data, { view, mixture: run.knownDensity }), h('figcaption', {}, `${slice.shape[0]} samples as a histogram; ${note}`));
  };
  pick.addEventListener('change', draw);
  await draw();
  return h('div', { id: 'density' }, h('h2', {}, 'Density'), h('p', {}, pick), holder);
}

/** The denoising trajectory: a slider from the first recorded state (noise) to the last (the samples). */
async function trajectoryView(name, trajectories, kind) {
  const pick = h('select', { 'aria-label': 'trajectory' }, trajectories.map((t, i) => h('option', { value: i }, `step ${t.step} (${t.sampler})`)));
  const slider = h('input', { type: 'range', min: 0, max: 0, value: 0, id: 'trajectory-slider', 'aria-label': 'trajectory state' });
  const label = h('span', { class: 'muted' });
  const holder = h('div', { class: 'card inline' });
  let slice = null;
  let view = null;
  const draw = () => {
    if (!slice) return;
    const k = Number(slider.value);
    const [states, ...rest] = slice.shape;
    const per = rest.reduce((a, b) => a * b, 1);
    const data = slice.data.slice(k * per, (k + 1) * per);
    holder.replaceChildren(drawSamples({ shape: rest, data }, kind === 'points' ? { view } : {}));
    const t = trajectories[Number(pick.value)].times[k];
    label.textContent = `state ${k + 1} of ${states}${t != null ? `, t = ${Number(t.toPrecision(3))}` : ''}`;
  };
  const load = async () => {
    const t = trajectories[Number(pick.value)];
    slice = await api(`/api/runs/${encodeURIComponent(name)}/trajectories/${encodeURIComponent(t.file)}?count=${kind === 'points' ? 512 : 16}`);
    slider.max = String(slice.shape[0] - 1);
    slider.value = '0';
    view = kind === 'points' ? viewFor(slice.data) : null;
    draw();
  };
  slider.addEventListener('input', draw);
  pick.addEventListener('change', load);
  await load();
  return h('div', { id: 'trajectory' }, h('h2', {}, 'Denoising trajectory'), h('p', {}, pick, ' ', slider, ' ', label), holder);
}

/** Sample quality against the number of function evaluations, one line per sampler. */
export function nfeChart({ metric, points }) {
  const samplers = [...new Set(points.map((p) => p.sampler))];
  const series = samplers.map((name) => ({ name, points: points.filter((p) => p.sampler === name).map((p) => [p.nfe, p.value]).sort((a, b) => a[0] - b[0]) }));
  const positive = points.every((p) => p.value > 0);
  return h('div', { id: 'nfe-quality' }, h('h2', {}, 'Samplers: quality against NFE'), lineChart({ series, xLabel: 'function evaluations (NFE)', yLabel: metric.length > 40 ? 'distance (lower is better)' : metric, logY: positive, logX: true, markers: true, title: metric }));
}
