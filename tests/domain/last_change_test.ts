import { assertEquals } from "@std/assert";
import {
  formatLastChange,
  LAST_CHANGE_TAG,
  MAX_TAG_VALUE_LENGTH,
  parseLastChange,
} from "../../src/domain/last_change.ts";
import { KEYED, REGION, RUNNING_ID, STOPPED_ID, T0, testService } from "../_helpers.ts";

const NOW = new Date("2026-12-01T12:00:00.000Z");

Deno.test("last_change reads back what it writes: time, action, who", () => {
  const value = formatLastChange({ by: "key ci", action: "stop", at: new Date(T0) });
  assertEquals(value, "2026-11-26T12:00:00.000Z stop by key ci");
  assertEquals(parseLastChange(value, NOW), {
    by: "key ci",
    action: "stop",
    at: "2026-11-26T12:00:00.000Z",
  });
});

Deno.test("last_change keeps to the portable tag characters and to EC2's 256", () => {
  const value = formatLastChange({
    by: `key a{"b"}<c>${"x".repeat(400)}`,
    action: "start",
    at: NOW,
  });
  assertEquals(value.length <= MAX_TAG_VALUE_LENGTH, true);
  assertEquals(/^[\w .:@+=-]+$/.test(value), true, value);
  assertEquals(parseLastChange(value, NOW)?.by.startsWith("key a__b___c_x"), true);
});

Deno.test("last_change that is hand-edited, forged or garbled reads as null", () => {
  for (
    const value of [
      "",
      "stopped by bob",
      "2026-11-26T12:00:00.000Z stop by",
      "2026-11-26T12:00:00.000Z stop by ",
      "2026-11-26T12:00:00.000Z terminate by key ci",
      "2026-11-26T12:00:00Z stop by key ci",
      "2026-02-30T12:00:00.000Z stop by key ci",
      "2026-11-26T12:00:00.000Z  stop by key ci",
      "2026-11-26T12:00:00.000Z stop by key <script>",
      "2026-11-26T12:00:00.000Z stop by  key ci",
      "2026-11-26T12:00:00.000Z stop by key ci\n",
      `2026-11-26T12:00:00.000Z stop by ${"a".repeat(300)}`,
      // Later than the reader's clock allows: not believed.
      "2026-12-01T12:06:00.000Z stop by key ci",
    ]
  ) {
    assertEquals(parseLastChange(value, NOW), null, JSON.stringify(value));
  }
  assertEquals(parseLastChange(undefined, NOW), null);
  assertEquals(parseLastChange("2026-12-01T12:04:00.000Z stop by key ci", NOW)?.by, "key ci");
});

Deno.test("a long hostile last_change is read in linear time", () => {
  // A value far past EC2's limit is refused before any pattern runs.
  assertEquals(parseLastChange(`2026-11-26T12:00:00.000Z stop by ${" ".repeat(1e6)}x`, NOW), null);
  const near = `2026-11-26T12:00:00.000Z stop by ${"a ".repeat(100)}`;
  assertEquals(parseLastChange(near, NOW), null);
});

Deno.test("a change through the API records who, what, when in the same CreateTags as start_time", async () => {
  const { app, simulator, clock } = await testService({
    keys: { "ci-key-0123456789abcdef": { name: "ci", scope: {} } },
  });
  clock.now = T0 + 60_000;
  const path = `/instance/${REGION}/${STOPPED_ID}/start`;
  const started = await app.request(path, {
    method: "POST",
    headers: { "x-api-key": "ci-key-0123456789abcdef" },
  });
  assertEquals(started.status, 204);
  const tagWrites = simulator.calls.filter(({ action }) => action === "CreateTags");
  assertEquals(tagWrites.length, 1);
  assertEquals(
    simulator.instance(REGION, STOPPED_ID)?.tags[LAST_CHANGE_TAG],
    "2026-11-26T12:01:00.000Z start by key ci",
  );
  clock.now = T0 + 3_600_000;
  const read = await (await app.request(`/instance/${REGION}/${STOPPED_ID}`, { headers: KEYED }))
    .json();
  assertEquals(read.last_change, { by: "key ci", action: "start", at: "2026-11-26T12:01:00.000Z" });
  const listed = await (await app.request(`/instance/${REGION}`, { headers: KEYED })).json();
  const views = Object.fromEntries(listed.instances.map((view: { id: string }) => [view.id, view]));
  assertEquals(views[STOPPED_ID].last_change.by, "key ci");
  assertEquals(views[RUNNING_ID].last_change, null);
});

Deno.test("a dry run and a refused change record nothing", async () => {
  const { app, simulator } = await testService();
  const dry = await app.request(`/instance/${REGION}/${RUNNING_ID}/stop?dry_run=true`, {
    method: "POST",
    headers: KEYED,
  });
  assertEquals(dry.status, 200);
  const refused = await app.request(`/instance/${REGION}/${STOPPED_ID}/reboot`, {
    method: "POST",
    headers: KEYED,
  });
  assertEquals(refused.status, 409);
  assertEquals(simulator.instance(REGION, RUNNING_ID)?.tags[LAST_CHANGE_TAG], undefined);
  assertEquals(simulator.instance(REGION, STOPPED_ID)?.tags[LAST_CHANGE_TAG], undefined);
});

Deno.test("the sweep records its changes as `sweep <who ran it>`", async () => {
  const { app, simulator, clock } = await testService({
    sweep: { regions: [REGION], maxRuntimeMs: 30 * 60_000 },
  });
  clock.now = T0 + 60_000;
  const swept = await app.request("/sweep", { method: "POST", headers: KEYED });
  assertEquals(swept.status, 200);
  assertEquals(
    simulator.instance(REGION, RUNNING_ID)?.tags[LAST_CHANGE_TAG],
    "2026-11-26T12:01:00.000Z stop by sweep key default",
  );
});
