// The dashboard's only way to the catalogue: the public GraphQL API at
// /graphql, with the viewer's bearer token. Nothing here knows more than a
// front-end team's code would.

const TOKEN_KEY = 'catalogue.dashboard.token';

/** The bearer token the viewer signed in with, or '' for the public. */
export function token() {
  return sessionStorage.getItem(TOKEN_KEY) || '';
}

export function setToken(t) {
  if (t) sessionStorage.setItem(TOKEN_KEY, t);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** Thrown when the server refuses the token (HTTP 401 UNAUTHENTICATED). */
export class Unauthenticated extends Error {}

/**
 * Sends one GraphQL operation and answers { data, errors }. Field errors
 * (FORBIDDEN, NOT_FOUND...) come back in errors beside partial data, as the
 * API sends them: a view renders what it got and leaves out what it may not
 * see. Only a refused token or a broken transport throws.
 */
export async function gql(query, variables = {}) {
  const headers = {
    'Content-Type': 'application/json',
    // application/json: every well-formed request answers 200 with its
    // errors in the body (GraphQL over HTTP), so the browser logs nothing.
    Accept: 'application/json',
  };
  const t = token();
  if (t) headers.Authorization = `Bearer ${t}`;
  let res;
  try {
    res = await fetch('/graphql', { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  } catch (err) {
    throw new Error(`无法连接服务器：${err.message}`);
  }
  let body;
  try {
    body = await res.json();
  } catch {
    throw new Error(`服务器返回了无法解析的应答（HTTP ${res.status}）`);
  }
  if (res.status === 401) {
    throw new Unauthenticated(messageOf(body) || '令牌无效或已过期');
  }
  return { data: body.data || {}, errors: body.errors || [] };
}

function messageOf(body) {
  return body && body.errors && body.errors[0] && body.errors[0].message;
}

/** The code of an error, e.g. FORBIDDEN. */
export function codeOf(err) {
  return (err.extensions && err.extensions.code) || '';
}

/**
 * The errors a view shows: those that are not about the viewer's rights.
 * What the viewer may not see (FORBIDDEN) or may not know exists
 * (NOT_FOUND) is simply absent from the page, as it is from the API.
 */
export function shownErrors(errors) {
  return errors.filter((e) => !['FORBIDDEN', 'NOT_FOUND'].includes(codeOf(e)));
}

/**
 * The claims of the signed-in token, read (not verified: the server does
 * that on every request) to show who is signed in.
 */
export function claims(t = token()) {
  if (!t) return null;
  const parts = t.split('.');
  if (parts.length !== 3) return null;
  try {
    const b64 = parts[1].replace(/-/g, '+').replace(/_/g, '/');
    const json = new TextDecoder().decode(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));
    return JSON.parse(json);
  } catch {
    return null;
  }
}
