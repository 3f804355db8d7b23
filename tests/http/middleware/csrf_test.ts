import { assertEquals } from "@std/assert";
import { requestSite } from "../../../src/http/middleware/origin.ts";
import { API_KEY, errorOf, REGION, RUNNING_ID, STOPPED_ID, testService } from "../../_helpers.ts";

const SITE = "https://workwork.example";
const STOP = `${SITE}/instance/${REGION}/${RUNNING_ID}/stop`;
const COOKIE = { cookie: `api_key=${API_KEY}` };

Deno.test("a change authenticated by the cookie from a client that is no browser works, as it always has", async () => {
  // curl --cookie api_key=… -X POST …: no Origin, no Sec-Fetch-Site. The
  // original took the cookie as a key source for changes; its clients keep working.
  const { app, simulator } = await testService();
  const response = await app.request(STOP, { method: "POST", headers: COOKIE });
  assertEquals(response.status, 204);
  assertEquals(simulator.instance(REGION, RUNNING_ID)?.state, "stopping");
});

Deno.test("a change authenticated by the cookie from another site is refused", async () => {
  const { app, simulator } = await testService();
  const forged: Record<string, string>[] = [
    { origin: "https://evil.example" },
    { origin: "null" },
    { origin: "http://workwork.example" },
    { "sec-fetch-site": "cross-site", origin: SITE },
    { "sec-fetch-site": "same-site" },
  ];
  for (const headers of forged) {
    for (const method of ["POST", "PUT"]) {
      const response = await app.request(STOP, { method, headers: { ...COOKIE, ...headers } });
      assertEquals(response.status, 403, `${method} ${JSON.stringify(headers)}`);
      assertEquals((await errorOf(response)).id, "origin");
    }
  }
  assertEquals(simulator.calls.length, 0);
});

Deno.test("a change authenticated by the cookie from the site's own page goes through", async () => {
  const { app } = await testService();
  const same = await app.request(STOP, { method: "POST", headers: { ...COOKIE, origin: SITE } });
  assertEquals(same.status, 204);
  // Behind a proxy that ends TLS the service sees http://…, the browser sends https://…
  const proxied = await app.request(`http://10.0.0.5:8000/instance/${REGION}/${STOPPED_ID}/start`, {
    method: "POST",
    headers: { ...COOKIE, origin: SITE, "sec-fetch-site": "same-origin" },
  });
  assertEquals(proxied.status, 204);
});

Deno.test("header, bearer and JSON-body keys are not subject to the Origin check", async () => {
  const { app } = await testService();
  const evil = { origin: "https://evil.example", "sec-fetch-site": "cross-site" };
  const sources: RequestInit[] = [
    { headers: { ...evil, "x-api-key": API_KEY } },
    { headers: { ...evil, authorization: `Bearer ${API_KEY}` } },
    {
      headers: { ...evil, "content-type": "application/json" },
      body: JSON.stringify({ api_key: API_KEY }),
    },
    { headers: { "x-api-key": API_KEY, ...COOKIE } },
  ];
  for (const init of sources) {
    const response = await app.request(STOP, { method: "POST", ...init });
    assertEquals(response.status, 204, JSON.stringify(init.headers));
  }
});

Deno.test("reads authenticated by the cookie need no Origin", async () => {
  const { app } = await testService();
  const response = await app.request(`${SITE}/instance/${REGION}/${RUNNING_ID}`, {
    headers: { ...COOKIE, "sec-fetch-site": "cross-site" },
  });
  assertEquals(response.status, 200);
  await response.body?.cancel();
});

Deno.test("requestSite reads Sec-Fetch-Site first, then Origin against the request's own origin", () => {
  const site = (headers: Record<string, string>) =>
    requestSite(new Request(`${SITE}/x`, { method: "POST", headers }));
  assertEquals(site({}), "unknown");
  assertEquals(site({ origin: SITE }), "same");
  assertEquals(site({ origin: `${SITE}:8443` }), "cross");
  assertEquals(site({ "sec-fetch-site": "same-origin", origin: "https://proxy.example" }), "same");
  assertEquals(site({ "sec-fetch-site": "none" }), "cross");
});
