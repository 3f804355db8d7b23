import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import {
  constantTimeEqual,
  derivedSigningKey,
  signToken,
  verifyToken,
} from "../../src/domain/signed_token.ts";
import { SESSION_MAX_AGE_SECONDS } from "../../src/http/session.ts";
import { API_KEY, errorOf, REGION, RUNNING_ID, STOPPED_ID, testService } from "../_helpers.ts";

const SITE = "https://workwork.example";
const READ = `${SITE}/instance/${REGION}/${RUNNING_ID}`;
const FROM_PAGE = { "sec-fetch-site": "same-origin" };

async function signedIn(app: Awaited<ReturnType<typeof testService>>["app"], key = API_KEY) {
  const response = await app.request(`${SITE}/session`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: SITE },
    body: new URLSearchParams({ api_key: key }).toString(),
  });
  assertEquals(response.status, 303);
  return response.headers.get("set-cookie")!.split(";")[0];
}

Deno.test("the session works for the dashboard's own calls, from its own page only", async () => {
  const { app, simulator } = await testService({
    sweep: { regions: [REGION], maxRuntimeMs: null },
  });
  const cookie = await signedIn(app);
  const read = await app.request(READ, { headers: { cookie, ...FROM_PAGE } });
  assertEquals(read.status, 200);
  const start = await app.request(`${SITE}/instance/${REGION}/${STOPPED_ID}/start`, {
    method: "POST",
    headers: { cookie, origin: SITE, ...FROM_PAGE },
  });
  assertEquals(start.status, 204);
  assertEquals(
    (await app.request(`${SITE}/session`, { headers: { cookie, ...FROM_PAGE } })).status,
    200,
  );
  // A copy of the cookie used like a key, by a client that is no browser: no key at all.
  const copied = await app.request(READ, { headers: { cookie } });
  assertEquals(copied.status, 422);
  assertEquals((await errorOf(copied)).title, "Missing data for required field.");
  const crossSite = await app.request(READ, {
    headers: { cookie, "sec-fetch-site": "cross-site" },
  });
  assertEquals(crossSite.status, 422);
  // Never the sweep, which the dashboard does not call.
  const sweep = await app.request(`${SITE}/sweep`, {
    method: "POST",
    headers: { cookie, origin: SITE, ...FROM_PAGE },
  });
  assertEquals(sweep.status, 422);
  assertEquals(simulator.calls.filter(({ action }) => action === "StopInstances"), []);
});

Deno.test("a session expires after 12 hours, and an expired one costs no attempt", async () => {
  const { app, clock } = await testService();
  const cookie = await signedIn(app);
  clock.now += SESSION_MAX_AGE_SECONDS * 1000 - 1000;
  assertEquals((await app.request(READ, { headers: { cookie, ...FROM_PAGE } })).status, 200);
  clock.now += 1000;
  for (let i = 0; i < 15; i++) {
    const expired = await app.request(READ, { headers: { cookie, ...FROM_PAGE } });
    assertEquals(expired.status, 401);
    assertStringIncludes((await errorOf(expired)).title, "session has expired");
  }
  const home = await app.request(`${SITE}/`, { headers: { cookie } });
  assertEquals(home.status, 401);
  assertStringIncludes(await home.text(), "Your session has ended");
  assertEquals((await app.request(READ, { headers: { "x-api-key": API_KEY } })).status, 200);
});

Deno.test("changing or removing a key in the configuration ends its sessions", async () => {
  const before = await testService({ keys: { "ops-key-1": { name: "ops", scope: {} } } });
  const cookie = await signedIn(before.app, "ops-key-1");
  assertEquals((await before.app.request(READ, { headers: { cookie, ...FROM_PAGE } })).status, 200);
  const rotated = await testService({ keys: { "ops-key-2": { name: "ops", scope: {} } } });
  const afterRotation = await rotated.app.request(READ, { headers: { cookie, ...FROM_PAGE } });
  assertEquals(afterRotation.status, 401);
  const removed = await testService();
  assertEquals(
    (await removed.app.request(READ, { headers: { cookie, ...FROM_PAGE } })).status,
    401,
  );
  const home = await removed.app.request(`${SITE}/`, { headers: { cookie } });
  assertEquals(home.status, 401);
});

Deno.test("a forged or altered session is refused and counted as a guess", async () => {
  const { app } = await testService({ keys: { "reader-key": { name: "reader", scope: {} } } });
  const cookie = await signedIn(app, "reader-key");
  const [name, token] = cookie.split("=");
  const [payload, signature] = token.split(".");
  const claims = JSON.parse(atob(payload.replaceAll("-", "+").replaceAll("_", "/")));
  const promoted = btoa(JSON.stringify({ ...claims, sub: "default" })).replaceAll("=", "")
    .replaceAll("+", "-").replaceAll("/", "_");
  const forgeries = [
    `${promoted}.${signature}`,
    `${payload}.${signature.slice(0, -2)}AA`,
    `${payload}.`,
    "x".repeat(5000),
    `${payload}.${signature}.${signature}`,
  ];
  for (const [n, forged] of forgeries.entries()) {
    const response = await app.request(READ, {
      headers: { cookie: `${name}=${forged}`, ...FROM_PAGE },
    });
    assertEquals(response.status, 401, `forgery ${n}`);
  }
  for (let i = 0; i < 5; i++) {
    await app.request(READ, { headers: { cookie: `${name}=${forgeries[0]}`, ...FROM_PAGE } });
  }
  const blocked = await app.request(READ, { headers: { cookie, ...FROM_PAGE } });
  assertEquals(blocked.status, 429);
});

Deno.test("a browser holding the old api_key cookie gets a session in its place", async () => {
  const { app } = await testService();
  const home = await app.request(`${SITE}/`, { headers: { cookie: `api_key=${API_KEY}` } });
  assertEquals(home.status, 200);
  const cookies = home.headers.get("set-cookie")!;
  assertStringIncludes(cookies, "__Host-workwork_session=");
  assertStringIncludes(cookies, "api_key=; Max-Age=0");
  // The API still takes the old cookie from old clients.
  assertEquals(
    (await app.request(READ, { headers: { cookie: `api_key=${API_KEY}` } })).status,
    200,
  );
});

Deno.test("signed tokens: purpose, expiry, tampering, and keys derived per label", async () => {
  const key = await derivedSigningKey("a server secret", "links v1");
  const other = await derivedSigningKey("a server secret", "sessions v1");
  const token = await signToken({ subject: "i-0abc", purpose: "start", expires: 2000 }, key);
  assertEquals(await verifyToken(token, key, "start", 1999), {
    valid: true,
    claims: { subject: "i-0abc", purpose: "start", expires: 2000 },
  });
  assertEquals(await verifyToken(token, key, "start", 2000), { valid: false, reason: "expired" });
  assertEquals(await verifyToken(token, key, "stop", 0), {
    valid: false,
    reason: "wrong purpose",
  });
  assertEquals(await verifyToken(token, other, "start", 0), { valid: false, reason: "forged" });
  const flipped = token.slice(0, 3) + (token[3] === "A" ? "B" : "A") + token.slice(4);
  assertEquals((await verifyToken(flipped, key, "start", 0)).valid, false);
  for (const junk of ["", ".", "a.b.c", "no-dot", "%%%.%%%", "a".repeat(100_000)]) {
    assertEquals((await verifyToken(junk, key, "start", 0)).valid, false, junk.slice(0, 10));
  }
  assert(constantTimeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2])));
  assert(!constantTimeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 3])));
  assert(!constantTimeEqual(new Uint8Array([1]), new Uint8Array([1, 0])));
});
