import { assert, assertEquals, assertMatch, assertStringIncludes } from "@std/assert";
import { ConfigError, loadConfig } from "../../../src/config/settings.ts";
import { visibleRegions } from "../../../src/http/dashboard/listing.ts";
import { uptimeText } from "../../../src/http/dashboard/page.ts";
import { FULL_ACCESS } from "../../../src/domain/scopes.ts";
import { createService } from "../../../src/platform/service.ts";
import { createDemo } from "../../../src/platform/demo.ts";
import {
  API_KEY,
  errorOf,
  OTHER_REGION,
  OTHER_REGION_ID,
  REGION,
  RUNNING_ID,
  STOPPED_ID,
  testService,
} from "../../_helpers.ts";

const SITE = "https://workwork.example";
const SIGNED_IN = { cookie: `api_key=${API_KEY}` };
const FORM = "application/x-www-form-urlencoded";

function signIn(key: string, headers: Record<string, string> = {}) {
  return {
    method: "POST",
    headers: { "content-type": FORM, origin: SITE, ...headers },
    body: new URLSearchParams({ api_key: key }).toString(),
  };
}

async function page(
  app: { request: (u: string, i?: RequestInit) => Response | Promise<Response> },
) {
  const response = await app.request(`${SITE}/`, { headers: SIGNED_IN });
  return { response, text: await response.text() };
}

Deno.test("GET / without a key shows a labelled sign-in form under a strict CSP", async () => {
  const { app, simulator } = await testService();
  const response = await app.request(`${SITE}/`);
  assertEquals(response.status, 200);
  assertMatch(response.headers.get("content-type")!, /^text\/html/);
  const text = await response.text();
  assertStringIncludes(text, '<form method="post" action="/session">');
  assertStringIncludes(text, '<label for="api-key">API key</label>');
  assertMatch(text, /<input id="api-key" name="api_key" type="password"/);
  assertEquals(text.includes("<script"), false);
  const csp = response.headers.get("content-security-policy")!;
  assertStringIncludes(csp, "default-src 'none'");
  assertStringIncludes(csp, "frame-ancestors 'none'");
  assertEquals(simulator.calls.length, 0);
});

Deno.test("signing in with the form sets a __Host- session cookie, not the key, and redirects home", async () => {
  const { app } = await testService();
  const response = await app.request(`${SITE}/session`, signIn(API_KEY));
  assertEquals(response.status, 303);
  assertEquals(response.headers.get("location"), "/");
  const cookie = response.headers.get("set-cookie")!;
  assertMatch(cookie, /^__Host-workwork_session=[\w-]+\.[\w-]+;/);
  assertEquals(cookie.includes(API_KEY), false);
  assertEquals(cookie.includes("Domain"), false);
  for (const part of ["HttpOnly", "Secure", "SameSite=Strict", "Path=/", "Max-Age=43200"]) {
    assertStringIncludes(cookie, part);
  }
  const home = await app.request(`${SITE}/`, { headers: { cookie: cookie.split(";")[0] } });
  assertStringIncludes(await home.text(), "Signed in as <strong>default</strong>");
});

Deno.test("the session cookie is Secure on http://localhost too: browsers keep it there", async () => {
  const { app } = await testService();
  for (const base of ["http://localhost:8000", "http://127.0.0.1:9", SITE]) {
    const response = await app.request(`${base}/session`, signIn(API_KEY, { origin: base }));
    assertEquals(response.status, 303, base);
    assertStringIncludes(response.headers.get("set-cookie")!, "; Secure", base);
  }
});

Deno.test("a wrong or empty key in the form shows the form again with a notice and sets no cookie", async () => {
  const { app } = await testService();
  const wrong = await app.request(`${SITE}/session`, signIn("not-the-key"));
  assertEquals(wrong.status, 401);
  assertEquals(wrong.headers.get("set-cookie"), null);
  const text = await wrong.text();
  assertStringIncludes(text, "That key is not valid");
  assertEquals(text.includes("not-the-key"), false);
  const empty = await app.request(`${SITE}/session`, signIn("  "));
  assertEquals(empty.status, 422);
  assertStringIncludes(await empty.text(), "Enter your API key");
});

Deno.test("POST /session with JSON answers what the key may do, or a JSON 401", async () => {
  const { app } = await testService({
    keys: { "west-starter": { name: "west", scope: { regions: new Set([REGION]) } } },
  });
  const json = (key: string) => ({
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ api_key: key }),
  });
  const ok = await app.request(`${SITE}/session`, json("west-starter"));
  assertEquals(ok.status, 200);
  assertEquals(await ok.json(), {
    name: "west",
    actions: ["read", "start", "stop", "reboot", "hold"],
    regions: [REGION],
  });
  const cookie = ok.headers.get("set-cookie")!;
  assertStringIncludes(cookie, "__Host-workwork_session=");
  assertEquals(cookie.includes("west-starter"), false);
  const wrong = await app.request(`${SITE}/session`, json("nope"));
  assertEquals(wrong.status, 401);
  assertEquals(await errorOf(wrong), { id: "api_key", title: "Invalid api key" });
});

Deno.test("signing in from another site's page is refused", async () => {
  const { app } = await testService();
  const forged: Record<string, string>[] = [
    { origin: "https://evil.example" },
    { "sec-fetch-site": "cross-site" },
  ];
  for (const headers of forged) {
    const response = await app.request(`${SITE}/session`, signIn(API_KEY, headers));
    assertEquals(response.status, 403, JSON.stringify(headers));
    assertEquals((await errorOf(response)).id, "origin");
    assertEquals(response.headers.get("set-cookie"), null);
  }
});

Deno.test("GET / with the cookie lists each region's instances with only the allowed buttons", async () => {
  const { app } = await testService({ regions: [REGION, OTHER_REGION] });
  const { response, text } = await page(app);
  assertEquals(response.status, 200);
  assertStringIncludes(text, `<h2 id="region-${REGION}">${REGION}</h2>`);
  assertStringIncludes(text, `<h2 id="region-${OTHER_REGION}">${OTHER_REGION}</h2>`);
  for (const id of [RUNNING_ID, STOPPED_ID, OTHER_REGION_ID]) assertStringIncludes(text, id);
  assertMatch(text, /data-id="i-0a1b2c3d4e5f60718"[^>]*data-state="running"/);
  assertMatch(text, /aria-label="Stop dev-box \(us-west-2\)"\s*>Stop/);
  assertMatch(text, /aria-label="Start dev-box \(us-west-2\)"\s*disabled>/);
  assertMatch(text, /aria-label="Start i-0fedcba9876543210 \(us-west-2\)"\s*>Start/);
  assertMatch(text, /aria-label="Hibernate dev-box \(us-west-2\)">Hibernate/);
  assertMatch(text, /aria-label="Force stop dev-box \(us-west-2\)">Force stop/);
  // Two running in us-west-2, the stopped one, one running in eu-central-1.
  assertStringIncludes(text, "<title>workwork: 3 running, 1 stopped</title>");
  assertStringIncludes(text, '<p id="summary" class="summary">3 running \u00b7 1 stopped</p>');
  assertEquals(text.includes(API_KEY), false);
  const nonce = response.headers.get("content-security-policy")!.match(/'nonce-([^']+)'/)![1];
  assertStringIncludes(text, `<script nonce="${nonce}">`);
  assertStringIncludes(text, `<style nonce="${nonce}">`);
});

Deno.test("a key limited to reading and one region sees no buttons and only its region", async () => {
  const { app } = await testService({
    regions: [REGION, OTHER_REGION],
    keys: {
      "reader-key": {
        name: "reader",
        scope: { regions: new Set([OTHER_REGION]), actions: new Set(["read"]) },
      },
    },
  });
  const response = await app.request(`${SITE}/`, { headers: { cookie: "api_key=reader-key" } });
  const text = await response.text();
  assertStringIncludes(text, OTHER_REGION_ID);
  assertEquals(text.includes(RUNNING_ID), false);
  assertEquals(text.includes('<button type="button" data-action='), false);
  const tagged = await testService({
    regions: [REGION],
    keys: { "tag-key": { name: "tagged", scope: { tags: { Name: "dev-box" } } } },
  });
  const only = await (await tagged.app.request(`${SITE}/`, {
    headers: { cookie: "api_key=tag-key" },
  })).text();
  assertStringIncludes(only, RUNNING_ID);
  assertEquals(only.includes(STOPPED_ID), false);
});

Deno.test("namesakes get labels told apart by region, and by id within one region", async () => {
  const { app } = await testService({
    regions: [REGION, OTHER_REGION],
    instances: [
      { id: RUNNING_ID, region: REGION, state: "running", tags: { Name: "demo" } },
      { id: STOPPED_ID, region: REGION, state: "stopped", tags: { Name: "demo" } },
      { id: OTHER_REGION_ID, region: OTHER_REGION, state: "running", tags: { Name: "demo" } },
    ],
  });
  const { text } = await page(app);
  const labels = [...text.matchAll(/aria-label="Stop ([^"]+)"/g)].map((match) => match[1]);
  assertEquals(labels.sort(), [
    `demo (${OTHER_REGION})`,
    `demo (${RUNNING_ID}, ${REGION})`,
    `demo (${STOPPED_ID}, ${REGION})`,
  ]);
  const buttons = [...text.matchAll(/aria-label="([^"]+)"/g)].map((match) => match[1]);
  assertEquals(new Set(buttons).size, buttons.length, "every label is unique");
});

Deno.test("the manifest and the icon are served without a key, and the page links them", async () => {
  const { app, simulator } = await testService();
  const manifest = await app.request(`${SITE}/manifest.webmanifest`);
  assertEquals(manifest.status, 200);
  assertEquals(manifest.headers.get("content-type"), "application/manifest+json");
  const body = await manifest.json();
  assertEquals([body.name, body.start_url, body.display], ["workwork", "/", "standalone"]);
  assertMatch(body.theme_color, /^#[0-9a-f]{6}$/);
  for (const icon of body.icons) {
    const answer = await app.request(new URL(icon.src, SITE).href);
    assertEquals(answer.status, 200, icon.src);
    assertEquals(answer.headers.get("content-type"), icon.type);
    const bytes = new Uint8Array(await answer.arrayBuffer());
    if (icon.type === "image/svg+xml") {
      assertStringIncludes(new TextDecoder().decode(bytes), "<svg");
    } else assertEquals([...bytes.subarray(1, 4)], [0x50, 0x4e, 0x47], icon.src); // "PNG"
  }
  assertEquals(new Set(body.icons.map((icon: { purpose: string }) => icon.purpose)).size, 2);
  assertEquals(simulator.calls.length, 0);
  for (const text of [await (await app.request(`${SITE}/`)).text(), (await page(app)).text]) {
    assertStringIncludes(text, '<link rel="manifest" href="/manifest.webmanifest">');
    assertStringIncludes(text, '<link rel="apple-touch-icon" href="/icon-192.png">');
    assertMatch(text, /<meta name="theme-color" content="#[0-9a-f]{6}"/);
  }
  const csp = (await app.request(`${SITE}/`)).headers.get("content-security-policy")!;
  assertStringIncludes(csp, "manifest-src 'self'");
});

Deno.test("instance names are escaped in the page", async () => {
  const { app } = await testService({
    regions: [REGION],
    instances: [{
      id: RUNNING_ID,
      region: REGION,
      tags: { Name: `<img src=x onerror="alert(1)">` },
    }],
  });
  const { text } = await page(app);
  assertEquals(text.includes("<img src=x"), false);
  assertStringIncludes(text, "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
});

Deno.test("a region EC2 cannot list shows why in its section; the page still loads", async () => {
  const { app, simulator } = await testService({ regions: [REGION] });
  simulator.inject({ action: "DescribeInstances", fault: { kind: "error", code: "AuthFailure" } });
  const { response, text } = await page(app);
  assertEquals(response.status, 200);
  assertMatch(text, /class="error" role="alert">Could not list us-west-2: EC2 rejected/);
});

// 30 KB until holds, the last change, Show more and the filter came (issue 18's
// page, part 2): the script grew by 6.8 KB, the page to 39 KB, 10 KB gzipped.
Deno.test("the page with the demo's five instances stays under 40 KB, 11 KB gzipped", async () => {
  const service = await createService({ API_KEY, DEMO: "true" }, { demo: createDemo });
  const response = await service.app.request(`${SITE}/`, { headers: SIGNED_IN });
  const body = new Uint8Array(await response.arrayBuffer());
  const bytes = body.byteLength;
  assert(bytes < 40 * 1024, `${bytes} bytes`);
  const gzipped = await new Response(
    new Blob([body]).stream().pipeThrough(new CompressionStream("gzip")),
  ).arrayBuffer();
  assert(gzipped.byteLength < 11 * 1024, `${gzipped.byteLength} bytes gzipped`);
  const signInBytes = (await (await service.app.request(`${SITE}/`)).arrayBuffer()).byteLength;
  assert(signInBytes < 30 * 1024, `${signInBytes} bytes`);
});

Deno.test("the demo lists its own regions unless REGIONS says otherwise", async () => {
  const demo = await createService({ API_KEY, DEMO: "true" }, { demo: createDemo });
  const info = await demo.app.request(`${SITE}/session`, { headers: { "x-api-key": API_KEY } });
  assertEquals((await info.json()).regions, ["us-west-2", "eu-central-1"]);
  const chosen = await createService({ API_KEY, DEMO: "true", REGIONS: "eu-central-1" }, {
    demo: createDemo,
  });
  const text = await (await chosen.app.request(`${SITE}/`, { headers: SIGNED_IN })).text();
  assertEquals(text.includes(`id="region-us-west-2"`), false);
  assertStringIncludes(text, `id="region-eu-central-1"`);
});

Deno.test("REGIONS must be regions, and inside ALLOWED_REGIONS when that is set", () => {
  const base = { API_KEY, DEMO: "true" };
  assertEquals(loadConfig({ ...base, REGIONS: "us-east-1, eu-west-1" }).regions, [
    "us-east-1",
    "eu-west-1",
  ]);
  for (
    const env of [{ REGIONS: "moon-1" }, { REGIONS: "us-east-1", ALLOWED_REGIONS: "eu-west-1" }]
  ) {
    let error: unknown;
    try {
      loadConfig({ ...base, ...env });
    } catch (caught) {
      error = caught;
    }
    assert(error instanceof ConfigError, JSON.stringify(env));
    assertStringIncludes(error.message, "REGIONS");
  }
});

Deno.test("a stale or wrong cookie shows the sign-in form with a notice and clears the cookie", async () => {
  const { app } = await testService();
  const response = await app.request(`${SITE}/`, { headers: { cookie: "api_key=old-key" } });
  assertEquals(response.status, 401);
  assertStringIncludes(await response.text(), "Your saved key is no longer accepted");
  assertMatch(response.headers.get("set-cookie")!, /^api_key=;.*Max-Age=0/);
  const session = await app.request(`${SITE}/`, {
    headers: { cookie: "__Host-workwork_session=eyJzdWIiOiJkZWZhdWx0In0.AAAA" },
  });
  assertEquals(session.status, 401);
  assertStringIncludes(await session.text(), "Your session has ended");
  assertMatch(session.headers.get("set-cookie")!, /^__Host-workwork_session=;.*Max-Age=0/);
});

Deno.test("signing out clears the cookies: DELETE answers 204, the form redirects home", async () => {
  const { app } = await testService();
  const deleted = await app.request(`${SITE}/session`, { method: "DELETE", headers: SIGNED_IN });
  assertEquals(deleted.status, 204);
  const cleared = deleted.headers.get("set-cookie")!;
  assertMatch(cleared, /^__Host-workwork_session=;.*Max-Age=0/);
  assertMatch(cleared, /api_key=;.*Max-Age=0/);
  const form = await app.request(`${SITE}/session/delete`, {
    method: "POST",
    headers: { ...SIGNED_IN, "content-type": FORM, origin: SITE },
  });
  assertEquals(form.status, 303);
  assertEquals(form.headers.get("location"), "/");
  assertMatch(form.headers.get("set-cookie")!, /^__Host-workwork_session=;.*HttpOnly/);
  const cross = await app.request(`${SITE}/session`, {
    method: "DELETE",
    headers: { ...SIGNED_IN, origin: "https://evil.example" },
  });
  assertEquals(cross.status, 403);
});

Deno.test("GET /session needs the key like the API does", async () => {
  const { app } = await testService();
  const missing = await app.request(`${SITE}/session`);
  assertEquals(missing.status, 422);
  assertEquals((await errorOf(missing)).id, "api_key");
  const ok = await app.request(`${SITE}/session`, { headers: SIGNED_IN });
  assertEquals((await ok.json()).name, "default");
  const patch = await app.request(`${SITE}/session`, { method: "PATCH" });
  assertEquals(patch.status, 405);
  assertEquals(patch.headers.get("allow"), "GET, HEAD, POST, DELETE");
});

Deno.test("signing in and out never puts the key in a log line", async () => {
  const { app, lines } = await testService();
  await app.request(`${SITE}/session`, signIn(API_KEY));
  await app.request(`${SITE}/session`, signIn(`${API_KEY}-wrong`));
  await page(app);
  await app.request(`${SITE}/session`, { method: "DELETE", headers: SIGNED_IN });
  assertEquals(lines.length, 4);
  assertEquals(
    [JSON.parse(lines[0]).method, JSON.parse(lines[0]).path, JSON.parse(lines[0]).status],
    ["POST", "/session", 303],
  );
  for (const line of lines) assertEquals(line.includes(API_KEY), false, line);
});

Deno.test("uptime reads in minutes, hours and days", () => {
  assertEquals(uptimeText(null), "\u2014");
  assertEquals(uptimeText(59), "under a minute");
  assertEquals(uptimeText(125), "2 min");
  assertEquals(uptimeText(7260), "2 h 1 min");
  assertEquals(uptimeText(3 * 86400 + 5 * 3600), "3 d 5 h");
});

Deno.test("a key with + / = (openssl rand -base64) signs in, and its session acts from the page", async () => {
  const key = "q+Z/9kT0aL3m+wX1/yB2c4D5e6F7g8H9i0J1k2L3m4==";
  const { app } = await testService({ keys: { [key]: { name: "base64", scope: {} } } });
  const response = await app.request(`${SITE}/session`, signIn(key));
  assertEquals(response.status, 303);
  const cookie = response.headers.get("set-cookie")!.split(";")[0];
  const stop = await app.request(`${SITE}/instance/${REGION}/${RUNNING_ID}/stop`, {
    method: "POST",
    headers: { cookie, origin: SITE, "sec-fetch-site": "same-origin" },
  });
  assertEquals(stop.status, 204);
});

Deno.test("the page lists the key's regions, else REGIONS, else ALLOWED_REGIONS, else us-east-1", () => {
  const west = { ...FULL_ACCESS, regions: new Set(["us-west-2", "eu-west-1"]) };
  const allowed = new Set(["us-west-2", "ap-south-1"]);
  assertEquals(visibleRegions({ allowedRegions: null, regions: ["eu-central-1"] }, west), [
    "us-west-2",
    "eu-west-1",
  ]);
  assertEquals(visibleRegions({ allowedRegions: allowed, regions: null }, west), ["us-west-2"]);
  assertEquals(visibleRegions({ allowedRegions: null, regions: ["eu-central-1"] }, FULL_ACCESS), [
    "eu-central-1",
  ]);
  assertEquals(visibleRegions({ allowedRegions: allowed }, FULL_ACCESS), [
    "us-west-2",
    "ap-south-1",
  ]);
  assertEquals(visibleRegions({ allowedRegions: null }, FULL_ACCESS), ["us-east-1"]);
});

Deno.test("the sign-in form counts wrong keys like the API: past 10, even the right key waits", async () => {
  const { app } = await testService();
  for (let i = 0; i < 10; i++) {
    const wrong = await app.request(`${SITE}/session`, signIn(`guess-${i}`));
    assertEquals(wrong.status, 401);
    await wrong.body?.cancel();
  }
  const limited = await app.request(`${SITE}/session`, signIn(API_KEY));
  assertEquals(limited.status, 429);
  assert(Number(limited.headers.get("retry-after")) > 0);
  assertEquals(limited.headers.get("set-cookie"), null);
  assertStringIncludes(await limited.text(), "Too many wrong keys");
  // The API shares the count: same address, same wait.
  const api = await app.request(`/instance/${REGION}/${RUNNING_ID}`, {
    headers: { "x-api-key": API_KEY },
  });
  assertEquals(api.status, 429);
  assertEquals((await errorOf(api)).id, "api_key");
  // A saved cookie is not checked either while the address waits.
  const home = await page(app);
  assertEquals(home.response.status, 429);
  assert(Number(home.response.headers.get("retry-after")) > 0);
  assertStringIncludes(home.text, "Too many wrong keys");
});

Deno.test("a sign-in form body that does not parse shows the form again, never a 500", async () => {
  const { app } = await testService();
  for (const type of ["multipart/form-data; boundary=xyz", "multipart/form-data"]) {
    const response = await app.request(`${SITE}/session`, {
      method: "POST",
      headers: { "content-type": type, origin: SITE },
      body: "garbage",
    });
    assertEquals(response.status, 422, type);
    assertStringIncludes(await response.text(), "Enter your API key");
    assertEquals(response.headers.get("set-cookie"), null);
  }
});
