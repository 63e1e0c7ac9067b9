// check.mjs harvests the catalogue's DCAT-AP export as a portal would and
// checks it with independent RDF tools: every page and dataset document is
// read as JSON-LD (expanded to RDF by the `jsonld` processor) and as Turtle
// (parsed by `n3`); the two must be the same graph, and the graph must hold
// the DCAT-AP 3 properties the catalogue promises (issue 23).
//
//	node tools/dcat/check.mjs http://127.0.0.1:8080
//
// Exits 1 when a check fails; the last line is "N passed, N failed".
import jsonld from "jsonld";
import { Parser } from "n3";

const base = (process.argv[2] || "http://127.0.0.1:8080").replace(/\/$/, "");

const DCAT = "http://www.w3.org/ns/dcat#";
const DCT = "http://purl.org/dc/terms/";
const FOAF = "http://xmlns.com/foaf/0.1/";
const VCARD = "http://www.w3.org/2006/vcard/ns#";
const SKOS = "http://www.w3.org/2004/02/skos/core#";
const HYDRA = "http://www.w3.org/ns/hydra/core#";
const RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
const XSD = "http://www.w3.org/2001/XMLSchema#";
const EU = "http://publications.europa.eu/resource/authority/";

let passed = 0;
let failed = 0;
function check(ok, what) {
  if (ok) {
    passed++;
  } else {
    failed++;
    console.log(`FAIL ${what}`);
  }
}

async function fetchText(url, accept) {
  const res = await fetch(url, { headers: accept ? { Accept: accept } : {} });
  const body = await res.text();
  if (res.status !== 200) {
    throw new Error(`GET ${url} (${accept}): ${res.status} ${body.slice(0, 300)}`);
  }
  return { body, type: res.headers.get("content-type") || "" };
}

// key is a quad's comparable form: subject, predicate and a typed object.
function key(q) {
  const o = q.object;
  let obj;
  if (o.termType === "Literal") {
    obj = `"${o.value}"@${o.language || ""}^^${o.datatype ? o.datatype.value : XSD + "string"}`;
  } else {
    obj = `${o.termType === "BlankNode" ? "_:" : ""}<${o.value}>`;
  }
  return `<${q.subject.value}> <${q.predicate.value}> ${obj}`;
}

// Graph indexes triples by subject and predicate.
class Graph {
  constructor(quads) {
    this.keys = new Set(quads.map(key));
    this.by = new Map();
    for (const q of quads) {
      const s = q.subject.value;
      if (!this.by.has(s)) this.by.set(s, new Map());
      const ps = this.by.get(s);
      if (!ps.has(q.predicate.value)) ps.set(q.predicate.value, []);
      ps.get(q.predicate.value).push(q.object);
    }
  }
  objects(s, p) {
    return (this.by.get(s) && this.by.get(s).get(p)) || [];
  }
  has(s, type) {
    return this.objects(s, RDF_TYPE).some((o) => o.value === type);
  }
  ofType(type) {
    return [...this.by.keys()].filter((s) => this.has(s, type));
  }
}

// read fetches url as JSON-LD and as Turtle and checks they agree.
async function read(url, what) {
  const ld = await fetchText(url, "application/ld+json");
  const ttl = await fetchText(url, "text/turtle");
  check(ld.type.startsWith("application/ld+json"), `${what}: JSON-LD content type ${ld.type}`);
  check(ttl.type.startsWith("text/turtle"), `${what}: Turtle content type ${ttl.type}`);
  const fromLD = await jsonld.toRDF(JSON.parse(ld.body), { base: url, safe: true });
  const fromTTL = new Parser({ baseIRI: url, format: "text/turtle" }).parse(ttl.body);
  const a = new Graph(fromLD);
  const b = new Graph(fromTTL);
  const onlyLD = [...a.keys].filter((k) => !b.keys.has(k));
  const onlyTTL = [...b.keys].filter((k) => !a.keys.has(k));
  check(onlyLD.length === 0 && onlyTTL.length === 0 && a.keys.size > 0,
    `${what}: JSON-LD (${a.keys.size} triples) and Turtle (${b.keys.size}) differ:\n  only JSON-LD: ${onlyLD.slice(0, 5).join("\n    ")}\n  only Turtle: ${onlyTTL.slice(0, 5).join("\n    ")}`);
  return a;
}

function literal(o, datatype) {
  return o && o.termType === "Literal" && (!datatype || o.datatype.value === datatype);
}

function checkDataset(g, ds, what) {
  const one = (p) => g.objects(ds, p).length === 1;
  check(g.has(ds, DCAT + "Dataset"), `${what}: a dcat:Dataset`);
  check(one(DCT + "identifier") && literal(g.objects(ds, DCT + "identifier")[0]), `${what}: dct:identifier`);
  check(one(DCT + "title"), `${what}: dct:title`);
  check(one(DCT + "description"), `${what}: dct:description`);
  const pub = g.objects(ds, DCT + "publisher")[0];
  check(pub && g.has(pub.value, FOAF + "Agent") && g.objects(pub.value, FOAF + "name").length > 0 &&
    /^[0-9A-HJ-NPQRTUWXY]{18}$/.test((g.objects(pub.value, DCT + "identifier")[0] || {}).value),
  `${what}: dct:publisher a named foaf:Agent with its credit code`);
  const freq = g.objects(ds, DCT + "accrualPeriodicity");
  check(freq.length === 1 && freq[0].value.startsWith(EU + "frequency/"), `${what}: accrualPeriodicity from the EU frequency vocabulary`);
  check(literal(g.objects(ds, DCT + "issued")[0], XSD + "dateTime"), `${what}: dct:issued xsd:dateTime`);
  check(literal(g.objects(ds, DCT + "modified")[0], XSD + "dateTime"), `${what}: dct:modified xsd:dateTime`);
  const ar = g.objects(ds, DCT + "accessRights").map((o) => o.value);
  check(ar.length === 1 && [EU + "access-right/PUBLIC", EU + "access-right/RESTRICTED"].includes(ar[0]),
    `${what}: accessRights PUBLIC or RESTRICTED, got ${ar}`);
  const cp = g.objects(ds, DCAT + "contactPoint")[0];
  check(cp && g.has(cp.value, VCARD + "Kind") && g.objects(cp.value, VCARD + "fn").length === 1, `${what}: contactPoint a vcard:Kind with fn`);
  for (const t of g.objects(ds, DCAT + "theme")) {
    check(g.has(t.value, SKOS + "Concept") && g.objects(t.value, SKOS + "prefLabel").length === 1, `${what}: theme ${t.value} a labelled skos:Concept`);
  }
  const restricted = ar[0] === EU + "access-right/RESTRICTED";
  for (const d of g.objects(ds, DCAT + "distribution")) {
    const access = g.objects(d.value, DCAT + "accessURL");
    check(g.has(d.value, DCAT + "Distribution") && access.length === 1, `${what}: distribution with one accessURL`);
    for (const f of g.objects(d.value, DCT + "format")) {
      check(f.value.startsWith(EU + "file-type/"), `${what}: format ${f.value} from the EU file-type vocabulary`);
    }
    if (restricted) {
      check(access[0] && access[0].value === ds + "/access", `${what}: a conditionally open entry's accessURL is its open-request page`);
      check(g.objects(d.value, DCAT + "downloadURL").length === 0, `${what}: no downloadURL for conditionally open data`);
    }
  }
  return { restricted, themes: g.objects(ds, DCAT + "theme").length, distributions: g.objects(ds, DCAT + "distribution").length };
}

async function main() {
  const catalog = base + "/dcat/catalog";
  let page = catalog + "?pageSize=25";
  const datasets = [];
  let totalItems = -1;
  let pages = 0;
  while (page) {
    pages++;
    const g = await read(page, `catalogue page ${pages}`);
    check(g.has(catalog, DCAT + "Catalog"), `page ${pages}: the dcat:Catalog`);
    for (const p of [DCT + "title", DCT + "description", DCT + "publisher"]) {
      check(g.objects(catalog, p).length > 0, `page ${pages}: catalogue has ${p}`);
    }
    const total = g.objects(catalog, HYDRA + "totalItems")[0];
    check(literal(total, XSD + "integer"), `page ${pages}: hydra:totalItems`);
    totalItems = Number(total && total.value);
    const views = g.ofType(HYDRA + "PartialCollectionView");
    check(views.length === 1 && g.objects(views[0], HYDRA + "first").length === 1 && g.objects(views[0], HYDRA + "last").length === 1,
      `page ${pages}: one hydra:PartialCollectionView with first and last`);
    const listed = g.objects(catalog, DCAT + "dataset").map((o) => o.value);
    check(listed.length === g.ofType(DCAT + "Dataset").length, `page ${pages}: every dataset linked from the catalogue`);
    for (const ds of listed) {
      checkDataset(g, ds, ds);
      datasets.push(ds);
    }
    const next = views.length === 1 ? g.objects(views[0], HYDRA + "next")[0] : undefined;
    page = next ? next.value : "";
    if (pages > 100) throw new Error("paging does not end");
  }
  check(datasets.length === totalItems && totalItems > 0, `harvested ${datasets.length} datasets, hydra:totalItems ${totalItems}`);
  check(new Set(datasets).size === datasets.length, "no dataset on two pages");

  let restricted = 0;
  let themed = 0;
  let distributed = 0;
  for (const ds of datasets) {
    const g = await read(ds, `dataset ${ds}`);
    const r = checkDataset(g, ds, `${ds} (own document)`);
    if (r.themes > 0) themed++;
    if (r.distributions > 0) distributed++;
    if (r.restricted) {
      restricted++;
      const page = await fetchText(ds + "/access", "text/html");
      check(page.body.includes("submitOpenRequest"), `${ds}/access describes the open request`);
    }
  }
  check(restricted > 0 && restricted < datasets.length, `both open types present (${restricted} of ${datasets.length} conditional)`);
  check(themed > 0, `datasets with themes: ${themed}`);
  check(distributed > 0, `datasets with distributions: ${distributed}`);

  const themes = await read(base + "/dcat/themes", "themes");
  const scheme = base + "/dcat/themes";
  check(themes.has(scheme, SKOS + "ConceptScheme") && themes.objects(scheme, SKOS + "hasTopConcept").length > 0, "themes: a skos:ConceptScheme with concepts");

  console.log(`dcat: ${pages} pages, ${datasets.length} datasets (${restricted} conditionally open), read as JSON-LD and Turtle`);
}

try {
  await main();
} catch (err) {
  failed++;
  console.log(`FAIL ${err.stack || err}`);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
