import { assertEquals } from "@std/assert";
import { errorOf, KEYED, REGION, RUNNING_ID, testService } from "../_helpers.ts";

const PATH = `/instance/${REGION}/${RUNNING_ID}/active`;

Deno.test("POST …/active writes workwork:last_active, then answers 204 without a CreateTags for 5 minutes", async () => {
  const service = await testService();
  const first = await service.app.request(PATH, { method: "POST", headers: KEYED });
  assertEquals(first.status, 204);
  assertEquals(
    service.simulator.instance(REGION, RUNNING_ID)?.tags["workwork:last_active"],
    "2026-11-26T12:00:00.000Z",
  );
  assertEquals(service.simulator.calls.map(({ action }) => action), [
    "DescribeInstances",
    "CreateTags",
  ]);
  service.clock.now += 4 * 60_000;
  const again = await service.app.request(PATH, { method: "POST", headers: KEYED });
  assertEquals(again.status, 204);
  // The tag is read first: one DescribeInstances, no write.
  assertEquals(service.simulator.calls.map(({ action }) => action).slice(2), ["DescribeInstances"]);
  service.clock.now += 60_000;
  await service.app.request(PATH, { method: "POST", headers: KEYED });
  assertEquals(
    service.simulator.instance(REGION, RUNNING_ID)?.tags["workwork:last_active"],
    "2026-11-26T12:05:00.000Z",
  );
});

Deno.test("POST …/active needs a key whose scope allows `active`, and its instance", async () => {
  const service = await testService({
    keys: {
      "reader-key": { name: "reader", scope: { actions: new Set(["read", "stop"]) } },
      "box-key": {
        name: "box",
        scope: { actions: new Set(["active"]), instances: new Set(["i-0123456789abcdef0"]) },
      },
    },
  });
  const reader = await service.app.request(PATH, {
    method: "POST",
    headers: { "x-api-key": "reader-key" },
  });
  assertEquals(reader.status, 403);
  assertEquals(await errorOf(reader), {
    id: "scope",
    title: "This key may not send heartbeats (active)",
  });
  const other = await service.app.request(PATH, {
    method: "POST",
    headers: { "x-api-key": "box-key" },
  });
  assertEquals(other.status, 403);
  const none = await service.app.request(PATH, { method: "POST" });
  assertEquals(none.status, 422);
  assertEquals(service.simulator.calls, []);
  const get = await service.app.request(PATH, { headers: KEYED });
  assertEquals(get.status, 405);
  assertEquals(get.headers.get("allow"), "POST");
  const bad = await service.app.request(`/instance/${REGION}/i-nope/active`, {
    method: "POST",
    headers: KEYED,
  });
  assertEquals((await errorOf(bad)).id, "instance_id");
  const missing = await service.app.request(`/instance/${REGION}/i-0ffffffffffffffff/active`, {
    method: "POST",
    headers: KEYED,
  });
  assertEquals(missing.status, 404);
});
