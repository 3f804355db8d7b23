import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { OPENAPI_DOCUMENT } from "../../src/http/openapi.ts";
import { testService } from "../_helpers.ts";

/** `METHOD /path/:param` for every route the app serves (its 405 catch-alls aside). */
async function servedRoutes(): Promise<string[]> {
  const { app } = await testService();
  return [
    ...new Set(
      app.routes.filter(({ method }) => method !== "ALL").map(({ method, path }) =>
        `${method} ${path}`
      ),
    ),
  ].sort();
}

function documentedRoutes(document: Record<string, unknown>): string[] {
  const paths = document.paths as Record<string, Record<string, unknown>>;
  return Object.entries(paths).flatMap(([path, operations]) =>
    Object.keys(operations).map((method) =>
      `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ":$1")}`
    )
  ).sort();
}

Deno.test("the OpenAPI document describes exactly the routes the app serves", async () => {
  assertEquals(documentedRoutes(OPENAPI_DOCUMENT), await servedRoutes());
});

Deno.test("GET /openapi.json serves OpenAPI 3.1 without a key, with every key source", async () => {
  const { app } = await testService();
  const response = await app.request("/openapi.json");
  assertEquals(response.status, 200);
  const document = await response.json();
  assertEquals(document.openapi, "3.1.0");
  const schemes = document.components.securitySchemes;
  assertEquals(
    Object.values(schemes).map((s) => JSON.stringify(s)).sort(),
    [
      { type: "apiKey", in: "header", name: "api_key" },
      { type: "apiKey", in: "header", name: "Api-Key" },
      { type: "apiKey", in: "header", name: "X-Api-Key" },
      { type: "apiKey", in: "cookie", name: "api_key" },
      { type: "http", scheme: "bearer" },
    ].map((s) => JSON.stringify(s)).sort(),
  );
  // Every $ref points at a schema that exists.
  for (const [, name] of JSON.stringify(document).matchAll(/"#\/components\/schemas\/(\w+)"/g)) {
    assert(document.components.schemas[name], `schema ${name} is missing`);
  }
});

Deno.test("GET /docs renders every route as a page that loads nothing from elsewhere", async () => {
  const { app } = await testService();
  const response = await app.request("/docs");
  assertEquals(response.status, 200);
  assertStringIncludes(response.headers.get("content-type") ?? "", "text/html");
  const html = await response.text();
  for (const path of Object.keys(OPENAPI_DOCUMENT.paths as object)) {
    assertStringIncludes(html, path);
  }
  assertStringIncludes(html, "<code>wait_seconds</code>");
  // The operationId a generated client names the call by.
  assertStringIncludes(html, "Read an instance (<code>readInstance</code>)");
  assertEquals(/<script|<link|src=|https?:\/\//i.test(html), false);
});
