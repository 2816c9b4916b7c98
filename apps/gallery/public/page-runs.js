// The runs list: every run folder with its data, model, SDE and last metrics; malformed folders with the reason.
import { api, h, num } from './api.js';

export async function runsPage() {
  const { runs, malformed } = await api('/api/runs');
  const selected = new Set();
  const compare = h('button', { id: 'compare-selected', disabled: true, onclick: () => (location.hash = `#/compare?runs=${[...selected].map(encodeURIComponent).join(',')}`) }, 'Compare selected');
  const rows = runs.map((r) =>
    h(
      'tr',
      { 'data-run': r.name },
      h('td', {}, h('input', { type: 'checkbox', 'aria-label': `select ${r.name}`, onchange: (e) => { if (e.target.checked) selected.add(r.name); else selected.delete(r.name); compare.disabled = selected.size < 2; } })),
      h('td', {}, h('a', { href: `#/run/${encodeURIComponent(r.name)}` }, r.name)),
      h('td', {}, r.dataset),
      h('td', {}, r.model),
      h('td', {}, r.sde),
      h('td', {}, r.objective),
      h('td', { class: 'num' }, `${r.stepsDone}${r.stepsPlanned != null ? ` / ${r.stepsPlanned}` : ''}`),
      h('td', {}, r.status),
      h('td', { class: 'num' }, num(r.lastMetrics?.loss)),
      h('td', { class: 'num' }, num(r.lastMetrics?.gradNorm)),
      h('td', { class: 'num' }, num(r.lastMetrics?.stepsPerSec)),
      h('td', { class: 'num' }, r.checkpoints),
    ),
  );
  return h(
    'section',
    {},
    h('h1', {}, `Runs (${runs.length})`),
    runs.length === 0
      ? h('p', { class: 'muted' }, 'No runs yet: train one with scorekit train --preset 2d --out <runs>/demo')
      : h(
          'table',
          { id: 'runs' },
          h('thead', {}, h('tr', {}, ...['', 'run', 'dataset', 'model', 'SDE', 'objective', 'steps', 'status', 'last loss', 'grad norm', 'steps/s', 'checkpoints'].map((t) => h('th', {}, t)))),
          h('tbody', {}, rows),
        ),
    h('p', {}, compare),
    malformed.length > 0
      ? h(
          'div',
          { id: 'malformed' },
          h('h2', {}, `Folders that are not readable runs (${malformed.length})`),
          h('ul', {}, malformed.map((m) => h('li', {}, h('code', {}, m.name), ': ', m.reason))),
        )
      : null,
  );
}
