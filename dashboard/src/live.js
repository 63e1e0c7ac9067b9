// The live part: share requests and disputes pushed over graphql-transport-ws
// (the graphql-ws client), the token in the connection_init payload, since a
// browser cannot set headers on a websocket. Pushes are a signal, not a
// ledger (a push missed while the server reconnects to PostgreSQL is not
// replayed), so each (re)connection first re-reads the latest records.
import { createClient } from 'graphql-ws';
import { gql } from './api.js';
import { dateOf, h, label } from './dom.js';

const REQUEST = `id status submittedAt requester { name } source { name } resource { code name } deadline { dueDate }`;
const DISPUTE = `id kind status openedAt source { name } resource { code name } currentDeadline { dueDate }`;

let client = null;
let stops = [];

/** Stops following (sign-out, or a token change). */
export function stopLive() {
  for (const s of stops) s();
  stops = [];
  if (client) client.dispose();
  client = null;
  setStatus('未连接', 'off');
  const feed = document.getElementById('live-feed');
  if (feed) feed.replaceChildren();
}

/** Follows requests and disputes as the viewer of token. */
export function startLive(token) {
  stopLive();
  if (!token) {
    setStatus('登录后显示', 'off');
    return;
  }
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`;
  client = createClient({
    url,
    connectionParams: { Authorization: `Bearer ${token}` },
    lazy: false,
    retryAttempts: Infinity,
    shouldRetry: (ev) => !(ev && ev.code === 4401),
    on: {
      connected: () => reread(),
      closed: (ev) => setStatus(ev && ev.code === 4401 ? '令牌无效或已过期' : '重新连接中…', 'off'),
    },
  });
  stops.push(follow(`subscription { requestUpdated { ${REQUEST} } }`, (d) => show(requestItem(d.requestUpdated))));
  stops.push(follow(`subscription { disputeUpdated { __typename ${DISPUTE} } }`, (d) => show(disputeItem(d.disputeUpdated))));
}

function follow(query, onData) {
  return client.subscribe({ query }, {
    next: (msg) => {
      if (msg.data) onData(msg.data);
    },
    // A subscription the viewer may not hold ends with an error; the feed
    // keeps what else it follows.
    error: () => {},
    complete: () => {},
  });
}

// reread fills the feed with the latest records the viewer may see, then
// says it is live: from here on, a new record arrives by push.
async function reread() {
  setStatus('同步中…', 'off');
  try {
    const { data } = await gql(`{ shareRequests(first: 5) { nodes { ${REQUEST} } } disputes(first: 5) { nodes { ${DISPUTE} } } }`);
    const items = [
      ...((data.shareRequests && data.shareRequests.nodes) || []).map(requestItem),
      ...((data.disputes && data.disputes.nodes) || []).map(disputeItem),
    ].sort((a, b) => (a.at < b.at ? 1 : -1));
    const feed = document.getElementById('live-feed');
    feed.replaceChildren(...items.map((i) => i.el));
  } catch {
    // The feed stays as it was; pushes still arrive.
  }
  if (client) setStatus('已连接', 'on');
}

function requestItem(r) {
  const el = h('li', { testid: 'live-item', dataset: { kind: 'request', id: r.id } },
    h('strong', {}, '共享申请 '), label('requestStatus', r.status), h('br'),
    r.resource ? r.resource.name : '（不可见的资源）', ' · ', r.requester.name, ' → ', r.source.name,
    r.deadline ? h('span', { class: 'due' }, ` 截止 ${r.deadline.dueDate}`) : null,
    h('time', {}, ` ${dateOf(r.submittedAt)}`));
  return { at: r.submittedAt, id: r.id, el };
}

function disputeItem(d) {
  const el = h('li', { testid: 'live-item', dataset: { kind: 'dispute', id: d.id } },
    h('strong', {}, `${label('disputeKind', d.kind)} `), label('disputeStatus', d.status), h('br'),
    d.resource ? d.resource.name : '', ' · ', d.source.name,
    d.currentDeadline ? h('span', { class: 'due' }, ` 截止 ${d.currentDeadline.dueDate}`) : null,
    h('time', {}, ` ${dateOf(d.openedAt)}`));
  return { at: d.openedAt, id: d.id, el };
}

// show puts a pushed record at the top, replacing its older line.
function show(item) {
  const feed = document.getElementById('live-feed');
  for (const old of feed.querySelectorAll('[data-testid="live-item"]')) {
    if (old.dataset.id === item.id) old.remove();
  }
  item.el.classList.add('fresh');
  feed.prepend(item.el);
  while (feed.children.length > 30) feed.lastElementChild.remove();
}

function setStatus(text, state) {
  const el = document.getElementById('live-status');
  if (!el) return;
  el.textContent = text;
  el.dataset.state = state;
}
