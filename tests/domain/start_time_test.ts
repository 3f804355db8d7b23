import { assertEquals, assertStringIncludes } from "@std/assert";
import {
  errorOf,
  KEYED,
  OLD_STYLE_ID,
  REGION,
  RUNNING_ID,
  STOPPED_ID,
  T0,
  testService,
} from "../_helpers.ts";

function post(_path: string) {
  return { method: "POST", headers: KEYED } as const;
}

Deno.test("start writes start_time as UTC ISO 8601 with Z, after StartInstances", async () => {
  const { app, simulator, clock } = await testService();
  const path = `/instance/${REGION}/${STOPPED_ID}/start`;
  assertEquals((await app.request(path, post(path))).status, 204);
  assertEquals(simulator.calls.map(({ action }) => action), [
    "StartInstances",
    "CreateTags",
    "DescribeInstances",
  ]);
  assertEquals(simulator.instance(REGION, STOPPED_ID)?.tags.start_time, "2026-11-26T12:00:00.000Z");
  assertEquals(simulator.instance(REGION, STOPPED_ID)?.state, "pending");
  clock.now += 2_500;
  const body = await (await app.request(`/instance/${REGION}/${STOPPED_ID}`, { headers: KEYED }))
    .json();
  assertEquals(body.state, "running");
  assertEquals(body.tags.start_time, "2026-11-26T12:00:00.000Z");
  assertEquals(body.uptime_seconds, 2);
});

Deno.test("stop keeps the start_time tag and empties it", async () => {
  const { app, simulator } = await testService();
  const path = `/instance/${REGION}/${RUNNING_ID}/stop`;
  assertEquals((await app.request(path, post(path))).status, 204);
  assertEquals(simulator.calls.map(({ action }) => action), [
    "StopInstances",
    "CreateTags",
    "DescribeInstances",
  ]);
  const tags = simulator.instance(REGION, RUNNING_ID)?.tags;
  assertEquals(tags, {
    Name: "dev-box",
    start_time: "",
    agent: "007",
    "workwork:last_change": "2026-11-26T12:00:00.000Z stop by key default",
  });
});

Deno.test("reboot rewrites start_time, the original's naive form included", async () => {
  const { app, simulator, clock } = await testService();
  clock.now = T0 + 61_000;
  const path = `/instance/${REGION}/${OLD_STYLE_ID}/reboot`;
  assertEquals((await app.request(path, post(path))).status, 204);
  assertEquals(simulator.calls.map(({ action }) => action), [
    "RebootInstances",
    "CreateTags",
    "DescribeInstances",
  ]);
  assertEquals(
    simulator.instance(REGION, OLD_STYLE_ID)?.tags.start_time,
    "2026-11-26T12:01:01.000Z",
  );
});

Deno.test("starting a running instance succeeds and rewrites the tag", async () => {
  const { app, simulator } = await testService();
  const path = `/instance/${REGION}/${RUNNING_ID}/start`;
  assertEquals((await app.request(path, post(path))).status, 204);
  assertEquals(simulator.instance(REGION, RUNNING_ID)?.state, "running");
  assertEquals(simulator.instance(REGION, RUNNING_ID)?.tags.start_time, "2026-11-26T12:00:00.000Z");
});

Deno.test("stopping a stopped instance succeeds and empties the tag", async () => {
  const { app, simulator } = await testService({
    instances: [{ id: STOPPED_ID, region: REGION, state: "stopped", tags: { start_time: "x" } }],
  });
  const path = `/instance/${REGION}/${STOPPED_ID}/stop`;
  assertEquals((await app.request(path, post(path))).status, 204);
  assertEquals(simulator.instance(REGION, STOPPED_ID)?.tags.start_time, "");
});

Deno.test("a refused state change leaves the tag alone and writes nothing", async () => {
  const { app, simulator } = await testService();
  const path = `/instance/${REGION}/${STOPPED_ID}/reboot`;
  const response = await app.request(path, post(path));
  assertEquals(response.status, 409);
  assertEquals(simulator.calls.map(({ action }) => action), ["RebootInstances"]);
  assertEquals(simulator.instance(REGION, STOPPED_ID)?.tags, {});
});

Deno.test("a tag write failing after the state change answers 502 start_time and says so", async () => {
  for (const action of ["start", "stop", "reboot"]) {
    const { app, simulator } = await testService();
    const id = action === "start" ? STOPPED_ID : RUNNING_ID;
    const before = simulator.instance(REGION, id)?.tags.start_time;
    simulator.inject({
      action: "CreateTags",
      times: 3,
      fault: { kind: "error", code: "InternalError" },
    });
    const path = `/instance/${REGION}/${id}/${action}`;
    const response = await app.request(path, post(path));
    assertEquals(response.status, 502, action);
    const error = await errorOf(response);
    assertEquals(error.id, "start_time");
    assertStringIncludes(error.title, `accepted "${action}"`);
    assertStringIncludes(error.title, "could not be written");
    const instance = simulator.instance(REGION, id);
    assertEquals(
      instance?.state,
      { start: "pending", stop: "stopping", reboot: "running" }[action],
    );
    assertEquals(instance?.tags.start_time, before, "the tag is not claiming a change");
  }
});
