import { assertEquals } from "@std/assert";
import type { SimulatedInstanceSeed } from "../../../src/simulator/ec2.ts";
import {
  errorOf,
  KEYED,
  OLD_STYLE_ID,
  OTHER_REGION,
  OTHER_REGION_ID,
  REGION,
  RUNNING_ID,
  STOPPED_ID,
  testService,
} from "../../_helpers.ts";

async function list(
  app: { request: (path: string, init?: RequestInit) => Response | Promise<Response> },
  query = "",
) {
  const response = await app.request(`/instance/${REGION}${query}`, { headers: KEYED });
  return { response, body: response.ok ? await response.json() : null };
}

Deno.test("GET /instance/:region lists the region's instances with the read view", async () => {
  const { app, simulator } = await testService();
  const { response, body } = await list(app);
  assertEquals(response.status, 200);
  assertEquals(
    body.instances.map((instance: { id: string }) => instance.id).sort(),
    [
      RUNNING_ID,
      STOPPED_ID,
      OLD_STYLE_ID,
    ].sort(),
  );
  const running = body.instances.find((instance: { id: string }) => instance.id === RUNNING_ID);
  assertEquals(running.name, "dev-box");
  assertEquals(running.state, "running");
  assertEquals(running.uptime_seconds, 3600);
  assertEquals(simulator.calls.length, 1);
  const other = await app.request(`/instance/${OTHER_REGION}/`, { headers: KEYED });
  assertEquals((await other.json()).instances.map((i: { id: string }) => i.id), [OTHER_REGION_ID]);
});

Deno.test("the listing filters by state and by tag", async () => {
  const { app } = await testService();
  const running = await list(app, "?state=running");
  assertEquals(running.body.instances.length, 2);
  const tagged = await list(app, "?tag:Name=dev-box");
  assertEquals(tagged.body.instances.map((i: { id: string }) => i.id), [RUNNING_ID]);
  const both = await list(app, "?state=stopped&tag:Name=dev-box");
  assertEquals(both.body.instances, []);
  const either = await list(app, "?state=running,stopped");
  assertEquals(either.body.instances.length, 3);
  const bad = await list(app, "?state=asleep");
  assertEquals(bad.response.status, 422);
  assertEquals((await errorOf(bad.response)).id, "state");
});

Deno.test("the listing follows every page, one call per page", async () => {
  const instances: SimulatedInstanceSeed[] = Array.from({ length: 2500 }, (_, i) => ({
    id: `i-${i.toString(16).padStart(17, "0")}`,
    region: REGION,
    state: i % 2 ? "running" : "stopped",
  }));
  // 2,500 instances take a while to build and parse on a busy machine: no deadline test here.
  const { app, simulator } = await testService({ instances, timeoutMs: 30_000 });
  const { body } = await list(app);
  assertEquals(body.instances.length, 2500);
  assertEquals(new Set(body.instances.map((i: { id: string }) => i.id)).size, 2500);
  assertEquals(simulator.calls.length, 3);
  assertEquals(simulator.calls.map(({ params }) => params.MaxResults), ["1000", "1000", "1000"]);
});

Deno.test("scoped keys see only their instances, regions and actions", async () => {
  const { app, simulator } = await testService({
    keys: {
      "web-key": { name: "web", scope: { tags: { Name: "dev-box" } } },
      "west-reader": {
        name: "reader",
        scope: { regions: new Set([REGION]), actions: new Set(["read"]) },
      },
      "one-box": { name: "one", scope: { instances: new Set([STOPPED_ID]) } },
    },
  });
  const web = await app.request(`/instance/${REGION}`, { headers: { "x-api-key": "web-key" } });
  assertEquals((await web.json()).instances.map((i: { id: string }) => i.id), [RUNNING_ID]);

  const denied = await app.request(`/instance/${REGION}/${STOPPED_ID}/start`, {
    method: "POST",
    headers: { "x-api-key": "web-key" },
  });
  assertEquals(denied.status, 403);
  assertEquals(await errorOf(denied), {
    id: "scope",
    title: "This key may only act on instances tagged Name=dev-box",
  });
  assertEquals(simulator.calls.some(({ action }) => action === "StartInstances"), false);

  const reader = await app.request(`/instance/${REGION}/${RUNNING_ID}/stop`, {
    method: "POST",
    headers: { "x-api-key": "west-reader" },
  });
  assertEquals(await errorOf(reader), { id: "scope", title: "This key may not stop" });
  const elsewhere = await app.request(`/instance/${OTHER_REGION}`, {
    headers: { "x-api-key": "west-reader" },
  });
  assertEquals(await errorOf(elsewhere), {
    id: "scope",
    title: `This key may not act in region "${OTHER_REGION}"`,
  });

  const one = await app.request(`/instance/${REGION}/${RUNNING_ID}`, {
    headers: { "x-api-key": "one-box" },
  });
  assertEquals(one.status, 403);
  const own = await app.request(`/instance/${REGION}/${STOPPED_ID}/start`, {
    method: "POST",
    headers: { "x-api-key": "one-box" },
  });
  assertEquals(own.status, 204);
  assertEquals(simulator.calls.filter(({ action }) => action === "StopInstances").length, 0);
});

Deno.test("the listing refuses a query parameter it does not take", async () => {
  const { app, simulator } = await testService();
  const secret = "correct-horse-battery-staple-1234";
  for (
    const [query, id] of [
      ["?stat=running", "stat"],
      ["?state=running&tags:owner=x", "request"],
      [`?${secret}=1`, "request"],
    ]
  ) {
    const { response } = await list(app, query);
    assertEquals(response.status, 422, query);
    const error = await errorOf(response);
    assertEquals(error.id, id, query);
    assertEquals(error.title.includes(secret), false);
    assertEquals(error.title.includes("tags:owner"), false);
    assertEquals(error.title.includes("state, tag:KEY, limit, next_token"), true, error.title);
  }
  assertEquals(simulator.calls, []);
  for (const query of ["?state=running&tag:Name=dev-box&limit=5", "?api_key=ignored"]) {
    assertEquals((await list(app, query)).response.status, 200, query);
  }
});
