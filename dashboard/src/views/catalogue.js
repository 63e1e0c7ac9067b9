// The catalogue as the viewer may see it: for the public, the open
// catalogue (published entries whose open type is not NONE), with no
// internal field; for others, what their role may see.
import { gql, shownErrors } from '../api.js';
import { errorBox, h, label } from '../dom.js';
import { href, resourceLink, section, table } from './common.js';
import { CATALOGUE } from '../queries.js';

export function catalogueFilter(params) {
  const filter = {};
  if (params.get('q')) filter.search = params.get('q');
  if (params.get('openType')) filter.openType = params.get('openType');
  return filter;
}

export async function catalogue(params, signedIn) {
  const filter = catalogueFilter(params);
  const { data, errors } = await gql(CATALOGUE, { filter });
  const out = [search(params)];
  const shown = shownErrors(errors);
  if (shown.length) out.push(errorBox(shown));
  const c = data.resources;
  if (!c) return out;
  const rows = (nodes) => nodes.map((x) => ({ x, cells: [resourceLink(x), x.sourceDepartment.name, label('shareType', x.shareType),
    label('openType', x.openType), label('frequency', x.updateFrequency), x.viewerAccess.open ? '可获取' : '—'] }));
  const attrs = ({ x }) => ({ testid: 'catalogue-row', dataset: { code: x.code } });
  const t = table('catalogue-table', ['资源', '数源部门', '共享类型', '开放类型', '更新周期', '开放获取'], rows(c.nodes), attrs);
  const more = h('button', { type: 'button', testid: 'more', hidden: !c.pageInfo.hasNextPage }, '加载更多');
  let cursor = c.pageInfo.endCursor;
  more.addEventListener('click', async () => {
    more.disabled = true;
    const next = await gql(CATALOGUE, { filter, after: cursor });
    const p = next.data.resources;
    if (p) {
      const body = t.querySelector('tbody');
      for (const r of rows(p.nodes)) {
        const tmp = table('', [], [r], attrs).querySelector('tbody tr');
        body.append(tmp);
      }
      cursor = p.pageInfo.endCursor;
      more.hidden = !p.pageInfo.hasNextPage;
    }
    more.disabled = false;
  });
  out.push(section(signedIn ? '数据目录' : '开放目录', 'catalogue',
    h('p', {}, '共 ', h('strong', { testid: 'catalogue-count' }, String(c.totalCount)), ' 条', signedIn ? '（您的角色可见的条目）' : '（无条件开放与有条件开放的已发布条目）'),
    t, more));
  return out;
}

function search(params) {
  const form = h('form', { class: 'filters', testid: 'catalogue-search' },
    h('label', {}, '搜索 ', h('input', { name: 'q', value: params.get('q') || '', placeholder: '如：户籍' })),
    h('label', {}, '开放类型 ', h('select', { name: 'openType' },
      h('option', { value: '' }, '全部'),
      ...['UNCONDITIONAL', 'CONDITIONAL', 'NONE'].map((t) => h('option', { value: t, selected: params.get('openType') === t }, label('openType', t))))),
    h('button', { type: 'submit' }, '查询'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const f = new FormData(form);
    location.hash = href('catalogue', null, { q: String(f.get('q') || ''), openType: String(f.get('openType') || '') });
  });
  return form;
}
