import { assert, assertEquals, assertMatch } from "@std/assert";
import type { AuditRecord } from "../../../src/http/middleware/audit.ts";
import { API_KEY, KEYED, REGION, RUNNING_ID, STOPPED_ID, T0, testService } from "../../_helpers.ts";

const CLIENT = { clientAddress: "192.0.2.44" };

function records(lines: string[]): AuditRecord[] {
  return lines.map((line) => {
    assertEquals(line.includes("\n"), false, "one line per record");
    return JSON.parse(line);
  });
}

Deno.test("a state change writes one audit line with key name, target, outcome and EC2 ids", async () => {
  const { app, audit } = await testService();
  const response = await app.request(`/instance/${REGION}/${STOPPED_ID}/start`, {
    method: "POST",
    headers: { ...KEYED, "x-request-id": "req-audit-1" },
  }, CLIENT);
  assertEquals(response.status, 204);
  const [record, ...more] = records(audit);
  assertEquals(more, []);
  const { duration_ms, ec2_request_ids, ...fixed } = record;
  assertEquals(fixed, {
    time: new Date(T0).toISOString(),
    request_id: response.headers.get("x-request-id") ?? "missing",
    key: "default",
    client: "192.0.2.44",
    method: "POST",
    action: "start",
    region: REGION,
    instance: STOPPED_ID,
    status: 204,
    ec2_calls: ["StartInstances×1", "CreateTags×1", "DescribeInstances×1"],
    attempts: 3,
  });
  assertEquals(ec2_request_ids.length, 3);
  for (const id of ec2_request_ids) assert(typeof id === "string" && id.length > 0);
  assert(duration_ms >= 0);
});

Deno.test("reads are not audited; denials are, with no key in the line", async () => {
  const { app, audit } = await testService({
    keys: { "reader-key-123456": { name: "reader", scope: { actions: new Set(["read"]) } } },
  });
  await app.request(`/instance/${REGION}/${RUNNING_ID}`, { headers: KEYED }, CLIENT);
  assertEquals(audit, []);
  const wrong = "wrong-key-never-logged";
  await app.request(`/instance/${REGION}/${RUNNING_ID}`, {
    headers: { "x-api-key": wrong },
  }, CLIENT);
  await app.request(`/instance/${REGION}/${RUNNING_ID}/stop`, {
    method: "POST",
    headers: { "x-api-key": "reader-key-123456" },
  }, CLIENT);
  const [unauthorized, forbidden] = records(audit);
  assertEquals(
    [unauthorized.status, unauthorized.key, unauthorized.action, unauthorized.attempts],
    [401, null, "read", 0],
  );
  assertEquals([forbidden.status, forbidden.key, forbidden.action], [403, "reader", "stop"]);
  assertEquals(forbidden.ec2_calls, []);
  for (const line of audit) {
    for (const secret of [wrong, API_KEY, "reader-key-123456"]) {
      assertEquals(line.includes(secret), false, line);
    }
  }
});

Deno.test("a 429 is audited, and a key pasted into the path never reaches the audit line", async () => {
  const { app, audit } = await testService();
  for (let n = 0; n < 11; n++) {
    await app.request(`/instance/${REGION}/${API_KEY}/start`, {
      method: "POST",
      headers: { "x-api-key": `guess-${n}` },
    }, CLIENT);
  }
  const all = records(audit);
  assertEquals(all.map(({ status }) => status), [...Array(10).fill(401), 429]);
  assertEquals(all[10].instance, null);
  for (const line of audit) assertEquals(line.includes(API_KEY), false, line);
});

Deno.test("the audit line counts every attempt, retries and failed calls included", async () => {
  const { app, audit, simulator } = await testService();
  simulator.inject({
    action: "StartInstances",
    times: 2,
    fault: { kind: "error", code: "RequestLimitExceeded" },
  });
  simulator.inject({
    action: "CreateTags",
    times: 3,
    fault: { kind: "error", code: "InternalError" },
  });
  const response = await app.request(`/instance/${REGION}/${STOPPED_ID}/start`, {
    method: "POST",
    headers: KEYED,
  });
  assertEquals(response.status, 502);
  const [record] = records(audit);
  assertEquals(record.status, 502);
  assertEquals(record.client, "unknown");
  assertEquals(record.ec2_calls, ["StartInstances×3", "CreateTags×3"]);
  assertEquals(record.attempts, 6);
  assertEquals(record.ec2_request_ids.length, 2);
  assert(record.ec2_request_ids.every((id) => typeof id === "string"));
});

Deno.test("a key sent as X-Request-Id is neither echoed nor audited, and tells nothing", async () => {
  const { app, audit } = await testService();
  const answers = [];
  for (const sent of [API_KEY, "not-the-key-0123456789"]) {
    const response = await app.request(`/instance/${REGION}/${RUNNING_ID}/stop`, {
      method: "POST",
      headers: { ...KEYED, "x-request-id": sent },
    });
    assertEquals(response.status, 204);
    answers.push(response.headers.get("x-request-id") ?? "");
  }
  // Both answers carry an id the service made: a right guess looks like a wrong one.
  for (const id of answers) assertMatch(id, /^[0-9a-f-]{36}$/);
  assertEquals(audit.length, 2);
  assertEquals(audit.some((line) => line.includes(API_KEY)), false);
});

Deno.test("the dashboard's sign-in, a refused saved cookie and a sweep are audited by name", async () => {
  const { app, audit } = await testService();
  const site = "https://workwork.example";
  const signIn = await app.request(`${site}/session`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: site },
    body: new URLSearchParams({ api_key: API_KEY }).toString(),
  }, CLIENT);
  assertEquals(signIn.status, 303);
  const stale = await app.request(`${site}/`, { headers: { cookie: "api_key=old" } }, CLIENT);
  assertEquals(stale.status, 401);
  const sweep = await app.request("/sweep?dry_run=true", { method: "POST", headers: KEYED });
  assertEquals(sweep.status, 200);
  assertEquals(
    records(audit).map(({ key, action, status }) => ({ key, action, status })),
    [
      { key: "default", action: "sign_in", status: 303 },
      { key: null, action: null, status: 401 },
      { key: "default", action: "sweep", status: 200 },
    ],
  );
  assertEquals(audit.some((line) => line.includes(API_KEY) || line.includes("old")), false);
});
