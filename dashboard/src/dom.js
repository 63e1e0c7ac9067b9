// Small DOM helpers. Text goes in as text (textContent), never as HTML, so
// names from the catalogue cannot inject markup.

/** h('td', {class: 'num', dataset: {testid: 'x'}}, 'text', child...) */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'testid') el.dataset.testid = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** A rate (0..1) as a percentage with one decimal; — when null. */
export function pct(rate) {
  return rate === null || rate === undefined ? '—' : `${(rate * 100).toFixed(1)}%`;
}

/** A number as the API gave it; — when null. */
export function num(n) {
  return n === null || n === undefined ? '—' : String(n);
}

/** met / due of an OnTimeRatio. */
export function ratio(r) {
  return r ? `${r.met} / ${r.due}` : '';
}

export function dateOf(t) {
  return t ? String(t).slice(0, 10) : '—';
}

export const labels = {
  role: { AUTHORITY: '数据主管部门', AUDITOR: '审计评估', DEPARTMENT: '部门', PERSON: '公众（实名）', PUBLIC: '公众' },
  shareType: { UNCONDITIONAL: '无条件共享', CONDITIONAL: '有条件共享', NONE: '不予共享' },
  openType: { UNCONDITIONAL: '无条件开放', CONDITIONAL: '有条件开放', NONE: '不予开放' },
  requestStatus: { PENDING_SOURCE: '待数源部门答复', PENDING_AUTHORITY: '待主管部门审批', GRANTED: '已授权', REJECTED: '已拒绝', WITHDRAWN: '已撤回' },
  disputeKind: { DATA_ERROR: '数据异议', SHARING: '共享争议', OPEN_OBJECTION: '开放目录异议' },
  disputeStatus: {
    AWAITING_VERIFICATION: '待核实', AWAITING_CORRECTION: '待更正', CORRECTED: '已更正', REJECTED: '已驳回',
    IN_PROGRESS: '处理中', RESOLVED: '已解决', AWAITING_ANSWER: '待答复', ACCEPTED: '已采纳', WITHDRAWN: '已撤回',
  },
  frequency: { REAL_TIME: '实时', DAILY: '每日', WEEKLY: '每周', MONTHLY: '每月', QUARTERLY: '每季度', HALF_YEARLY: '每半年', YEARLY: '每年', IRREGULAR: '不定期' },
  violation: {
    CATALOGUE_CHANGE_LATE: '目录未按时更新', FULL_REVIEW_MISSING: '未开展年度全面核查', STALE_DATA: '数据未按周期更新',
    SHARE_REQUEST_LATE: '共享申请答复超时', REJECTION_WITHOUT_REASON: '拒绝共享未说明理由', OPEN_REQUEST_LATE: '开放申请答复超时',
    DATA_ERROR_LATE: '数据异议处理超时', GRANT_SUSPENDED: '授权被暂停', GRANT_REVOKED: '授权被撤销', USAGE_REPORT_MISSING: '未报送使用情况',
  },
  edge: { SOURCE_OF: '数源', CARRIED_BY: '承载', PROVIDES: '提供', FEEDS: '汇入', GRANTED_TO: '授权给', USED_BY: '使用' },
  level: { CITY: '市级', COUNTY: '县（区）级' },
};

export function label(group, value) {
  return (labels[group] && labels[group][value]) || value || '—';
}

/** A message box for errors a view cannot render around. */
export function errorBox(errors) {
  if (!errors.length) return null;
  return h('div', { class: 'error', role: 'alert', testid: 'view-error' }, errors.map((e) => h('p', {}, e.message)));
}
