// A typed client of the Critical Minerals Agreement Tracker API: the types come from the
// served OpenAPI schema (openapi-typescript), the requests from openapi-fetch. Every request
// and response below is checked by `tsc --strict` against the schema.
//
//   BASE_URL=http://127.0.0.1:8000 CMAT_TOKEN=<an editor's key> npm start
import createClient from "openapi-fetch";
import type { components, paths } from "./schema.js";

type Agreement = components["schemas"]["Agreement"];

const baseUrl = process.env.BASE_URL ?? "http://127.0.0.1:8000";
const token = process.env.CMAT_TOKEN;
if (!token) throw new Error("Set CMAT_TOKEN to an editor's API key (manage.py create_editor).");

const api = createClient<paths>({ baseUrl });
const auth = { Authorization: `Token ${token}` };

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

// 1. A list with filters: agreements between the UK and the US covering lithium or rare earths.
const filtered = await api.GET("/api/v1/agreements/", {
  params: { query: { between: "gb,us", mineral: ["Lithium", "rare earths"], ordering: "-signed_on" } },
});
check(filtered.data !== undefined, `filtered list failed: ${JSON.stringify(filtered.error)}`);
console.log(`UK–US agreements on lithium or rare earths: ${filtered.data.count}`);

// 2. Every page of the list: follow `next` until it is null.
const all: Agreement[] = [];
for (let offset = 0; ; ) {
  const page = await api.GET("/api/v1/agreements/", { params: { query: { limit: 100, offset } } });
  check(page.data !== undefined, "page failed");
  all.push(...page.data.results);
  if (!page.data.next) break;
  offset = Number(new URL(page.data.next).searchParams.get("offset"));
}
console.log(`paged through ${all.length} agreements`);
const first = all[0];
check(first !== undefined, "the list is empty");

// 3. One agreement, and its ETag for a later conditional write.
const one = await api.GET("/api/v1/agreements/{slug}/", { params: { path: { slug: first.slug } } });
check(one.data !== undefined, "detail failed");
console.log(`${one.data.slug}: ${one.data.title} (${one.data.parties.map((p) => p.party).join(", ")})`);

// 4. Create a draft with an editor's key.
const title = `TypeScript client example ${Date.now()}`;
const created = await api.POST("/api/v1/agreements/", {
  headers: auth,
  body: {
    title,
    kind: "memorandum_of_understanding",
    status: "signed",
    signed_on: "2025-09-10",
    parties: [{ party: "GB" }, { party: "JP" }],
    minerals: [{ mineral: "lithium", stages: ["processing"] }],
  },
});
check(created.data !== undefined, `create failed: ${JSON.stringify(created.error)}`);
check(created.response.status === 201 && created.data.is_published === false, "not a draft");
const etag = created.response.headers.get("ETag");
check(etag !== null, "no ETag");
console.log(`created draft ${created.data.slug}`);

// 5. The changes feed, from the start to its current end (a page shorter than limit).
let since = 0;
let events = 0;
for (;;) {
  const page = await api.GET("/api/v1/changes/", { headers: auth, params: { query: { since, limit: 1000 } } });
  check(page.data !== undefined, "changes failed");
  events += page.data.results.length;
  since = page.data.cursor;
  if (!page.data.next) break;
}
console.log(`followed the changes feed: ${events} events, cursor ${since}`);

// 6. A 400 names the parameter at fault.
const bad = await api.GET("/api/v1/agreements/", { params: { query: { mineral: ["kryptonite"] } } });
// Errors are typed per status; the one HTML body is the HTTP server's 414 (URL too long).
check(bad.response.status === 400 && typeof bad.error === "object", "expected a 400");
const error = bad.error.errors[0];
check(error !== undefined && error.attr === "mineral", "the 400 should name `mineral`");
console.log(`400 as expected: ${error.code} on ${error.attr}: ${error.detail}`);

// 7. A 412: a write based on an old ETag is refused; with the current one it succeeds.
const slug = created.data.slug;
const changed = await api.PATCH("/api/v1/agreements/{slug}/", {
  headers: { ...auth, "If-Match": etag },
  params: { path: { slug } },
  body: { summary: "Changed once." },
});
check(changed.response.status === 200, `PATCH failed: ${changed.response.status}`);
const stale = await api.PATCH("/api/v1/agreements/{slug}/", {
  headers: { ...auth, "If-Match": etag },
  params: { path: { slug } },
  body: { summary: "Changed twice from the same version." },
});
check(stale.response.status === 412 && typeof stale.error === "object", "expected a 412");
console.log(`412 as expected: ${stale.error.errors[0]?.code}`);

const removed = await api.DELETE("/api/v1/agreements/{slug}/", { headers: auth, params: { path: { slug } } });
console.log(`clean-up: DELETE answered ${removed.response.status} (editors may not delete)`);
console.log("typescript client: ok");
