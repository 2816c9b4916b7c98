// The gallery's single page: a hash router over the pages (runs, run, compare, evaluate, sample).
import { h } from './api.js';
import { runsPage } from './page-runs.js';
import { runPage } from './page-run.js';
import { comparePage } from './page-compare.js';
import { evaluatePage } from './page-evaluate.js';
import { samplePage } from './page-sample.js';

const routes = [
  [/^#?\/?$/, () => runsPage()],
  [/^#\/run\/([^/?]+)$/, (m) => runPage(decodeURIComponent(m[1]))],
  [/^#\/compare(?:\?(.*))?$/, (m) => comparePage(new URLSearchParams(m[1] ?? ''))],
  [/^#\/evaluate(?:\?(.*))?$/, (m) => evaluatePage(new URLSearchParams(m[1] ?? ''))],
  [/^#\/sample\/([^/?]+)$/, (m) => samplePage(decodeURIComponent(m[1]))],
];

let current = 0;
async function render() {
  const token = ++current;
  const main = document.getElementById('app');
  main.replaceChildren(h('p', { class: 'loading' }, 'Loading…'));
  try {
    const route = routes.find(([re]) => re.test(location.hash));
    const view = route ? await route[1](route[0].exec(location.hash)) : h('p', {}, `No page at ${location.hash}`);
    if (token === current) main.replaceChildren(view);
  } catch (e) {
    if (token === current) main.replaceChildren(h('p', { class: 'error' }, `Error: ${e.message}`));
  }
}
window.addEventListener('hashchange', render);
render();
