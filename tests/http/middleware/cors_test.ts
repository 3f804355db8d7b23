import { assertEquals, assertThrows } from "@std/assert";
import { ConfigError, loadConfig } from "../../../src/config/settings.ts";
import { KEYED, REGION, RUNNING_ID, testService } from "../../_helpers.ts";

const READ = `/instance/${REGION}/${RUNNING_ID}`;
const APP_ORIGIN = "https://app.example.com";

function preflight(origin: string, method = "POST"): RequestInit {
  return {
    method: "OPTIONS",
    headers: {
      origin,
      "access-control-request-method": method,
      "access-control-request-headers": "x-api-key, content-type",
    },
  };
}

Deno.test("without CORS_ORIGINS no answer carries CORS headers and OPTIONS is refused", async () => {
  const { app } = await testService();
  const read = await app.request(READ, { headers: { ...KEYED, origin: APP_ORIGIN } });
  assertEquals(read.status, 200);
  assertEquals(read.headers.get("access-control-allow-origin"), null);
  const options = await app.request(`${READ}/start`, preflight(APP_ORIGIN));
  assertEquals(options.status, 405);
  assertEquals(options.headers.get("access-control-allow-origin"), null);
});

Deno.test("a listed origin gets a preflight allowing the key headers, and readable answers", async () => {
  const { app, simulator } = await testService({ corsOrigins: [APP_ORIGIN] });
  const options = await app.request(`${READ}/start`, preflight(APP_ORIGIN));
  assertEquals(options.status, 204);
  assertEquals(options.headers.get("access-control-allow-origin"), APP_ORIGIN);
  assertEquals(options.headers.get("access-control-allow-methods"), "GET,HEAD,POST,PUT");
  const allowed = options.headers.get("access-control-allow-headers")!.toLowerCase().split(",");
  for (const header of ["x-api-key", "api-key", "api_key", "authorization", "content-type"]) {
    assertEquals(allowed.includes(header), true, header);
  }
  assertEquals(options.headers.get("access-control-max-age"), "600");
  assertEquals(options.headers.get("access-control-allow-credentials"), null);
  assertEquals(simulator.calls.length, 0, "a preflight makes no EC2 call");

  const read = await app.request(READ, { headers: { ...KEYED, origin: APP_ORIGIN } });
  assertEquals(read.headers.get("access-control-allow-origin"), APP_ORIGIN);
  assertEquals(read.headers.get("access-control-expose-headers"), "X-Request-Id,Retry-After,Allow");
  const denied = await app.request(READ, { headers: { "x-api-key": "no", origin: APP_ORIGIN } });
  assertEquals(denied.status, 401);
  assertEquals(denied.headers.get("access-control-allow-origin"), APP_ORIGIN);
});

Deno.test("POST /sweep and /openapi.json answer a listed origin too", async () => {
  const { app } = await testService({ corsOrigins: [APP_ORIGIN] });
  const options = await app.request("/sweep", preflight(APP_ORIGIN));
  assertEquals(options.status, 204);
  assertEquals(options.headers.get("access-control-allow-origin"), APP_ORIGIN);
  const sweep = await app.request("/sweep?dry_run=true", {
    method: "POST",
    headers: { ...KEYED, origin: APP_ORIGIN },
  });
  assertEquals(sweep.status, 200);
  assertEquals(sweep.headers.get("access-control-allow-origin"), APP_ORIGIN);
  const document = await app.request("/openapi.json", { headers: { origin: APP_ORIGIN } });
  assertEquals(document.headers.get("access-control-allow-origin"), APP_ORIGIN);
  const page = await app.request("/", { headers: { origin: APP_ORIGIN } });
  assertEquals(page.headers.get("access-control-allow-origin"), null);
});

Deno.test("an origin not listed gets no CORS grant", async () => {
  const { app } = await testService({ corsOrigins: [APP_ORIGIN] });
  const options = await app.request(`${READ}/start`, preflight("https://evil.example"));
  assertEquals(options.headers.get("access-control-allow-origin"), null);
  const read = await app.request(READ, { headers: { ...KEYED, origin: "https://evil.example" } });
  assertEquals(read.headers.get("access-control-allow-origin"), null);
  assertEquals(read.headers.get("vary"), "Origin");
});

Deno.test("CORS_ORIGINS takes origins or *, and names itself when malformed", () => {
  const base = { API_KEY: "k", AWS_ACCESS_KEY_ID: "A", AWS_SECRET_ACCESS_KEY: "s" };
  assertEquals(loadConfig(base).corsOrigins, null);
  assertEquals(
    loadConfig({ ...base, CORS_ORIGINS: "https://a.example, http://localhost:3000" }).corsOrigins,
    ["https://a.example", "http://localhost:3000"],
  );
  assertEquals(loadConfig({ ...base, CORS_ORIGINS: "*" }).corsOrigins, ["*"]);
  for (const bad of ["a.example", "https://a.example/", "https://a.example/app", "ftp://a"]) {
    assertThrows(
      () => loadConfig({ ...base, CORS_ORIGINS: bad }),
      ConfigError,
      "CORS_ORIGINS must list origins",
    );
  }
});
