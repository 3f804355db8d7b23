import { assertEquals } from "@std/assert";
import { errorOf, KEYED, REGION, RUNNING_ID, STOPPED_ID, T0, testService } from "../../_helpers.ts";

const HOLD = `/instance/${REGION}/${RUNNING_ID}/hold`;
const HOLD_TAG = "workwork:hold_until";

function post(body: unknown, headers: Record<string, string> = KEYED): RequestInit {
  return {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify(body),
  };
}

Deno.test("POST …/hold with hours writes hold_until in one CreateTags, and the sweep leaves the box running", async () => {
  const { app, simulator, audit } = await testService({
    sweep: { regions: [REGION], maxRuntimeMs: 30 * 60_000 },
  });
  const response = await app.request(HOLD, post({ hours: 4 }));
  assertEquals(response.status, 200);
  assertEquals(await response.json(), {
    region: REGION,
    instance_id: RUNNING_ID,
    hold_until: "2026-11-26T16:00:00.000Z",
  });
  assertEquals(simulator.calls.map(({ action }) => action), ["CreateTags"]);
  assertEquals(simulator.instance(REGION, RUNNING_ID)?.tags[HOLD_TAG], "2026-11-26T16:00:00.000Z");
  const line = JSON.parse(audit.at(-1)!);
  assertEquals([line.action, line.key, line.instance, line.status], [
    "hold",
    "default",
    RUNNING_ID,
    200,
  ]);

  const read = await (await app.request(`/instance/${REGION}/${RUNNING_ID}`, { headers: KEYED }))
    .json();
  assertEquals(read.hold_until, "2026-11-26T16:00:00.000Z");
  assertEquals(read.next.at, "2026-11-26T16:00:00.000Z");
  assertEquals(read.next.action, "stop");
  const swept = await (await app.request("/sweep", { method: "POST", headers: KEYED })).json();
  assertEquals(
    swept.actions.map(({ instance_id }: { instance_id: string }) => instance_id).includes(
      RUNNING_ID,
    ),
    false,
  );
  assertEquals(simulator.instance(REGION, RUNNING_ID)?.state, "running");
});

Deno.test("DELETE …/hold deletes only hold_until, and the sweep's rules apply again", async () => {
  const { app, simulator, audit } = await testService({
    sweep: { regions: [REGION], maxRuntimeMs: 30 * 60_000 },
  });
  assertEquals(
    (await app.request(`${HOLD}?hours=1`, { method: "POST", headers: KEYED })).status,
    200,
  );
  const released = await app.request(HOLD, { method: "DELETE", headers: KEYED });
  assertEquals(released.status, 204);
  const line = JSON.parse(audit.at(-1)!);
  assertEquals([line.action, line.method, line.instance, line.status], [
    "release",
    "DELETE",
    RUNNING_ID,
    204,
  ]);
  assertEquals(simulator.calls.map(({ action }) => action), ["CreateTags", "DeleteTags"]);
  const tags = simulator.instance(REGION, RUNNING_ID)?.tags ?? {};
  assertEquals(HOLD_TAG in tags, false);
  assertEquals(tags.Name, "dev-box");
  // Releasing again, with nothing held, succeeds.
  assertEquals((await app.request(HOLD, { method: "DELETE", headers: KEYED })).status, 204);
  const swept = await (await app.request("/sweep", { method: "POST", headers: KEYED })).json();
  assertEquals(
    swept.actions.some(({ instance_id }: { instance_id: string }) => instance_id === RUNNING_ID),
    true,
  );
});

Deno.test("until sets the hold's end; bad or missing input is 422 before any EC2 call", async () => {
  const { app, simulator, clock } = await testService();
  clock.now = T0;
  const held = await app.request(HOLD, post({ until: "2026-11-26T20:30:00+01:00" }));
  assertEquals((await held.json()).hold_until, "2026-11-26T19:30:00.000Z");
  const calls = simulator.calls.length;
  for (
    const [body, id] of [
      [{}, "hours"],
      [{ hours: 2.5 }, "hours"],
      [{ hours: "4" }, "hours"],
      [{ hours: 0 }, "hours"],
      [{ hours: 169 }, "hours"],
      [{ until: "2026-11-26T11:00:00Z" }, "until"],
      [{ until: "2026-12-04T12:00:00Z" }, "until"],
      [{ until: "2026-11-26T13:00:00" }, "until"],
      [{ until: "2026-02-30T13:00:00Z" }, "until"],
      [{ hours: 1, until: "2026-11-26T13:00:00Z" }, "until"],
      [{ hours: 1, dry_run: true }, "dry_run"],
      [[1], "body"],
    ] as const
  ) {
    const response = await app.request(HOLD, post(body));
    assertEquals(response.status, 422, JSON.stringify(body));
    assertEquals((await errorOf(response)).id, id, JSON.stringify(body));
  }
  const malformed = await app.request(HOLD, {
    method: "POST",
    headers: { ...KEYED, "content-type": "application/json" },
    body: "{hours: 1",
  });
  assertEquals([malformed.status, (await errorOf(malformed)).id], [422, "body"]);
  const released = await app.request(`${HOLD}?hours=1`, { method: "DELETE", headers: KEYED });
  assertEquals([released.status, (await errorOf(released)).id], [422, "hours"]);
  assertEquals(simulator.calls.length, calls);
});

Deno.test("a hold needs `hold` in the key's scope, which a key that may stop has", async () => {
  const { app, simulator } = await testService({
    keys: {
      "reader-key-0123456789": { name: "reader", scope: { actions: new Set(["read", "start"]) } },
      "stopper-key-0123456789": { name: "stopper", scope: { actions: new Set(["read", "stop"]) } },
      "web-key-0123456789abc": { name: "web", scope: { tags: { Name: "web" } } },
    },
  });
  const reader = await app.request(
    HOLD,
    post({ hours: 1 }, { "x-api-key": "reader-key-0123456789" }),
  );
  assertEquals(reader.status, 403);
  assertEquals(await errorOf(reader), {
    id: "scope",
    title: "This key may not hold instances (keep or release)",
  });
  const release = await app.request(HOLD, {
    method: "DELETE",
    headers: { "x-api-key": "reader-key-0123456789" },
  });
  assertEquals(release.status, 403);
  const tagged = await app.request(
    HOLD,
    post({ hours: 1 }, { "x-api-key": "web-key-0123456789abc" }),
  );
  assertEquals(tagged.status, 403);
  assertEquals(simulator.calls.map(({ action }) => action), ["DescribeInstances"]);
  const stopper = await app.request(
    HOLD,
    post({ hours: 1 }, { "x-api-key": "stopper-key-0123456789" }),
  );
  assertEquals(stopper.status, 200);
  const session =
    await (await app.request("/session", { headers: { "x-api-key": "stopper-key-0123456789" } }))
      .json();
  assertEquals(session.actions, ["read", "stop", "hold"]);
});

Deno.test("a hold on an unknown instance is 404; other methods are 405 with Allow", async () => {
  const { app } = await testService();
  const unknown = await app.request(`/instance/${REGION}/i-00000000/hold`, post({ hours: 1 }));
  assertEquals(unknown.status, 404);
  const put = await app.request(`/instance/${REGION}/${STOPPED_ID}/hold`, {
    method: "PUT",
    headers: KEYED,
  });
  assertEquals(put.status, 405);
  assertEquals(put.headers.get("allow"), "POST, DELETE");
  await put.body?.cancel();
});
