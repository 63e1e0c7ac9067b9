// services.mjs: a second subgraph beside the catalogue, as a city's
// government-services team (政务服务) might run one: its service items
// (政务服务事项) name the department that handles them and the catalogue
// entries whose data they use, and it extends the catalogue's Resource,
// known by its code, with the items that use it and a label built from the
// catalogue's own name (@requires).
//
// It keeps no data of its own: startServices is handed the items, so the
// test can draw them from the catalogue it runs against (department IDs are
// opaque, entry codes are the demo's).

import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { GraphQLError, parse } from "graphql";

export const typeDefs = parse(/* GraphQL */ `
  extend schema
    @link(url: "https://specs.apollo.dev/federation/v2.3",
          import: ["@key", "@external", "@requires", "@shareable"])

  type Query {
    "Service items by code, a Relay connection."
    serviceItems(first: Int = 20, after: String): ServiceItemConnection!
    serviceItem(code: String!): ServiceItem
  }

  "A government service item (政务服务事项)."
  type ServiceItem @key(fields: "code") {
    code: String!
    name: String!
    "The department that handles it: a reference the catalogue resolves."
    handledBy: Department!
    "The catalogue entries whose data it uses, in order: references the catalogue resolves (null where the viewer may not see one)."
    dataUsed: [Resource]!
  }

  type ServiceItemEdge {
    cursor: String!
    node: ServiceItem!
  }

  type ServiceItemConnection {
    totalCount: Int!
    pageInfo: PageInfo!
    edges: [ServiceItemEdge!]!
    nodes: [ServiceItem!]!
  }

  "The catalogue defines it too: shareable on both sides, or composition fails (INVALID_FIELD_SHARING)."
  type PageInfo @shareable {
    hasNextPage: Boolean!
    hasPreviousPage: Boolean!
    startCursor: String
    endCursor: String
  }

  "A catalogue entry, known here by its code."
  type Resource @key(fields: "code") {
    code: String!
    name: String! @external
    "The entry as the service desk shows it: its code and the catalogue's name."
    serviceLabel: String! @requires(fields: "name")
    "The service items that use it."
    usedBy: [ServiceItem!]!
  }

  type Department @key(fields: "id", resolvable: false) {
    id: ID!
  }
`);

const cursorOf = (i) => Buffer.from(`ServiceItem:${i}`).toString("base64url");

function offsetOf(after) {
  if (after == null) return 0;
  const m = /^ServiceItem:(\d+)$/.exec(Buffer.from(after, "base64url").toString());
  if (!m) {
    throw new GraphQLError(`after: ${JSON.stringify(after)} is not a cursor of serviceItems: pass an endCursor it returned`, {
      extensions: { code: "BAD_USER_INPUT" },
    });
  }
  return Number(m[1]) + 1;
}

// resolversFor serves items: [{code, name, departmentId, resourceCodes}].
export function resolversFor(items) {
  const byCode = new Map(items.map((it) => [it.code, it]));
  const usedBy = new Map();
  for (const it of items) {
    for (const rc of it.resourceCodes) {
      if (!usedBy.has(rc)) usedBy.set(rc, []);
      usedBy.get(rc).push(it);
    }
  }
  return {
    Query: {
      serviceItems(_, { first, after }) {
        if (first < 0 || first > 1000) {
          throw new GraphQLError(`first: ${first} is out of range: ask for 0 to 1000 items`, {
            extensions: { code: "BAD_USER_INPUT" },
          });
        }
        const from = offsetOf(after);
        const page = items.slice(from, from + first);
        return {
          totalCount: items.length,
          pageInfo: {
            hasNextPage: from + page.length < items.length,
            hasPreviousPage: from > 0,
            startCursor: page.length ? cursorOf(from) : null,
            endCursor: page.length ? cursorOf(from + page.length - 1) : null,
          },
          edges: page.map((node, i) => ({ cursor: cursorOf(from + i), node })),
          nodes: page,
        };
      },
      serviceItem: (_, { code }) => byCode.get(code) ?? null,
    },
    ServiceItem: {
      __resolveReference: (ref) => byCode.get(ref.code) ?? null,
      handledBy: (it) => ({ __typename: "Department", id: it.departmentId }),
      dataUsed: (it) => it.resourceCodes.map((code) => ({ __typename: "Resource", code })),
    },
    Resource: {
      // The gateway sends {code} and, for serviceLabel, the name it fetched
      // from the catalogue.
      __resolveReference: (ref) => ref,
      serviceLabel: (r) => `${r.code} ${r.name}`,
      usedBy: (r) => usedBy.get(r.code) ?? [],
    },
  };
}

// startServices serves items on a free local port; it returns the
// subgraph's URL and a stop function.
export async function startServices(items) {
  const server = new ApolloServer({
    schema: buildSubgraphSchema({ typeDefs, resolvers: resolversFor(items) }),
  });
  const { url } = await startStandaloneServer(server, { listen: { host: "127.0.0.1", port: 0 } });
  return { url, stop: () => server.stop() };
}
