// audit.mjs runs graphql-http's GraphQL-over-HTTP server audit against the
// endpoint given as the first argument and prints every result. It exits 1
// when any result is an error (a failed MUST); warnings (failed SHOULDs)
// and notices (failed MAYs) are printed but do not fail the run.
//
//	node tools/audit/audit.mjs http://127.0.0.1:8080/graphql
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs URL');
  process.exit(2);
}

const authorization = process.env.AUDIT_AUTHORIZATION;
const fetchFn = authorization
  ? (input, init = {}) => {
      const headers = new Headers(init.headers);
      headers.set('authorization', authorization);
      return fetch(input, { ...init, headers });
    }
  : fetch;

const results = await auditServer({ url, fetchFn });

const counts = { ok: 0, notice: 0, warn: 0, error: 0 };
for (const r of results) {
  counts[r.status] = (counts[r.status] ?? 0) + 1;
  const label = r.status.toUpperCase().padEnd(6);
  if (r.status === 'ok') {
    console.log(`${label} ${r.id} ${r.name}`);
    continue;
  }
  let body = '';
  try {
    body = (await r.response.text()).slice(0, 300);
  } catch {
    // The body was read by the audit itself; the reason is enough.
  }
  console.log(`${label} ${r.id} ${r.name}`);
  console.log(`       ${r.reason} (HTTP ${r.response.status}, ${r.response.headers.get('content-type') ?? 'no content-type'})`);
  if (body) console.log(`       body: ${body}`);
}
console.log(`\n${results.length} audits: ${counts.ok} ok, ${counts.notice} notice, ${counts.warn} warn, ${counts.error} error`);
process.exit(counts.error > 0 ? 1 : 0);
