// The evaluators' dashboard: a hash-routed page on the public GraphQL API.
//   #/overview?region=441400&level=&from=&to=   the authority's overview
//   #/department/<id>?from=&to=                  one department's scorecard
//   #/resource/<code>                            an entry and its lineage
//   #/catalogue?q=&openType=                     the catalogue the viewer may see
import './style.css';
import { Unauthenticated, claims, gql, setToken, token } from './api.js';
import { disposeCharts, drawCharts } from './charts.js';
import { h, label } from './dom.js';
import { startLive, stopLive } from './live.js';
import { catalogue } from './views/catalogue.js';
import { department } from './views/department.js';
import { href } from './views/common.js';
import { overview } from './views/overview.js';
import { resource } from './views/resource.js';

/** Who is signed in: role, name, and the department's id and name. */
let viewer = { role: 'PUBLIC' };

async function signIn(t) {
  const c = claims(t);
  if (t && !c) throw new Unauthenticated('这不是一个 JWT 令牌（应为三段，以点分隔）');
  setToken(t);
  if (!t) {
    viewer = { role: 'PUBLIC' };
    return;
  }
  // The server checks the token; a refused one throws Unauthenticated.
  const { data } = await gql('query Viewer($cc: String!, $dept: Boolean!) { department(creditCode: $cc) @include(if: $dept) { id name } }',
    { cc: c.department || '', dept: Boolean(c.department) });
  viewer = { role: c.role, sub: c.sub, exp: c.exp, department: data.department || null };
}

function showViewer() {
  const el = document.getElementById('viewer');
  const who = viewer.role === 'PUBLIC' ? '公众（未登录）'
    : `${viewer.sub || ''} · ${label('role', viewer.role)}${viewer.department ? ` · ${viewer.department.name}` : ''}`;
  el.replaceChildren(h('span', { testid: 'viewer-role', dataset: { role: viewer.role } }, who));
  document.getElementById('signout').hidden = viewer.role === 'PUBLIC';
  const nav = document.getElementById('nav');
  const links = [];
  if (['AUTHORITY', 'AUDITOR'].includes(viewer.role)) links.push(['overview', null, '总览']);
  if (viewer.department) links.push(['department', viewer.department.id, '本部门评分']);
  links.push(['catalogue', null, viewer.role === 'PUBLIC' || viewer.role === 'PERSON' ? '开放目录' : '数据目录']);
  nav.replaceChildren(...links.map(([name, arg, text]) => h('a', { href: href(name, arg), testid: `nav-${name}` }, text)));
}

function home() {
  if (['AUTHORITY', 'AUDITOR'].includes(viewer.role)) return href('overview');
  if (viewer.department) return href('department', viewer.department.id);
  return href('catalogue');
}

let rendering = 0;

async function route() {
  const raw = location.hash.replace(/^#\/?/, '');
  if (!raw) {
    location.replace(home());
    return;
  }
  const [pathPart, query = ''] = raw.split('?');
  const [name, arg] = pathPart.split('/').map((s) => decodeURIComponent(s || ''));
  const params = new URLSearchParams(query);
  const view = document.getElementById('view');
  const mine = ++rendering;
  view.setAttribute('aria-busy', 'true');
  view.dataset.ready = 'false';
  let nodes;
  try {
    switch (name) {
      case 'overview': nodes = await overview(params); break;
      case 'department': nodes = await department(arg, params); break;
      case 'resource': nodes = await resource(arg); break;
      case 'catalogue': nodes = await catalogue(params, viewer.role !== 'PUBLIC'); break;
      default: nodes = [h('p', { class: 'notice' }, '没有这个页面。'), h('a', { href: home() }, '返回首页')];
    }
  } catch (err) {
    if (err instanceof Unauthenticated) {
      await signOut(`已退出：${err.message}`);
      return;
    }
    nodes = [h('div', { class: 'error', role: 'alert', testid: 'view-error' }, err.message)];
  }
  if (mine !== rendering) return; // a later navigation won
  disposeCharts();
  view.replaceChildren(...nodes.filter(Boolean));
  drawCharts();
  view.removeAttribute('aria-busy');
  view.dataset.ready = 'true';
}

async function signOut(message) {
  setToken('');
  viewer = { role: 'PUBLIC' };
  stopLive();
  startLive('');
  showViewer();
  showError(message || '');
  location.hash = href('catalogue');
  await route();
}

function showError(message) {
  const el = document.getElementById('signin-error');
  el.textContent = message;
  el.hidden = !message;
}

async function start() {
  const form = document.getElementById('signin-form');
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const input = document.getElementById('token');
    const t = input.value.trim();
    try {
      await signIn(t);
      showError('');
      input.value = '';
    } catch (err) {
      setToken('');
      viewer = { role: 'PUBLIC' };
      showError(err instanceof Unauthenticated ? `登录失败：${err.message}` : err.message);
    }
    showViewer();
    startLive(token());
    location.hash = home();
    await route();
  });
  document.getElementById('signout').addEventListener('click', () => signOut(''));
  window.addEventListener('hashchange', route);
  try {
    await signIn(token());
  } catch (err) {
    setToken('');
    viewer = { role: 'PUBLIC' };
    showError(err instanceof Unauthenticated ? `已退出：${err.message}` : err.message);
  }
  showViewer();
  startLive(token());
  await route();
}

start();
