// Human evaluation: blind pairs from two sample sets in random order, a vote per aspect, win rates with intervals.
import { api, h } from './api.js';
import { drawSamples, viewFor } from './charts.js';

const QUESTIONS = {
  fidelity: 'Which is more faithful to its class (or to the data)?',
  aesthetics: 'Which looks better?',
  defects: 'Which has fewer defects?',
  overall: 'Which do you prefer overall?',
};

export async function evaluatePage(params) {
  const { sources } = await api('/api/eval/sources');
  const page = h('section', { id: 'evaluate' }, h('h1', {}, 'Human evaluation'));
  if (sources.length < 2) {
    page.append(h('p', { class: 'muted' }, 'Two sample sets are needed (samples/*.npy in the runs).'));
    return page;
  }
  const wantRun = params.get('a');
  const first = sources.find((s) => s.run === wantRun) ?? sources[0];
  const second = sources.find((s) => s.id !== first.id && s.run !== first.run) ?? sources.find((s) => s.id !== first.id);
  const select = (id, value) => h('select', { id }, sources.map((s) => h('option', { value: s.id, selected: s.id === value }, s.id)));
  const selA = select('source-a', first.id);
  const selB = select('source-b', second.id);
  const arena = h('div', { id: 'arena' });
  const results = h('div', { id: 'results' });
  const status = h('p', { class: 'muted', id: 'vote-status' });
  page.append(
    h('p', {}, 'Compare ', selA, ' with ', selB, ' ', h('button', { id: 'next-pair', onclick: () => nextPair() }, 'Show a pair')),
    h('p', { class: 'muted' }, 'The two sets are shown in random order and unnamed; 2D sets are judged as whole scatter plots, image sets one image at a time.'),
    arena,
    status,
    h('h2', {}, 'Win rates'),
    results,
  );

  async function nextPair() {
    if (selA.value === selB.value) {
      status.textContent = 'Pick two different sample sets.';
      return;
    }
    const pair = await api('/api/eval/pair', { a: selA.value, b: selB.value }).catch((e) => {
      status.textContent = e.message;
      return null;
    });
    if (!pair) return;
    const points = pair.left.shape.length === 2;
    const view = points ? viewFor(pair.left.data, pair.right.data) : undefined;
    const side = (label, slice) => h('div', { class: 'side card' }, drawSamples(slice, points ? { view, size: 300 } : { zoom: 8 }), h('div', {}, label));
    const form = h('form', { id: 'vote-form' });
    for (const aspect of pair.aspects) {
      form.append(
        h('fieldset', { 'data-aspect': aspect }, h('legend', {}, QUESTIONS[aspect] ?? aspect), pair.choices.map((c) => h('label', {}, h('input', { type: 'radio', name: aspect, value: c, required: true }), ` ${c}`))),
      );
    }
    form.append(h('button', { type: 'submit', id: 'submit-vote' }, 'Vote'));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const choices = Object.fromEntries(new FormData(form).entries());
      try {
        await api('/api/eval/vote', { pairId: pair.pairId, choices });
        status.textContent = 'Vote recorded.';
        await showResults();
        await nextPair();
      } catch (err) {
        status.textContent = err.message;
      }
    });
    arena.replaceChildren(h('div', { class: 'pair' }, side('left', pair.left), side('right', pair.right)), form);
  }

  async function showResults() {
    const r = await api('/api/eval/results');
    if (r.rows.length === 0) {
      results.replaceChildren(h('p', { class: 'muted' }, 'No votes yet.'));
      return;
    }
    const pct = (v) => `${(100 * v).toFixed(0)}%`;
    results.replaceChildren(
      h('p', {}, `${r.votes} judged pair${r.votes === 1 ? '' : 's'}${r.badLines.length ? ` (${r.badLines.length} unreadable line(s) skipped)` : ''}. Rate: A's share of the decided votes, ties left out, with a 95% Wilson interval.`),
      h(
        'table',
        { id: 'win-rates' },
        h('thead', {}, h('tr', {}, ['A', 'B', 'aspect', 'A wins', 'B wins', 'ties', 'A win rate', '95% interval'].map((t) => h('th', {}, t)))),
        h(
          'tbody',
          {},
          r.rows.map((row) =>
            h('tr', {}, h('td', {}, row.a), h('td', {}, row.b), h('td', {}, row.aspect), h('td', { class: 'num' }, row.winsA), h('td', { class: 'num' }, row.winsB), h('td', { class: 'num' }, row.ties), h('td', { class: 'num' }, row.winsA + row.winsB > 0 ? pct(row.rateA.estimate) : '—'), h('td', { class: 'num' }, `${pct(row.rateA.lower)} – ${pct(row.rateA.upper)}`)),
          ),
        ),
      ),
    );
  }

  await showResults();
  return page;
}
