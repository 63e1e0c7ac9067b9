import { h } from '../dom.js';

/** A link to another view: #/name/arg?query. */
export function href(name, arg, query) {
  let s = `#/${name}`;
  if (arg) s += `/${encodeURIComponent(arg)}`;
  const q = new URLSearchParams(Object.entries(query || {}).filter(([, v]) => v));
  if ([...q].length) s += `?${q}`;
  return s;
}

/** A table; rows are arrays of cells (text or nodes), each row's attributes from rowAttrs. */
export function table(testid, head, rows, rowAttrs = () => ({})) {
  return h('table', { testid },
    h('thead', {}, h('tr', {}, head.map((c) => h('th', {}, c)))),
    h('tbody', {}, rows.length
      ? rows.map((r, i) => h('tr', rowAttrs(r, i), r.cells.map((c) => h('td', c && c.num ? { class: 'num' } : {}, c && c.num ? c.value : c))))
      : h('tr', {}, h('td', { colspan: head.length, class: 'empty' }, '无'))));
}

/** A numeric cell. */
export function n(value) {
  return { num: true, value: value === null || value === undefined ? '—' : String(value) };
}

export function section(title, testid, ...body) {
  return h('section', { class: 'panel', testid }, h('h2', {}, title), ...body);
}

export function resourceLink(r) {
  return r ? h('a', { href: href('resource', r.code) }, `${r.name}（${r.code}）`) : '—';
}

export function departmentLink(d, query) {
  return h('a', { href: href('department', d.id, query) }, d.name);
}
