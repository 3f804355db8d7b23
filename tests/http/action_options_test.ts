import { assertEquals, assertStringIncludes } from "@std/assert";
import {
  API_KEY,
  errorOf,
  KEYED,
  REGION,
  RUNNING_ID,
  STOPPED_ID,
  testService,
} from "../_helpers.ts";

const HIBERNATING_ID = "i-0aaaaaaaaaaaaaaaa";

function callsOf(simulator: { calls: { action: string; params: Record<string, string> }[] }) {
  return simulator.calls.map(({ action }) => action);
}

Deno.test("dry_run=true asks EC2 with DryRun and answers that the change would succeed", async () => {
  const { app, simulator } = await testService();
  for (const action of ["start", "stop", "reboot"]) {
    const id = action === "start" ? STOPPED_ID : RUNNING_ID;
    const response = await app.request(`/instance/${REGION}/${id}/${action}?dry_run=true`, {
      method: "POST",
      headers: KEYED,
    });
    assertEquals(response.status, 200, action);
    assertEquals(await response.json(), {
      dry_run: true,
      would_succeed: true,
      action,
      instance_id: id,
    });
  }
  assertEquals(callsOf(simulator), ["StartInstances", "StopInstances", "RebootInstances"]);
  assertEquals(simulator.calls.every(({ params }) => params.DryRun === "true"), true);
  const running = await app.request(`/instance/${REGION}/${RUNNING_ID}`, { headers: KEYED });
  const body = await running.json();
  assertEquals(body.state, "running");
  assertEquals(body.tags.start_time, "2026-11-26T11:00:00.000Z");
});

Deno.test("a dry run that would fail answers EC2's error as usual and writes no tag", async () => {
  const { app, simulator } = await testService();
  const response = await app.request(`/instance/${REGION}/${STOPPED_ID}/reboot?dry_run=true`, {
    method: "POST",
    headers: KEYED,
  });
  assertEquals(response.status, 409);
  assertEquals((await errorOf(response)).id, "instance_id");
  assertEquals(callsOf(simulator), ["RebootInstances"]);
});

Deno.test("dry_run and the stop options may come in the JSON body with the key", async () => {
  const { app, simulator } = await testService();
  const response = await app.request(`/instance/${REGION}/${RUNNING_ID}/stop`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ api_key: API_KEY, dry_run: true, force: true }),
  });
  assertEquals(response.status, 200);
  assertEquals((await response.json()).would_succeed, true);
  assertEquals(simulator.calls[0].params.Force, "true");
  assertEquals(simulator.calls[0].params.DryRun, "true");
});

Deno.test("stop?force=true stops with Force and writes start_time as a plain stop does", async () => {
  const { app, simulator } = await testService();
  const response = await app.request(`/instance/${REGION}/${RUNNING_ID}/stop?force=true`, {
    method: "POST",
    headers: KEYED,
  });
  assertEquals(response.status, 204);
  assertEquals(callsOf(simulator), ["StopInstances", "CreateTags", "DescribeInstances"]);
  assertEquals(simulator.calls[0].params.Force, "true");
  assertEquals(simulator.calls[0].params.Hibernate, undefined);
});

Deno.test("stop?hibernate=true hibernates an instance configured for it", async () => {
  const { app, simulator } = await testService({
    instances: [{ id: HIBERNATING_ID, region: REGION, hibernationConfigured: true }],
  });
  const response = await app.request(`/instance/${REGION}/${HIBERNATING_ID}/stop?hibernate=true`, {
    method: "POST",
    headers: KEYED,
  });
  assertEquals(response.status, 204);
  assertEquals(simulator.calls[0].params.Hibernate, "true");
  assertEquals(simulator.instance(REGION, HIBERNATING_ID)?.state, "stopping");
});

Deno.test("stop?hibernate=true answers 409 with EC2's reason when the instance cannot hibernate", async () => {
  const { app, simulator } = await testService();
  const response = await app.request(`/instance/${REGION}/${RUNNING_ID}/stop?hibernate=true`, {
    method: "POST",
    headers: KEYED,
  });
  assertEquals(response.status, 409);
  const error = await errorOf(response);
  assertEquals(error.id, "instance_id");
  assertStringIncludes(error.title, "does not have hibernation configured");
  // Nothing happened: still running, and no tag was written.
  assertEquals(callsOf(simulator), ["StopInstances"]);
  assertEquals(simulator.instance(REGION, RUNNING_ID)?.state, "running");
});

Deno.test("hibernate and force are refused on start and reboot, and must be booleans", async () => {
  const { app, simulator } = await testService();
  const cases: [string, string, string][] = [
    [`${STOPPED_ID}/start?hibernate=true`, "hibernate", "hibernate applies to stop only"],
    [`${RUNNING_ID}/reboot?force=1`, "force", "force applies to stop only"],
    [`${RUNNING_ID}/stop?force=yes`, "force", "force must be true or false"],
    [`${RUNNING_ID}/stop?dry_run=2`, "dry_run", "dry_run must be true or false"],
  ];
  for (const [path, id, title] of cases) {
    const response = await app.request(`/instance/${REGION}/${path}`, {
      method: "POST",
      headers: KEYED,
    });
    assertEquals(response.status, 422, path);
    assertEquals(await errorOf(response), { id, title }, path);
  }
  assertEquals(simulator.calls, []);
});

Deno.test("an option given in both the query and the body with different values is refused", async () => {
  const { app, simulator } = await testService();
  const cases: [string, Record<string, unknown>][] = [
    ["dry_run=0", { dry_run: true }],
    ["force=1", { force: "false" }],
  ];
  for (const [query, body] of cases) {
    const response = await app.request(`/instance/${REGION}/${RUNNING_ID}/stop?${query}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ api_key: API_KEY, ...body }),
    });
    assertEquals(response.status, 422, query);
    const error = await errorOf(response);
    assertEquals(error.id, query.split("=")[0]);
    assertStringIncludes(error.title, "different values");
  }
  assertEquals(simulator.calls, []);
});

Deno.test("the same value in the query and the body is accepted", async () => {
  const { app, simulator } = await testService();
  const response = await app.request(`/instance/${REGION}/${RUNNING_ID}/stop?dry_run=1`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ api_key: API_KEY, dry_run: true }),
  });
  assertEquals(response.status, 200);
  assertEquals((await response.json()).dry_run, true);
  assertEquals(callsOf(simulator), ["StopInstances"]);
  assertEquals(simulator.calls[0].params.DryRun, "true");
});

Deno.test("an option repeated in the query string is refused, never resolved last-wins", async () => {
  const { app, simulator } = await testService();
  for (const query of ["dry_run=1&dry_run=0", "wait&wait_seconds=5&wait_seconds=5"]) {
    const response = await app.request(`/instance/${REGION}/${RUNNING_ID}/stop?${query}`, {
      method: "POST",
      headers: KEYED,
    });
    assertEquals(response.status, 422, query);
    const error = await errorOf(response);
    assertEquals(error.id, query.includes("wait_seconds") ? "wait_seconds" : "dry_run");
    assertStringIncludes(error.title, "more than once");
  }
  const hold = await app.request(`/instance/${REGION}/${RUNNING_ID}/hold?hours=1&hours=168`, {
    method: "POST",
    headers: KEYED,
  });
  assertEquals(hold.status, 422);
  assertEquals((await errorOf(hold)).id, "hours");
  assertEquals(simulator.calls, []);
});

Deno.test("an unknown option's name is echoed only when short and plain", async () => {
  const { app, simulator } = await testService();
  const secret = "correct-horse-battery-staple-1234";
  const cases: [RequestInit & { query?: string }, string][] = [
    [{ query: `?${secret}` }, "request"],
    [{ query: "?Dry_Run=1" }, "request"],
    [{ query: `?${"a".repeat(25)}=1` }, "request"],
    [{ query: "?dryrun=1" }, "dryrun"],
    [{ body: JSON.stringify({ api_key: API_KEY, [secret]: true }) }, "request"],
    [{ body: JSON.stringify({ api_key: API_KEY, hibernat: true }) }, "hibernat"],
  ];
  for (const [{ query = "", ...init }, id] of cases) {
    const response = await app.request(`/instance/${REGION}/${RUNNING_ID}/stop${query}`, {
      method: "POST",
      headers: init.body ? { "content-type": "application/json" } : KEYED,
      ...init,
    });
    assertEquals(response.status, 422, query);
    const error = await errorOf(response);
    assertEquals(error.id, id, query);
    if (id === "request") {
      assertEquals(error.title.includes(secret), false);
      assertStringIncludes(error.title, "a field with a long or odd name");
    } else {
      assertStringIncludes(error.title, `Unknown field "${id}"`);
    }
    assertStringIncludes(error.title, "dry_run");
  }
  assertEquals(simulator.calls, []);
});
