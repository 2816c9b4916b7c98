// Runs side by side: loss curves on one chart, each run's sample sets (checkpoints and samplers) on one scale.
import { api, h, num } from './api.js';
import { drawSamples, lineChart, viewFor } from './charts.js';
import { nfeChart } from './page-run.js';

export async function comparePage(params) {
  const { runs } = await api('/api/runs');
  const chosen = (params.get('runs') ?? '').split(',').filter((n) => runs.some((r) => r.name === n));
  const picker = h(
    'form',
    { id: 'compare-picker', onsubmit: (e) => { e.preventDefault(); const names = [...new FormData(e.target).keys()]; location.hash = `#/compare?runs=${names.map(encodeURIComponent).join(',')}`; } },
    runs.map((r) => h('label', {}, h('input', { type: 'checkbox', name: r.name, checked: chosen.includes(r.name) }), ` ${r.name} `)),
    h('button', { type: 'submit' }, 'Compare'),
  );
  const page = h('section', { id: 'compare' }, h('h1', {}, 'Compare runs and samplers'), picker);
  if (chosen.length === 0) {
    page.append(h('p', { class: 'muted' }, 'Pick runs to compare.'));
    return page;
  }
  const details = await Promise.all(chosen.map((n) => api(`/api/runs/${encodeURIComponent(n)}`)));
  page.append(
    h(
      'table',
      {},
      h('thead', {}, h('tr', {}, ['run', 'dataset', 'model', 'SDE', 'objective', 'steps', 'last loss'].map((t) => h('th', {}, t)))),
      h('tbody', {}, details.map(({ summary: s }) => h('tr', {}, h('td', {}, s.name), h('td', {}, s.dataset), h('td', {}, s.model), h('td', {}, s.sde), h('td', {}, s.objective), h('td', { class: 'num' }, s.stepsDone), h('td', { class: 'num' }, num(s.lastMetrics?.loss))))),
    ),
  );
  page.append(h('h2', {}, 'Loss'), lineChart({ series: details.map((d) => ({ name: d.summary.name, points: d.metrics.filter((p) => 'loss' in p).map((p) => [p.step, p.loss]) })), xLabel: 'step', yLabel: 'training loss', logY: true, width: 720 }));

  page.append(h('h2', {}, 'Samples side by side'));
  const slices = await Promise.all(
    details.map((d) => Promise.all(d.sampleSets.map(async (set) => ({ set, slice: await api(`/api/runs/${encodeURIComponent(d.summary.name)}/samples/${encodeURIComponent(set.file)}?count=${d.summary.kind === 'points' ? 2000 : 36}`) })))),
  );
  const pointSets = slices.flat().filter((x) => x.slice.shape.length === 2).map((x) => x.slice.data);
  const view = pointSets.length ? viewFor(...pointSets) : undefined;
  details.forEach((d, i) => {
    page.append(
      h('h3', {}, d.summary.name),
      h('div', { class: 'row' }, slices[i].map(({ set, slice }) => h('figure', { class: 'card' }, drawSamples(slice, { view, size: 240 }), h('figcaption', {}, set.step != null ? `step ${set.step}` : set.file.replace(/\.npy$/, ''))))),
    );
  });
  for (const d of details) if (d.nfeQuality != null && d.nfeQuality.points.length > 0) page.append(h('h3', {}, `${d.summary.name}: samplers`), nfeChart(d.nfeQuality));
  return page;
}
