import { assertEquals, assertMatch } from "@std/assert";
import {
  API_KEY,
  errorOf,
  KEYED,
  OLD_STYLE_ID,
  OTHER_REGION,
  OTHER_REGION_ID,
  REGION,
  RUNNING_ID,
  STOPPED_ID,
  testService,
} from "../_helpers.ts";
import { createApp } from "../../src/http/app.ts";
import { keyDigest } from "../../src/domain/keys.ts";
import { FULL_ACCESS } from "../../src/domain/scopes.ts";
import { SERVICE_VERSION } from "../../src/http/version.ts";

Deno.test("GET /instance answers the original's five keys for a running instance", async () => {
  const { app } = await testService();
  const response = await app.request(`/instance/${REGION}/${RUNNING_ID}/`, { headers: KEYED });
  assertEquals(response.status, 200);
  assertEquals(response.headers.get("content-type"), "application/json");
  const body = await response.json();
  assertEquals(body.state, "running");
  assertEquals(body.type, "t3.micro");
  assertEquals(body.tags, {
    Name: "dev-box",
    start_time: "2026-11-26T11:00:00.000Z",
    agent: "007",
  });
  assertMatch(body.public_ip_address, /^\d+\.\d+\.\d+\.\d+$/);
  assertEquals(
    body.public_dns_name,
    `ec2-${body.public_ip_address.replaceAll(".", "-")}.${REGION}.compute.amazonaws.com`,
  );
  assertEquals(body.id, RUNNING_ID);
  assertEquals(body.name, "dev-box");
  assertEquals(body.uptime_seconds, 3600);
  assertEquals(typeof body.launch_time, "string");
});

Deno.test("GET /instance answers null addresses and {} tags for a stopped instance", async () => {
  const { app } = await testService();
  const response = await app.request(`/instance/${REGION}/${STOPPED_ID}`, { headers: KEYED });
  assertEquals(response.status, 200);
  const body = await response.json();
  assertEquals(
    [body.state, body.public_dns_name, body.public_ip_address, body.tags, body.uptime_seconds],
    ["stopped", null, null, {}, null],
  );
});

Deno.test("GET /instance reads the original's naive start_time for uptime", async () => {
  const { app } = await testService();
  const body = await (await app.request(`/instance/${REGION}/${OLD_STYLE_ID}`, { headers: KEYED }))
    .json();
  assertEquals(body.tags.start_time, "2016-02-16T18:04:09.006739");
  assertEquals(
    body.uptime_seconds,
    Math.floor(
      (Date.parse("2026-11-26T12:00:00Z") - Date.parse("2016-02-16T18:04:09.006Z")) / 1000,
    ),
  );
});

Deno.test("the trailing slash is optional and never redirects", async () => {
  const { app } = await testService();
  for (
    const [path, method, status] of [
      [`/instance/${REGION}/${RUNNING_ID}`, "GET", 200],
      [`/instance/${REGION}/${RUNNING_ID}/`, "GET", 200],
      [`/instance/${REGION}/${RUNNING_ID}/reboot`, "POST", 204],
      [`/instance/${REGION}/${RUNNING_ID}/reboot/`, "POST", 204],
      [`/instance/${REGION}/${RUNNING_ID}/reboot`, "PUT", 204],
      [`/instance/${REGION}/${RUNNING_ID}/reboot/`, "PUT", 204],
    ] as const
  ) {
    const response = await app.request(path, { method, headers: KEYED });
    assertEquals(response.status, status, `${method} ${path}`);
  }
});

Deno.test("HEAD /instance answers 200 with headers and no body", async () => {
  const { app } = await testService();
  const response = await app.request(`/instance/${REGION}/${RUNNING_ID}`, {
    method: "HEAD",
    headers: KEYED,
  });
  assertEquals(response.status, 200);
  assertEquals(response.headers.get("content-type"), "application/json");
  assertEquals(await response.text(), "");
});

Deno.test("state changes answer 204 with an empty body", async () => {
  const { app, clock } = await testService();
  for (const action of ["stop", "start", "reboot"]) {
    const response = await app.request(`/instance/${REGION}/${RUNNING_ID}/${action}`, {
      method: "POST",
      headers: KEYED,
    });
    assertEquals(response.status, 204, action);
    assertEquals(await response.text(), "");
    clock.now += 5000;
  }
});

Deno.test("instances are looked up in the region the path names", async () => {
  const { app } = await testService();
  const there = await app.request(`/instance/${OTHER_REGION}/${OTHER_REGION_ID}`, {
    headers: KEYED,
  });
  assertEquals(there.status, 200);
  const elsewhere = await app.request(`/instance/${REGION}/${OTHER_REGION_ID}`, { headers: KEYED });
  assertEquals(elsewhere.status, 404);
  assertEquals(await errorOf(elsewhere), { id: "instance_id", title: "instance_id not found" });
});

Deno.test("an unknown path gets a JSON 404", async () => {
  const { app } = await testService();
  for (const path of ["/instances", "/instance", "/instance/a/b/c/d", "/a/b/c/d/e"]) {
    const response = await app.request(path, { headers: KEYED });
    assertEquals(response.status, 404, path);
    assertEquals(await errorOf(response), { id: "path", title: "Not found" });
  }
});

Deno.test("a wrong method gets a JSON 405 with Allow", async () => {
  const { app, simulator } = await testService();
  const cases = [
    [`/instance/${REGION}/${RUNNING_ID}`, "DELETE", "GET, HEAD"],
    [`/instance/${REGION}/${RUNNING_ID}/`, "POST", "GET, HEAD"],
    [`/instance/${REGION}/${RUNNING_ID}`, "PATCH", "GET, HEAD"],
    [`/instance/${REGION}/${RUNNING_ID}/start`, "GET", "POST, PUT"],
    [`/instance/${REGION}/${RUNNING_ID}/start/`, "DELETE", "POST, PUT"],
  ];
  for (const [path, method, allow] of cases) {
    const response = await app.request(path, { method, headers: KEYED });
    assertEquals(response.status, 405, `${method} ${path}`);
    assertEquals(response.headers.get("allow"), allow);
    assertEquals(await errorOf(response), { id: "method", title: "Method not allowed" });
  }
  assertEquals(simulator.calls.length, 0);
});

Deno.test("validation answers 422 for region, then instance id, then action", async () => {
  const { app, simulator } = await testService();
  const cases = [
    [`/instance/us-west/${RUNNING_ID}/start`, "region", "Invalid region"],
    [`/instance/mars-north-1x/not-an-id/explode`, "region", "Invalid region"],
    [`/instance/${REGION}/i-123/explode`, "instance_id", "Invalid instance_id"],
    [`/instance/${REGION}/I-0A1B2C3D4E5F60718/start`, "instance_id", "Invalid instance_id"],
    [`/instance/${REGION}/${RUNNING_ID}/explode`, "action", "Invalid action"],
    [`/instance/${REGION}/${RUNNING_ID}/Start`, "action", "Invalid action"],
    [`/instance/${REGION}/${RUNNING_ID}/terminate`, "action", "Invalid action"],
  ];
  for (const [path, id, title] of cases) {
    const response = await app.request(path, { method: "POST", headers: KEYED });
    assertEquals(response.status, 422, path);
    assertEquals(await errorOf(response), { id, title });
  }
  const read = await app.request(`/instance/${REGION}/nope`, { headers: KEYED });
  assertEquals(await errorOf(read), { id: "instance_id", title: "Invalid instance_id" });
  assertEquals(simulator.calls.length, 0);
});

Deno.test("regions of every partition pass validation; the allow-list narrows them", async () => {
  const open = await testService();
  for (const region of ["ap-southeast-5", "us-gov-west-1", "cn-north-1", "eusc-de-east-1"]) {
    const response = await open.app.request(`/instance/${region}/${RUNNING_ID}`, {
      headers: KEYED,
    });
    // Valid region, but the instance lives in us-west-2: EC2 says it does not exist.
    assertEquals(response.status, 404, region);
  }
  const narrow = await testService({ allowedRegions: [REGION] });
  const refused = await narrow.app.request(`/instance/${OTHER_REGION}/${OTHER_REGION_ID}`, {
    headers: KEYED,
  });
  assertEquals(await errorOf(refused), { id: "region", title: "Invalid region" });
  const allowed = await narrow.app.request(`/instance/${REGION}/${RUNNING_ID}`, { headers: KEYED });
  assertEquals(allowed.status, 200);
});

Deno.test("every answer carries a request id, nosniff and no-store", async () => {
  const { app } = await testService();
  const requests: [string, RequestInit][] = [
    [`/instance/${REGION}/${RUNNING_ID}`, { headers: KEYED }],
    ["/nowhere", { headers: KEYED }],
    [`/instance/${REGION}/${STOPPED_ID}/start`, { method: "POST", headers: KEYED }],
    [`/instance/${REGION}/${RUNNING_ID}`, { headers: { "x-api-key": "wrong" } }],
    [`/instance/${REGION}/${RUNNING_ID}`, { method: "DELETE", headers: KEYED }],
  ];
  for (const [path, init] of requests) {
    const response = await app.request(path, init);
    assertMatch(response.headers.get("x-request-id") ?? "", /^[0-9a-f-]{36}$/);
    assertEquals(response.headers.get("x-content-type-options"), "nosniff");
    assertEquals(response.headers.get("cache-control"), "no-store");
  }
  // An answer whose headers cannot change (Response.redirect) gets them too, on a copy.
  app.get("/redirect-test", () => Response.redirect("https://example.com/", 302));
  const redirect = await app.request("/redirect-test");
  assertEquals([redirect.status, redirect.headers.get("location")], [302, "https://example.com/"]);
  assertMatch(redirect.headers.get("x-request-id") ?? "", /^[0-9a-f-]{36}$/);
  assertEquals(redirect.headers.get("x-content-type-options"), "nosniff");
  // The client's own id is never echoed: it could be anything, a key included.
  for (const sent of ["trace-42", "<script>", API_KEY]) {
    const answer = await app.request("/nowhere", { headers: { "x-request-id": sent } });
    assertMatch(answer.headers.get("x-request-id") ?? "", /^[0-9a-f-]{36}$/);
  }
});

Deno.test("each request is logged once as JSON: time, request id, method, path, status, duration", async () => {
  const { app, lines } = await testService();
  const read = await app.request(`/instance/${REGION}/${RUNNING_ID}?verbose=1`, { headers: KEYED });
  await app.request(`/instance/${REGION}/${STOPPED_ID}/start`, { method: "POST", headers: KEYED });
  await app.request(`/instance/${REGION}/secret-in-path/start`, { method: "POST" });
  assertEquals(lines.length, 3);
  const records = lines.map((line) => JSON.parse(line));
  const { duration_ms, ...first } = records[0];
  assertEquals(first, {
    event: "request",
    time: "2026-11-26T12:00:00.000Z",
    request_id: read.headers.get("x-request-id"),
    method: "GET",
    path: `/instance/${REGION}/${RUNNING_ID}`,
    status: 200,
  });
  assertEquals(typeof duration_ms, "number");
  assertEquals(
    records.slice(1).map(({ method, path, status }) => ({ method, path, status })),
    [
      { method: "POST", path: `/instance/${REGION}/${STOPPED_ID}/start`, status: 204 },
      { method: "POST", path: `/instance/${REGION}/*/start`, status: 422 },
    ],
  );
});

Deno.test("a request's log line and its audit line share time and request id", async () => {
  const { app, lines, audit, clock } = await testService();
  clock.now += 1234;
  const answer = await app.request(`/instance/${REGION}/${STOPPED_ID}/start`, {
    method: "POST",
    headers: KEYED,
  });
  assertEquals(answer.status, 204);
  const [request] = lines.map((line) => JSON.parse(line));
  const [record] = audit.map((line) => JSON.parse(line));
  assertEquals(request.request_id, answer.headers.get("x-request-id"));
  assertEquals([record.request_id, record.time], [request.request_id, request.time]);
  assertEquals(record.action, "start");
  assertEquals(request.time, "2026-11-26T12:00:01.234Z");
});

Deno.test("GET /healthz answers status and version with no key and no EC2 call", async () => {
  const { app, simulator, audit } = await testService();
  const calls = simulator.calls.length;
  const response = await app.request("/healthz");
  assertEquals(response.status, 200);
  assertEquals(response.headers.get("content-type"), "application/json");
  assertEquals(await response.json(), { status: "ok", version: SERVICE_VERSION });
  assertEquals(simulator.calls.length, calls);
  assertEquals(audit, []);
  const head = await app.request("/healthz", { method: "HEAD" });
  assertEquals(head.status, 200);
});

Deno.test("GET /healthz answers without AWS credentials too", async () => {
  const app = createApp({
    config: { timeoutMs: 1000, allowedRegions: null },
    keys: [{ name: "default", digest: await keyDigest(API_KEY), scope: FULL_ACCESS }],
    ec2: null,
  });
  const response = await app.request("/healthz");
  assertEquals(response.status, 200);
  assertEquals((await response.json()).status, "ok");
  const read = await app.request(`/instance/${REGION}/${RUNNING_ID}`, { headers: KEYED });
  assertEquals(read.status, 503);
});

Deno.test("request bodies over 16 KB get 413", async () => {
  const { app, simulator } = await testService();
  const response = await app.request(`/instance/${REGION}/${STOPPED_ID}/start`, {
    method: "POST",
    headers: { ...KEYED, "content-type": "application/json" },
    body: JSON.stringify({ padding: "x".repeat(17 * 1024) }),
  });
  assertEquals(response.status, 413);
  assertEquals((await errorOf(response)).id, "request");
  assertEquals(simulator.calls.length, 0);
});
