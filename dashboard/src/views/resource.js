// One catalogue entry with its lineage drawn as a graph: upstream to the
// departments and data elements it comes from, downstream through theme
// databases to the departments granted it (grant edges only where the
// viewer may see grants).
import { gql, shownErrors } from '../api.js';
import { lineageChart } from '../charts.js';
import { dateOf, errorBox, h, label } from '../dom.js';
import { departmentLink, href, section, table } from './common.js';
import { LINEAGE, RESOURCE } from '../queries.js';

export async function resource(code) {
  const { data, errors } = await gql(RESOURCE, { code });
  const r = data.resource;
  const out = [];
  const shown = shownErrors(errors);
  if (shown.length) out.push(errorBox(shown));
  if (!r) {
    out.push(h('p', { class: 'notice', testid: 'not-found' }, `没有编码为 ${code} 的资源，或您无权查看。`));
    return out;
  }
  out.push(h('h2', { class: 'title', testid: 'resource-name' }, `${r.name}（${r.code}）`),
    h('p', { class: 'meta' }, '数源部门 ', departmentLink(r.sourceDepartment), ` · ${r.classification} · ${r.format} · 更新周期 ${label('frequency', r.updateFrequency)}`,
      r.stale ? h('span', { class: 'bad' }, ' · 逾期未更新') : null),
    h('p', {}, r.summary),
    h('dl', { class: 'facts' },
      h('dt', {}, '共享类型'), h('dd', { testid: 'share-type' }, label('shareType', r.shareType), r.shareConditions ? `：${r.shareConditions}` : ''),
      h('dt', {}, '共享方式'), h('dd', {}, r.shareModes.join('、') || '—'),
      h('dt', {}, '开放类型'), h('dd', { testid: 'open-type' }, label('openType', r.openType), r.openConditions ? `：${r.openConditions}` : ''),
      h('dt', {}, '依据'), h('dd', {}, r.legalBasis || '—'),
      h('dt', {}, '最近更新'), h('dd', {}, r.lastDataUpdate ? `${dateOf(r.lastDataUpdate.at)}（${r.lastDataUpdate.rows} 行）` : '—',
        r.nextUpdateDue ? `，下次应于 ${dateOf(r.nextUpdateDue)} 前` : ''),
      h('dt', {}, '您的权限'), h('dd', { testid: 'viewer-access' }, r.viewerAccess.reason)),
    section('信息项', 'data-items', table('data-items-table', ['名称', '类型', '说明', '个人信息'],
      r.dataItems.map((i) => ({ cells: [i.name, i.dataType, i.description, i.personal ? '是' : ''] })))));
  const lin = await gql(LINEAGE, { id: r.id });
  const l = lin.data.lineage;
  const lshown = shownErrors(lin.errors);
  if (lshown.length) out.push(errorBox(lshown));
  if (l) {
    const nodes = l.nodes.filter((x) => x.node);
    out.push(section(`数据血缘（${l.totalCount} 个节点，上下游 2 步内）`, 'lineage',
      lineageChart('lineage-chart', r.id, nodes, (k) => label('edge', k)),
      table('lineage-table', ['步数', '方向', '节点', '经由'],
        nodes.map((x) => ({ x, cells: [String(x.depth), x.direction === 'UPSTREAM' ? '上游' : x.direction === 'DOWNSTREAM' ? '下游' : '起点', nodeLabel(x.node),
          x.via.map((e) => label('edge', e.kind) + (e.grant ? `（授权：${e.grant.scenario}，至 ${dateOf(e.grant.validUntil)}）` : '')).join('；')] })),
        ({ x }) => ({ testid: 'lineage-node', dataset: { id: x.node.id, typename: x.node.__typename } }))));
  }
  return out;
}

function nodeLabel(n) {
  switch (n.__typename) {
    case 'Resource': return h('a', { href: href('resource', n.code) }, `资源 ${n.name}（${n.code}）`);
    case 'Department': return h('a', { href: href('department', n.id) }, `部门 ${n.name}`);
    case 'DataElement': return `数据元 ${n.name}（${n.code}）`;
    case 'ThemeDatabase': return `主题库 ${n.name}`;
    default: return n.id;
  }
}
