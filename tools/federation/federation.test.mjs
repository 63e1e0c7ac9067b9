// federation.test.mjs: the catalogue behind a real Apollo Gateway beside a
// second subgraph (services.mjs), under `node --test`. run.sh starts the
// catalogue (tools/demo-server.sh) and sets:
//
//   CATALOGUE_GRAPHQL, CATALOGUE_BIN, CATALOGUE_DATA_DIR  (demo-server.sh)
//   CATALOGUE_GATEWAY_SECRET                              (the server has it too)

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { after, before, describe, test } from "node:test";

import { catalogueName, composeSubgraphs, fetchSDL, startGateway } from "./gateway.mjs";
import { startServices } from "./services.mjs";

const catalogueURL = need("CATALOGUE_GRAPHQL");
const secret = need("CATALOGUE_GATEWAY_SECRET");

function need(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run this through tools/federation/run.sh`);
  return v;
}

// token mints a bearer token with the server's development secret.
function token(role, ...args) {
  return execFileSync(
    need("CATALOGUE_BIN"),
    ["token", "--role", role, "--ttl", "30m", "--sub", "federation-test", "--data-dir", need("CATALOGUE_DATA_DIR"), ...args],
    { encoding: "utf8" },
  ).trim();
}

// post sends a GraphQL request and returns {status, body}.
async function post(url, query, variables, authorization) {
  const headers = { "content-type": "application/json", accept: "application/json" };
  if (authorization) headers.authorization = authorization;
  const res = await fetch(url, { method: "POST", headers, body: JSON.stringify({ query, variables }) });
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    assert.fail(`${url} answered HTTP ${res.status} with no JSON: ${text.slice(0, 500)}`);
  }
  return { status: res.status, body };
}

// ok asserts a response has data and no errors, and returns the data.
function ok({ status, body }) {
  assert.equal(status, 200, `HTTP ${status}: ${JSON.stringify(body)}`);
  assert.equal(body.errors, undefined, `errors: ${JSON.stringify(body.errors, null, 1)}`);
  return body.data;
}

const gaj = "11441400007045121H"; // 梅州市公安局 in the demo
const bulk = 1000;

let authority, gatewayURL, stops = [];
const fx = {}; // fixture, drawn from the catalogue

before(async () => {
  authority = `Bearer ${token("AUTHORITY")}`;

  // What the public sees and what it does not, from the catalogue itself.
  const list = `query($after: String) { resources(first: 100, after: $after) {
    pageInfo { hasNextPage endCursor } nodes { code name shareType openType status } } }`;
  const all = async (auth) => {
    const out = [];
    for (let after = null; ; ) {
      const r = ok(await post(catalogueURL, list, { after }, auth)).resources;
      out.push(...r.nodes);
      if (!r.pageInfo.hasNextPage) return out;
      after = r.pageInfo.endCursor;
    }
  };
  const everything = await all(authority);
  const publicCodes = new Set((await all(null)).map((r) => r.code));
  fx.hidden = everything.find((r) => !publicCodes.has(r.code));
  fx.conditional = everything.find((r) => publicCodes.has(r.code) && r.shareType === "CONDITIONAL");
  fx.unconditional = everything.find((r) => publicCodes.has(r.code) && r.shareType === "UNCONDITIONAL");
  assert.ok(fx.hidden && fx.conditional && fx.unconditional, "the demo has hidden, conditional and unconditional entries");
  fx.publicCodes = [...publicCodes];
  fx.department = ok(await post(catalogueURL, `query($c: String!) { department(creditCode: $c) { id name creditCode } }`, { c: gaj }, null)).department;

  const items = [
    {
      code: "SI-001",
      name: "户籍证明开具",
      departmentId: fx.department.id,
      resourceCodes: [fx.conditional.code, fx.hidden.code, fx.unconditional.code],
    },
    { code: "SI-002", name: "居住证办理", departmentId: fx.department.id, resourceCodes: [fx.unconditional.code] },
  ];
  // A page of 1,000 items, each using one entry: most codes distinct and
  // unknown to the catalogue, so the gateway's one _entities call carries
  // 1,000 distinct representations, whatever it deduplicates.
  for (let i = 0; i < bulk; i++) {
    const code = i % 10 === 0 ? fx.publicCodes[(i / 10) % fx.publicCodes.length] : `NO-SUCH-${i}`;
    items.push({ code: `BULK-${i}`, name: `批量事项 ${i}`, departmentId: fx.department.id, resourceCodes: [code] });
  }
  fx.items = items;

  const services = await startServices(items);
  stops.push(services.stop);
  fx.subgraphs = [
    { name: catalogueName, url: catalogueURL },
    { name: "services", url: services.url },
  ];
  const gw = await startGateway({ subgraphs: fx.subgraphs, secret });
  stops.push(gw.stop);
  gatewayURL = gw.url;
});

after(async () => {
  for (const stop of stops.reverse()) await stop();
});

const gw = (query, variables, auth) => post(gatewayURL, query, variables, auth);

describe("composition", () => {
  test("the catalogue and the services subgraph compose", async () => {
    const result = await composeSubgraphs(fx.subgraphs, secret);
    assert.deepEqual(result.errors ?? [], [], (result.errors ?? []).map((e) => e.message).join("\n"));
    assert.match(result.supergraphSdl, /serviceLabel/);
    assert.match(result.supergraphSdl, /type PageInfo/);
  });

  test("PageInfo must stay @shareable in the catalogue", async () => {
    const sdl = await fetchSDL(fx.subgraphs[0], secret);
    assert.match(sdl, /type PageInfo @shareable/);
    const unshared = sdl.replace("type PageInfo @shareable", "type PageInfo");
    const result = await composeSubgraphs([{ ...fx.subgraphs[0], sdl: unshared }, fx.subgraphs[1]], secret);
    const codes = (result.errors ?? []).map((e) => e.extensions?.code);
    assert.ok(codes.includes("INVALID_FIELD_SHARING"), `errors: ${codes}`);
  });

  test("the SDL is refused without the gateway secret", async () => {
    const { body } = await post(catalogueURL, "{ _service { sdl } }", {}, null);
    assert.equal(body.errors[0].extensions.code, "FORBIDDEN");
  });
});

describe("queries through the gateway", () => {
  test("entity fields from both subgraphs in one query", async () => {
    const r = fx.unconditional;
    const data = ok(await gw(`query($c: String) { resource(code: $c) {
      code name shareType sourceDepartment { name } serviceLabel usedBy { code name } } }`, { c: r.code }, authority));
    assert.equal(data.resource.code, r.code);
    assert.equal(data.resource.serviceLabel, `${r.code} ${r.name}`, "@requires(fields: \"name\") got the catalogue's name");
    const users = data.resource.usedBy.map((i) => i.code);
    assert.ok(users.includes("SI-001") && users.includes("SI-002"), `usedBy ${users}`);
    assert.ok(data.resource.sourceDepartment.name);

    const list = ok(await gw(`{ resources(first: 5) { totalCount pageInfo { hasNextPage } nodes { code serviceLabel } } }`, {}, authority));
    assert.equal(list.resources.nodes.length, 5);
    for (const n of list.resources.nodes) assert.ok(n.serviceLabel.startsWith(`${n.code} `), n.serviceLabel);
  });

  test("references to Resource and Department are resolved by the catalogue", async () => {
    const data = ok(await gw(`{ serviceItem(code: "SI-001") {
      name handledBy { id name creditCode } dataUsed { code name status sourceDepartment { name } } } }`, {}, authority));
    const it = data.serviceItem;
    assert.deepEqual(it.handledBy, fx.department);
    assert.deepEqual(it.dataUsed.map((r) => r?.code), fx.items[0].resourceCodes);
    for (const r of it.dataUsed) assert.ok(r.name && r.sourceDepartment.name, JSON.stringify(r));
  });

  test("the public: a hidden entry is null, a gated field FORBIDDEN at its path", async () => {
    const q = `{ serviceItem(code: "SI-001") { code dataUsed { code name shareAccess { modes } } } }`;
    const { status, body } = await gw(q, {}, null);
    assert.equal(status, 200);
    const used = body.data.serviceItem.dataUsed;
    assert.equal(used.length, 3);
    assert.equal(used[1], null, "the hidden entry does not exist for the public");
    assert.equal(used[0].code, fx.conditional.code);
    assert.equal(used[0].shareAccess, null);
    assert.equal(used[2].code, fx.unconditional.code);
    const forbidden = (body.errors ?? []).filter((e) => e.extensions?.code === "FORBIDDEN");
    assert.ok(forbidden.length > 0, `errors: ${JSON.stringify(body.errors)}`);
    assert.ok(
      forbidden.some((e) => JSON.stringify(e.path) === JSON.stringify(["serviceItem", "dataUsed", 0, "shareAccess"])),
      `FORBIDDEN paths: ${JSON.stringify(forbidden.map((e) => e.path))}`,
    );
    assert.match(forbidden[0].message, /not visible to you/);
  });

  test("the authority: every entry and its gated fields", async () => {
    const data = ok(await gw(`{ serviceItem(code: "SI-001") { dataUsed { code shareAccess { modes } } } }`, {}, authority));
    assert.deepEqual(data.serviceItem.dataUsed.map((r) => r.code), fx.items[0].resourceCodes);
    for (const r of data.serviceItem.dataUsed) assert.ok(r.shareAccess, JSON.stringify(r));
  });

  // The catalogue judges tokens: any query that reaches it with a bad one
  // is refused whole, whichever subgraph its root is in. (A query the
  // services subgraph answers alone, e.g. dataUsed { code }, never reaches
  // the catalogue: the gateway holds no key to check tokens with.)
  test("a bad token is 401 through the gateway", async () => {
    const queries = [
      `{ resources(first: 1) { totalCount } }`,
      `{ serviceItem(code: "SI-001") { dataUsed { code name } } }`,
    ];
    for (const auth of ["Bearer not-a-token", `Bearer ${authority.slice(7, -4)}AAAA`]) {
      for (const q of queries) {
        const { status, body } = await gw(q, {}, auth);
        assert.equal(status, 401, `${q}: ${JSON.stringify(body)}`);
        assert.equal(body.errors?.[0]?.extensions?.code, "UNAUTHENTICATED", JSON.stringify(body));
        assert.equal(body.data?.serviceItem?.dataUsed?.[0]?.name, undefined, "no data for a bad token");
      }
    }
  });

  test("1,000 references with a nested selection in one batch", async () => {
    const first = ok(await gw(`{ serviceItems(first: 2) { pageInfo { endCursor } } }`, {}, authority));
    const data = ok(await gw(`query($after: String) { serviceItems(first: ${bulk}, after: $after) {
      nodes { code dataUsed { code name dataItems { name } sourceDepartment { name } themeDatabases { name } } } } }`,
      { after: first.serviceItems.pageInfo.endCursor }, authority));
    const nodes = data.serviceItems.nodes;
    assert.equal(nodes.length, bulk);
    nodes.forEach((n, i) => {
      const want = fx.items[i + 2].resourceCodes[0];
      const got = n.dataUsed[0];
      if (want.startsWith("NO-SUCH-")) assert.equal(got, null, `${n.code}: ${JSON.stringify(got)}`);
      else assert.ok(got?.code === want && got.dataItems.length > 0 && got.sourceDepartment.name, `${n.code}: ${JSON.stringify(got)}`);
    });
  });
});
