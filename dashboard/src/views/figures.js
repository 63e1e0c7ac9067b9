// The compliance figures as cards, shared by the overview and the
// department scorecard. Each card carries data-testid kpi-… and the raw
// value the API gave in data-value, so a test can hold the page to the API.
import { h, num, pct, ratio } from '../dom.js';

function card(testid, title, value, shown, sub, article) {
  return h('div', { class: 'kpi', testid, dataset: { value: JSON.stringify(value ?? null) } },
    h('div', { class: 'kpi-title' }, title),
    h('div', { class: 'kpi-value' }, shown),
    sub ? h('div', { class: 'kpi-sub' }, sub) : null,
    article ? h('div', { class: 'kpi-article' }, article) : null);
}

function rateCard(testid, title, r, article) {
  return card(testid, title, r ? r.rate : null, pct(r && r.rate), r ? `按时 ${ratio(r)}` : '', article);
}

/** The figures of ComplianceFigures as cards. */
export function figureCards(f) {
  const c = f.catalogue;
  const s = f.sharing;
  const o = f.opening;
  const q = f.dataQuality;
  return h('div', { class: 'kpis', testid: 'kpis' },
    card('kpi-violations', '违规事项', f.violations, num(f.violations), '', 'QY 32, NY 62, NY 67, WZ 45'),
    card('kpi-departments', '部门数', c.departments, num(c.departments)),
    card('kpi-entries', '已发布目录', c.entries, num(c.entries), `要素齐全 ${c.requiredComplete}`, 'MZ 7'),
    card('kpi-missing-basis', '受限未附依据', c.restrictedMissingBasis, num(c.restrictedMissingBasis), '', 'MZ 10, WZ 15, NY 44'),
    rateCard('kpi-reviews', '目录审核按时率', c.reviews, 'MZ 7, NY 22'),
    rateCard('kpi-change-obligations', '目录更新按时率', c.changeObligations, 'MZ 8, QY 8, WZ 11'),
    card('kpi-unconditional-share', '无条件共享占比', s.unconditionalShare, pct(s.unconditionalShare),
      `${s.shareTypes.unconditional} / ${s.shareTypes.total}`, 'WZ 15(1)'),
    rateCard('kpi-share-requests', '共享申请按时答复率', s.shareRequests, 'MZ 21, QY 16, WZ 20'),
    card('kpi-median-answer-days', '答复用时中位数（工作日）', s.medianAnswerDays, num(s.medianAnswerDays), `已答复 ${s.answered}`),
    card('kpi-rejections-without-reason', '拒绝未说明理由', s.rejectionsWithoutReason, num(s.rejectionsWithoutReason), '', 'QY 16(2), WZ 20'),
    rateCard('kpi-open-requests', '开放申请按时答复率', o.openRequests, 'NY 46'),
    rateCard('kpi-errors-verified', '数据异议按时核实率', q.errorsVerified, 'MZ 23, NY 65'),
    rateCard('kpi-errors-corrected', '数据异议按时更正率', q.errorsCorrected, 'MZ 23, NY 65'),
    card('kpi-stale', '未按周期更新', q.stale, num(q.stale), `应更新 ${q.updateDue}`, 'MZ 13'),
    rateCard('kpi-usage-reports', '使用情况按时报送率', f.use.usageReports, 'MZ 39'),
    card('kpi-grants-suspended', '授权暂停 / 撤销', s.grantsSuspended + s.grantsRevoked, `${s.grantsSuspended} / ${s.grantsRevoked}`, `批量授权 ${s.bulkGrants}`, 'NY 41, WZ 22'));
}
