// The dashboard in headless Chromium against the real binary serving the
// demo catalogue: the page loads without console errors, its numbers are
// the API's for the same viewer, the public sees no restricted figure, and
// a request filed through the API appears without a reload.
//
//	make dashboard-test     (or: node --test dashboard/test/ after make build)
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { api, artifacts, startBrowser, startServer } from './harness.mjs';
import { CATALOGUE, DEPARTMENT, LINEAGE, OVERVIEW, overviewVariables } from '../src/queries.js';

// 梅州市公安局 in the demo catalogue.
const POLICE = '11441400007045121H';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await startBrowser();
});

after(async () => {
  if (browser) await browser.stop();
  if (server) await server.stop();
});

// open loads the dashboard at hash, signed in with token (none: the public),
// collecting console errors and uncaught exceptions.
async function open(hash, token) {
  const page = await browser.context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`exception: ${e.message}`));
  await page.goto(`${server.base}/dashboard${hash}`);
  await page.waitForSelector('[data-testid="view"][data-ready="true"]');
  if (token) {
    await page.fill('[data-testid="token-input"]', token);
    await page.click('[data-testid="signin"]');
    await page.waitForFunction(() => document.querySelector('[data-testid="viewer-role"]')?.dataset.role !== 'PUBLIC');
    if (hash) {
      await page.evaluate((h) => { location.hash = h; }, hash);
    }
    await page.waitForSelector('[data-testid="view"][data-ready="true"]');
  }
  return { page, problems };
}

async function kpi(page, testid) {
  const el = page.locator(`[data-testid="${testid}"]`);
  return JSON.parse(await el.getAttribute('data-value'));
}

// The cards the page shows, with the API's figure each must equal.
function expectedCards(f) {
  return {
    'kpi-violations': f.violations,
    'kpi-departments': f.catalogue.departments,
    'kpi-entries': f.catalogue.entries,
    'kpi-missing-basis': f.catalogue.restrictedMissingBasis,
    'kpi-reviews': f.catalogue.reviews.rate,
    'kpi-change-obligations': f.catalogue.changeObligations.rate,
    'kpi-unconditional-share': f.sharing.unconditionalShare,
    'kpi-share-requests': f.sharing.shareRequests.rate,
    'kpi-median-answer-days': f.sharing.medianAnswerDays,
    'kpi-rejections-without-reason': f.sharing.rejectionsWithoutReason,
    'kpi-open-requests': f.opening.openRequests.rate,
    'kpi-errors-verified': f.dataQuality.errorsVerified.rate,
    'kpi-errors-corrected': f.dataQuality.errorsCorrected.rate,
    'kpi-stale': f.dataQuality.stale,
    'kpi-usage-reports': f.use.usageReports.rate,
    'kpi-grants-suspended': f.sharing.grantsSuspended + f.sharing.grantsRevoked,
  };
}

async function assertCards(page, figures) {
  for (const [testid, want] of Object.entries(expectedCards(figures))) {
    assert.deepEqual(await kpi(page, testid), want ?? null, testid);
  }
  // And what is shown is that value, not another.
  const shown = await page.locator('[data-testid="kpi-entries"] .kpi-value').textContent();
  assert.equal(shown, String(figures.catalogue.entries));
  const rate = figures.sharing.shareRequests.rate;
  assert.equal(await page.locator('[data-testid="kpi-share-requests"] .kpi-value').textContent(),
    rate === null ? '—' : `${(rate * 100).toFixed(1)}%`);
}

test('the authority overview shows the API\'s figures, worst departments and overdue lists', async () => {
  const token = server.token('AUTHORITY');
  const hash = '#/overview?region=441400&from=2026-01-01&to=2026-11-30';
  const { page, problems } = await open(hash, token);
  const want = await api(server.base, token)(OVERVIEW, overviewVariables(new URLSearchParams(hash.split('?')[1])));
  assert.equal(want.errors, undefined, JSON.stringify(want.errors));
  const r = want.data.complianceReport;
  assert.ok(r.total.catalogue.entries > 0 && r.total.violations > 0, 'the demo has figures to show');
  await assertCards(page, r.total);
  assert.match(await page.locator('[data-testid="period"]').textContent(), /2026-01-01 至 2026-11-30/);

  const rows = page.locator('[data-testid="worst-row"]');
  assert.deepEqual(await rows.evaluateAll((els) => els.map((e) => e.dataset.departmentId)),
    want.data.departmentScorecards.nodes.map((s) => s.department.id));
  const firstViolations = await rows.first().locator('td').nth(2).textContent();
  assert.equal(firstViolations, String(want.data.departmentScorecards.nodes[0].figures.violations));

  assert.equal(await page.locator('[data-testid="overdue-requests-count"]').textContent(), String(want.data.shareRequests.totalCount));
  assert.deepEqual(await page.locator('[data-testid="overdue-request"]').evaluateAll((els) => els.map((e) => e.dataset.id)),
    want.data.shareRequests.nodes.map((x) => x.id));
  assert.equal(await page.locator('[data-testid="overdue-disputes-count"]').textContent(), String(want.data.disputes.totalCount));
  // Due dates are on the page.
  const due = want.data.shareRequests.nodes[0]?.deadline?.dueDate;
  if (due) assert.match(await page.locator('[data-testid="overdue-request"]').first().textContent(), new RegExp(due));

  assert.equal(await page.locator('[data-testid="trend-chart"] canvas').count() > 0, true, 'the trend is drawn');
  await page.screenshot({ path: path.join(artifacts, 'dashboard.png'), fullPage: true });
  await page.screenshot({ path: path.join(artifacts, 'dashboard-top.png') });
  assert.deepEqual(problems, []);
  await page.close();
});

test('a department sees its own scorecard, equal to the API\'s', async () => {
  const token = server.token('DEPARTMENT', POLICE);
  const { page, problems } = await open('', token);
  const call = api(server.base, token);
  const me = await call('{ department(creditCode: "' + POLICE + '") { id name } }');
  const id = me.data.department.id;
  await page.waitForSelector('[data-testid="department-name"]');
  assert.equal(await page.locator('[data-testid="department-name"]').textContent(), me.data.department.name);
  assert.match(await page.locator('[data-testid="viewer-role"]').textContent(), new RegExp(me.data.department.name));
  const want = await call(DEPARTMENT, { id });
  assert.equal(want.errors, undefined, JSON.stringify(want.errors));
  await assertCards(page, want.data.complianceReport.total);
  assert.equal(await page.locator('[data-testid="figures"] [data-testid="kpi-departments"]').getAttribute('data-value'), '1');
  assert.equal(await page.locator('[data-testid="catalogue-row"]').count(), want.data.department.resources.nodes.length);
  // The authority's overview is not offered to a department.
  assert.equal(await page.locator('[data-testid="nav-overview"]').count(), 0);
  await page.screenshot({ path: path.join(artifacts, 'department.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('a resource shows its lineage as the API walks it', async () => {
  const token = server.token('AUTHORITY');
  const call = api(server.base, token);
  // An entry that feeds a theme database has both directions to draw.
  const res = await call('{ resources(first: 100) { nodes { id code themeDatabases { id } } } }');
  const r = res.data.resources.nodes.find((x) => x.themeDatabases.length > 0);
  assert.ok(r, 'the demo has an entry in a theme database');
  const { page, problems } = await open(`#/resource/${encodeURIComponent(r.code)}`, token);
  await page.waitForSelector('[data-testid="lineage-chart"] canvas');
  const want = await call(LINEAGE, { id: r.id });
  const ids = want.data.lineage.nodes.filter((n) => n.node).map((n) => n.node.id);
  assert.ok(ids.length > 2, 'the walk found more than the entry itself');
  assert.deepEqual(await page.locator('[data-testid="lineage-node"]').evaluateAll((els) => els.map((e) => e.dataset.id)), ids);
  await page.screenshot({ path: path.join(artifacts, 'lineage.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('the public sees the open catalogue and no restricted figure', async () => {
  const { page, problems } = await open('', '');
  assert.equal(await page.locator('[data-testid="viewer-role"]').getAttribute('data-role'), 'PUBLIC');
  const pub = await api(server.base, '')(CATALOGUE, { filter: {} });
  assert.equal(await page.locator('[data-testid="catalogue-count"]').textContent(), String(pub.data.resources.totalCount));
  assert.deepEqual(await page.locator('[data-testid="catalogue-row"]').evaluateAll((els) => els.map((e) => e.dataset.code)),
    pub.data.resources.nodes.map((x) => x.code));

  // What the authority knows is not open must not be on the page at all.
  const auth = api(server.base, server.token('AUTHORITY'));
  const closed = await auth('{ resources(first: 100, filter: {openType: NONE}) { totalCount nodes { code } } }');
  assert.ok(closed.data.resources.totalCount > 0, 'the demo has entries not open');
  const text = await page.locator('body').textContent();
  for (const { code } of closed.data.resources.nodes) assert.ok(!text.includes(code), `${code} (open type NONE) is on the public's page`);

  // Nor any compliance figure, even at the overview's address.
  await page.evaluate(() => { location.hash = '#/overview?region=441400'; });
  await page.waitForSelector('[data-testid="not-visible"]');
  assert.equal(await page.locator('[data-testid^="kpi"]').count(), 0);
  assert.equal(await page.locator('[data-testid="worst-row"], [data-testid="overdue-request"], [data-testid="violation"]').count(), 0);
  assert.equal(await page.locator('[data-testid="view-error"]').count(), 0, 'FORBIDDEN is absence, not an error');
  await page.screenshot({ path: path.join(artifacts, 'public.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('a share request filed through the API appears live, without a reload', async () => {
  const { page, problems } = await open('#/overview?region=441400', server.token('AUTHORITY'));
  await page.waitForFunction(() => document.querySelector('[data-testid="live-status"]')?.dataset.state === 'on');
  await page.evaluate(() => { window.__sameDocument = true; });

  const dept = api(server.base, server.token('DEPARTMENT', POLICE));
  const found = await dept(`{ resources(first: 100, filter: {shareType: CONDITIONAL, status: PUBLISHED}) {
    nodes { id code shareModes sourceDepartment { creditCode } dataItems { id } } } }`);
  const target = found.data.resources.nodes.find((x) => x.sourceDepartment.creditCode !== POLICE && x.dataItems.length);
  assert.ok(target, 'the demo has another department\'s conditional entry');
  // The protocol does not acknowledge a subscription, so the first request
  // may reach the server before the page's subscription does; file again
  // (at most three times) until one is pushed.
  let id = null;
  for (let attempt = 0; attempt < 3 && !id; attempt++) {
    const sub = await dept(`mutation($in: SubmitShareRequestInput!) { submitShareRequest(input: $in) { id status } }`, {
      in: { resourceId: target.id, purpose: '浏览器测试：核验看板实时推送', scenario: '看板实时推送测试', itemIds: [target.dataItems[0].id],
        mode: target.shareModes.includes('QUERY') ? 'QUERY' : 'VERIFY', until: '2027-06-30' },
    });
    assert.equal(sub.errors, undefined, JSON.stringify(sub.errors));
    const item = page.locator(`[data-testid="live-item"][data-id="${sub.data.submitShareRequest.id}"]`);
    try {
      await item.waitFor({ timeout: 20_000 });
      id = sub.data.submitShareRequest.id;
    } catch { /* not pushed: the subscription was not in place yet */ }
  }
  assert.ok(id, 'a filed request appeared in the live feed');
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'the page was not reloaded');
  assert.equal(await page.locator('[data-testid="live-item"]').first().getAttribute('data-id'), id, 'the newest is on top');
  assert.deepEqual(problems, []);
  await page.close();
});
