// gateway.mjs: Apollo Gateway (IntrospectAndCompose) with Apollo Server in
// front of the catalogue and other subgraphs, set up as the catalogue's
// README asks ("Running behind a federation gateway"):
//
//   - the client's Authorization header goes to the catalogue with every
//     request, so each viewer sees what the catalogue lets them see;
//   - X-Catalogue-Gateway-Secret goes to the catalogue only (never to another
//     subgraph), for the SDL and for _entities batches;
//   - a 401 from the catalogue (a bad or expired token) is a 401 from the
//     gateway, with the catalogue's message, never a partial answer.
//
// composeSubgraphs fetches the subgraphs' SDL and composes them with
// @apollo/composition, so composition errors (INVALID_FIELD_SHARING...) can
// be checked without starting a gateway.
//
// Run on its own, over a catalogue already serving:
//
//	CATALOGUE_GRAPHQL=http://127.0.0.1:8080/graphql CATALOGUE_GATEWAY_SECRET=… \
//	  [SUBGRAPHS='services=http://127.0.0.1:4001/'] [GATEWAY_PORT=4000] node gateway.mjs

import { composeServices } from "@apollo/composition";
import { ApolloGateway, IntrospectAndCompose, RemoteGraphQLDataSource } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { GraphQLError, parse } from "graphql";

export const catalogueName = "catalogue";
export const gatewaySecretHeader = "x-catalogue-gateway-secret";

// catalogueHeaders are what the catalogue (and only it) gets from the gateway.
function catalogueHeaders(name, secret) {
  return name === catalogueName && secret ? { [gatewaySecretHeader]: secret } : {};
}

// fetchSDL asks a subgraph for its SDL (_service { sdl }).
export async function fetchSDL({ name, url }, secret) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...catalogueHeaders(name, secret) },
    body: JSON.stringify({ query: "{ _service { sdl } }" }),
  });
  const body = await res.json();
  if (!res.ok || body.errors?.length) {
    throw new Error(`${name} (${url}) did not give its SDL: HTTP ${res.status} ${JSON.stringify(body.errors ?? body)}`);
  }
  return body.data._service.sdl;
}

// composeSubgraphs composes subgraphs ([{name, url, sdl?}]; sdl is fetched
// when absent) and returns @apollo/composition's result: {errors} or
// {supergraphSdl, hints}.
export async function composeSubgraphs(subgraphs, secret) {
  const services = [];
  for (const s of subgraphs) {
    const sdl = s.sdl ?? (await fetchSDL(s, secret));
    services.push({ name: s.name, url: s.url, typeDefs: parse(sdl) });
  }
  return composeServices(services);
}

class SubgraphSource extends RemoteGraphQLDataSource {
  constructor(name, url, secret) {
    super({ url });
    this.subgraphName = name;
    this.secret = secret;
  }

  willSendRequest({ request, context }) {
    for (const [k, v] of Object.entries(catalogueHeaders(this.subgraphName, this.secret))) {
      request.http.headers.set(k, v);
    }
    // SECURITY: the end user's token, as they sent it, to the catalogue only.
    if (this.subgraphName === catalogueName && context?.authorization) {
      request.http.headers.set("authorization", context.authorization);
    }
  }

  // A refusal of the token is the client's to see, with the catalogue's
  // status and message (the default hides both behind "401: Unauthorized").
  async errorFromResponse(response) {
    const err = await super.errorFromResponse(response);
    const body = err.extensions?.response?.body;
    const first = typeof body === "object" ? body?.errors?.[0] : undefined;
    if (response.status === 401 || response.status === 403) {
      return new GraphQLError(first?.message ?? err.message, {
        extensions: {
          code: first?.extensions?.code ?? err.extensions.code,
          http: { status: response.status },
        },
      });
    }
    return err;
  }
}

// startGateway serves a gateway over subgraphs ([{name, url}], one of them
// named "catalogue") on port (0: a free one); it returns its URL and a stop
// function. IntrospectAndCompose fails the start on a composition error.
export async function startGateway({ subgraphs, secret, port = 0, host = "127.0.0.1" }) {
  const gateway = new ApolloGateway({
    supergraphSdl: new IntrospectAndCompose({
      subgraphs,
      introspectionHeaders: (service) => catalogueHeaders(service.name, secret),
    }),
    buildService: ({ name, url }) => new SubgraphSource(name, url, secret),
  });
  const server = new ApolloServer({ gateway });
  const { url } = await startStandaloneServer(server, {
    listen: { host, port },
    context: async ({ req }) => ({ authorization: req.headers.authorization }),
  });
  return { url, stop: () => server.stop() };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const catalogue = process.env.CATALOGUE_GRAPHQL ?? "http://127.0.0.1:8080/graphql";
  const others = (process.env.SUBGRAPHS ?? "")
    .split(",")
    .filter(Boolean)
    .map((s) => {
      const [name, url] = s.split("=");
      return { name, url };
    });
  const subgraphs = [{ name: catalogueName, url: catalogue }, ...others];
  const secret = process.env.CATALOGUE_GATEWAY_SECRET;
  const composed = await composeSubgraphs(subgraphs, secret);
  if (composed.errors?.length) {
    for (const e of composed.errors) console.error(`composition: ${e.extensions?.code ?? ""} ${e.message}`);
    process.exit(1);
  }
  const { url } = await startGateway({ subgraphs, secret, port: Number(process.env.GATEWAY_PORT ?? 4000) });
  console.log(`gateway: serving ${subgraphs.map((s) => s.name).join(" + ")} at ${url}`);
}
