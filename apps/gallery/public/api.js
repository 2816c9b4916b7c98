// The gallery's JSON API, and small DOM helpers shared by the pages.

/** GET or POST JSON; throws an Error carrying the server's message. */
export async function api(path, body) {
  const res = await fetch(path, body === undefined ? {} : { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const value = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(value.error ?? `${res.status} ${res.statusText}`);
  return value;
}

/** Creates an element: h('a', { href: '#/' }, 'text', child…). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c != null) el.append(c instanceof Node ? c : String(c));
  return el;
}

/** A number in a table: 4 significant digits, or a dash. */
export function num(v) {
  return typeof v === 'number' && Number.isFinite(v) ? String(Number(v.toPrecision(4))) : '—';
}

/** The URL of a file inside the runs folder. */
export function fileUrl(run, ...parts) {
  return `/files/${[run, ...parts].map(encodeURIComponent).join('/')}`;
}
