/**
 * How many EC2 calls each route makes: every call is latency and CPU (a
 * signature, a parse), so none may be added unnoticed. GET makes one, each
 * action two (the state change, then the tag), a listing one per page.
 */
import { assertEquals } from "@std/assert";
import type { SimulatedInstanceSeed } from "../../src/simulator/ec2.ts";
import { KEYED, REGION, RUNNING_ID, STOPPED_ID, testService } from "../_helpers.ts";

const TAGGED_KEY = "tagged-key-correct-horse-battery";

function actions(simulator: { calls: { action: string }[] }, from = 0): string[] {
  return simulator.calls.slice(from).map(({ action }) => action);
}

Deno.test("GET /instance/:region/:id makes one EC2 call, found or not", async () => {
  const { app, simulator } = await testService();
  const found = await app.request(`/instance/${REGION}/${RUNNING_ID}`, { headers: KEYED });
  assertEquals(found.status, 200);
  assertEquals(actions(simulator), ["DescribeInstances"]);
  const missing = await app.request(`/instance/${REGION}/i-0000000000000dead`, { headers: KEYED });
  assertEquals(missing.status, 404);
  assertEquals(actions(simulator, 1), ["DescribeInstances"]);
});

Deno.test("each action makes three EC2 calls: the state change, the tag, the read confirming both", async () => {
  const { app, simulator, clock } = await testService();
  const expected = {
    stop: ["StopInstances", "CreateTags", "DescribeInstances"],
    start: ["StartInstances", "CreateTags", "DescribeInstances"],
    reboot: ["RebootInstances", "CreateTags", "DescribeInstances"],
  };
  for (const [action, calls] of Object.entries(expected)) {
    const before = simulator.calls.length;
    const response = await app.request(`/instance/${REGION}/${RUNNING_ID}/${action}`, {
      method: "POST",
      headers: KEYED,
    });
    assertEquals(response.status, 204, action);
    assertEquals(actions(simulator, before), calls, action);
    clock.now += 5_000;
  }
});

Deno.test("a state change EC2 refuses makes one call and writes no tag", async () => {
  const { app, simulator } = await testService();
  const response = await app.request(`/instance/${REGION}/${STOPPED_ID}/reboot`, {
    method: "POST",
    headers: KEYED,
  });
  assertEquals(response.status, 409);
  assertEquals(actions(simulator), ["RebootInstances"]);
});

Deno.test("a key limited by tags costs one DescribeInstances before the action, no more", async () => {
  const { app, simulator } = await testService({
    keys: { [TAGGED_KEY]: { name: "tagged", scope: { tags: { Name: "dev-box" } } } },
  });
  const response = await app.request(`/instance/${REGION}/${RUNNING_ID}/stop`, {
    method: "POST",
    headers: { "x-api-key": TAGGED_KEY },
  });
  assertEquals(response.status, 204);
  assertEquals(actions(simulator), [
    "DescribeInstances",
    "StopInstances",
    "CreateTags",
    "DescribeInstances",
  ]);
});

Deno.test("a listing makes one DescribeInstances per page of 1,000", async () => {
  for (const [count, pages] of [[3, 1], [1000, 1], [1001, 2]]) {
    const instances: SimulatedInstanceSeed[] = Array.from({ length: count }, (_, i) => ({
      id: `i-${i.toString(16).padStart(17, "0")}`,
      region: REGION,
      state: "running",
    }));
    const { app, simulator } = await testService({ instances });
    const response = await app.request(`/instance/${REGION}`, { headers: KEYED });
    assertEquals((await response.json()).instances.length, count);
    assertEquals(actions(simulator), Array(pages).fill("DescribeInstances"), `${count}`);
  }
});

Deno.test("requests refused before reaching EC2 make no call", async () => {
  const { app, simulator } = await testService();
  const refused = [
    app.request(`/instance/${REGION}/${RUNNING_ID}`),
    app.request(`/instance/${REGION}/${RUNNING_ID}`, { headers: { "x-api-key": "wrong" } }),
    app.request(`/instance/US_WEST/${RUNNING_ID}`, { headers: KEYED }),
    app.request(`/instance/${REGION}/not-an-id`, { headers: KEYED }),
    app.request(`/instance/${REGION}/${RUNNING_ID}/hibernate`, { method: "POST", headers: KEYED }),
    app.request(`/instance/${REGION}?state=asleep`, { headers: KEYED }),
  ];
  for (const response of await Promise.all(refused)) {
    assertEquals(response.status >= 400 && response.status < 500, true, `${response.status}`);
  }
  assertEquals(simulator.calls.length, 0);
});
