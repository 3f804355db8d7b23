import { assertEquals, assertStringIncludes } from "@std/assert";
import type { SimulatedInstanceSeed } from "../../src/simulator/ec2.ts";
import { MAX_SWEEP_ACTIONS, type SweepReport } from "../../src/domain/sweep.ts";
import { errorOf, KEYED, OTHER_REGION, REGION, testService } from "../_helpers.ts";

const A = "i-0aaaaaaaaaaaaaaa1";
const B = "i-0aaaaaaaaaaaaaaa2";
const C = "i-0aaaaaaaaaaaaaaa3";
const BERLIN = "Mon-Fri 08:00-19:00 Europe/Berlin";

function box(id: string, tags: Record<string, string>, extra: Partial<SimulatedInstanceSeed> = {}) {
  return { id, region: REGION, state: "running" as const, tags, ...extra };
}

async function sweepAt(
  at: string,
  instances: SimulatedInstanceSeed[],
  options: { maxRuntimeMs?: number | null; query?: string; headers?: Record<string, string> } = {},
) {
  const service = await testService({
    instances,
    transitionMs: 0,
    sweep: { regions: [REGION], maxRuntimeMs: options.maxRuntimeMs ?? null },
  });
  service.clock.now = Date.parse(at);
  const response = await service.app.request(`/sweep${options.query ?? ""}`, {
    method: "POST",
    headers: options.headers ?? KEYED,
  });
  const report: SweepReport | null = response.ok ? await response.json() : null;
  const state = (id: string) => service.simulator.instance(REGION, id);
  return { ...service, response, report, state };
}

Deno.test("the sweep stops an instance past its max_runtime tag and empties start_time", async () => {
  const { report, state, audits } = await sweepAt("2026-11-26T12:00:00Z", [
    box(A, { "workwork:max_runtime": "90m", start_time: "2026-11-26T10:00:00.000Z" }),
    box(B, { "workwork:max_runtime": "4h", start_time: "2026-11-26T10:00:00.000Z" }),
  ]);
  assertEquals(report!.actions, [{
    region: REGION,
    instance_id: A,
    name: null,
    action: "stop",
    reason: "ran 2h, over its workwork:max_runtime of 90m",
    outcome: "done",
  }]);
  assertEquals(state(A)?.state, "stopped");
  assertEquals(state(A)?.tags.start_time, "");
  assertEquals(state(B)?.state, "running");
  assertEquals(audits.length, 1);
  assertEquals(audits[0].event, "sweep");
  assertEquals(audits[0].instance_id, A);
  assertEquals(audits[0].by, "key default");
});

Deno.test("MAX_RUNTIME applies without a tag, counted from launch time when start_time is missing", async () => {
  const { report, state } = await sweepAt("2026-11-26T12:00:00Z", [
    box(A, {}, { launchTime: "2026-11-26T03:00:00.000Z" }),
    box(B, { start_time: "2026-11-26T11:00:00.000Z" }, { launchTime: "2026-11-20T00:00:00.000Z" }),
    box(C, { start_time: "2026-11-26T03:59:00.123456" }),
  ], { maxRuntimeMs: 8 * 3_600_000 });
  assertEquals(report!.actions.map(({ instance_id, reason }) => [instance_id, reason]), [
    [A, "ran 9h, over MAX_RUNTIME of 8h"],
    [C, "ran 8h, over MAX_RUNTIME of 8h"],
  ]);
  assertEquals(state(B)?.state, "running");
});

Deno.test("workwork:hold_until in the future keeps the instance running; in the past it does not", async () => {
  const tags = { "workwork:max_runtime": "1h", start_time: "2026-11-26T00:00:00.000Z" };
  const { report, state } = await sweepAt("2026-11-26T12:00:00Z", [
    box(A, { ...tags, "workwork:hold_until": "2026-11-26T18:00:00Z" }),
    box(B, { ...tags, "workwork:hold_until": "2026-11-26T11:00:00Z" }),
    box(C, { ...tags, "workwork:hold_until": "tomorrow" }),
  ]);
  assertEquals(state(A)?.state, "running");
  assertEquals(state(B)?.state, "stopped");
  assertEquals(state(C)?.state, "running");
  assertEquals(report!.actions.map(({ instance_id }) => instance_id), [B]);
  assertEquals(report!.problems.length, 1);
  assertStringIncludes(report!.problems[0].title, '"tomorrow" is not an ISO 8601 time');
});

Deno.test("the sweep stops instances outside office hours in Berlin, across the spring change", async () => {
  // Monday 2026-03-30 06:30 UTC is 08:30 in Berlin (CEST): inside; the Friday
  // before at the same UTC time was 07:30 (CET): outside.
  const instances = [box(A, { "workwork:schedule": BERLIN, start_time: "" })];
  const monday = await sweepAt("2026-03-30T06:30:00Z", instances);
  assertEquals(monday.report!.actions, []);
  assertEquals(monday.state(A)?.state, "running");
  const friday = await sweepAt("2026-03-27T06:30:00Z", instances);
  assertEquals(friday.report!.actions[0].reason, `outside its schedule "${BERLIN}"`);
  assertEquals(friday.state(A)?.state, "stopped");
});

Deno.test("the sweep reads New York hours in New York time across its autumn change", async () => {
  const schedule = "Mon-Fri 09:00-17:00 America/New_York";
  const instances = [box(A, { "workwork:schedule": schedule })];
  // Friday 2026-10-30 13:30 UTC is 09:30 EDT; Monday 2026-11-02 13:30 UTC is 08:30 EST.
  assertEquals((await sweepAt("2026-10-30T13:30:00Z", instances)).state(A)?.state, "running");
  assertEquals((await sweepAt("2026-11-02T13:30:00Z", instances)).state(A)?.state, "stopped");
});

Deno.test("autostart starts a stopped instance only as its window opens", async () => {
  const instances = [
    box(A, { "workwork:schedule": `${BERLIN} autostart` }, { state: "stopped" }),
    box(B, { "workwork:schedule": BERLIN }, { state: "stopped" }),
  ];
  // 08:05 CEST on the Monday after the change: the window has just opened.
  const opening = await sweepAt("2026-03-30T06:05:00Z", instances);
  assertEquals(opening.report!.actions.map(({ instance_id, action }) => [instance_id, action]), [
    [A, "start"],
  ]);
  assertEquals(opening.state(A)?.tags.start_time, "2026-03-30T06:05:00.000Z");
  assertEquals(opening.state(B)?.state, "stopped");
  // 08:30: someone who stopped it since then meant it.
  const later = await sweepAt("2026-03-30T06:30:00Z", instances);
  assertEquals(later.report!.actions, []);
});

Deno.test("dry_run=true reports what the sweep would do and changes nothing", async () => {
  const { report, state, simulator, audits } = await sweepAt("2026-11-26T12:00:00Z", [
    box(A, { "workwork:max_runtime": "1h", start_time: "2026-11-26T00:00:00.000Z" }),
  ], { query: "?dry_run=true" });
  assertEquals(report!.dry_run, true);
  assertEquals(report!.actions[0].outcome, "would");
  assertEquals(state(A)?.state, "running");
  // Reads only: the running instances, then the stopped ones a schedule may start.
  assertEquals(simulator.calls.map(({ action }) => action), [
    "DescribeInstances",
    "DescribeInstances",
  ]);
  assertEquals(audits, []);
});

Deno.test("POST /sweep needs a key whose scope includes sweep", async () => {
  const service = await testService({
    sweep: { regions: [REGION], maxRuntimeMs: null },
    keys: { "reader-key": { name: "reader", scope: { actions: new Set(["read"]) } } },
  });
  const response = await service.app.request("/sweep", {
    method: "POST",
    headers: { "x-api-key": "reader-key" },
  });
  assertEquals(response.status, 403);
  assertEquals(await errorOf(response), { id: "scope", title: "This key may not sweep" });
  assertEquals(service.simulator.calls, []);
  const get = await service.app.request("/sweep", { headers: KEYED });
  assertEquals(get.status, 405);
  assertEquals(get.headers.get("allow"), "POST");
});

Deno.test("a region that cannot be listed is reported and the others are still swept", async () => {
  const service = await testService({
    instances: [
      { ...box(A, { "workwork:max_runtime": "1h", start_time: "2026-11-26T00:00:00.000Z" }) },
    ],
    sweep: { regions: [OTHER_REGION, REGION], maxRuntimeMs: null },
  });
  service.simulator.inject({
    action: "DescribeInstances",
    fault: { kind: "error", code: "UnauthorizedOperation" },
  });
  const response = await service.app.request("/sweep", { method: "POST", headers: KEYED });
  const report: SweepReport = await response.json();
  assertEquals(report.problems.map(({ region }) => region), [OTHER_REGION]);
  assertEquals(report.actions.map(({ instance_id }) => instance_id), [A]);
});

/** Two more instances past a 1 h MAX_RUNTIME at 12:00 than one sweep may change. */
const PAST_THE_CAP = Array.from(
  { length: MAX_SWEEP_ACTIONS + 2 },
  (_, i) => box(`i-0bbbbbbbbbbbbbbb${i}`, { start_time: "2026-11-26T00:00:00.000Z" }),
);

Deno.test("one sweep changes at most MAX_SWEEP_ACTIONS instances and defers the rest", async () => {
  const { report, simulator } = await sweepAt("2026-11-26T12:00:00Z", PAST_THE_CAP, {
    maxRuntimeMs: 3_600_000,
  });
  assertEquals(
    report!.actions.filter(({ outcome }) => outcome === "done").length,
    MAX_SWEEP_ACTIONS,
  );
  assertEquals(report!.actions.filter(({ outcome }) => outcome === "deferred").length, 2);
  assertEquals(
    simulator.calls.filter(({ action }) => action === "StopInstances").length,
    MAX_SWEEP_ACTIONS,
  );
});

Deno.test("a dry run reports the cap as the sweep would meet it", async () => {
  const { report, simulator } = await sweepAt("2026-11-26T12:00:00Z", PAST_THE_CAP, {
    maxRuntimeMs: 3_600_000,
    query: "?dry_run=true",
  });
  assertEquals(report!.actions.map(({ outcome }) => outcome), [
    ...Array(MAX_SWEEP_ACTIONS).fill("would"),
    "deferred",
    "deferred",
  ]);
  assertEquals(simulator.calls.filter(({ action }) => action !== "DescribeInstances"), []);
});

Deno.test("a malformed sweep tag is reported and the instance left alone", async () => {
  const { report, state } = await sweepAt("2026-11-26T12:00:00Z", [
    box(A, { "workwork:max_runtime": "four hours", start_time: "2026-11-26T00:00:00.000Z" }),
    box(B, { "workwork:schedule": "weekdays 9-5" }),
    // Date.parse would read "Dec 1" as 2001-12-01, a hold long past.
    box(C, { "workwork:hold_until": "Dec 1", start_time: "2026-11-26T00:00:00.000Z" }),
  ], { maxRuntimeMs: 3_600_000 });
  assertEquals(report!.actions, []);
  assertEquals(report!.problems.map(({ instance_id }) => instance_id), [A, B, C]);
  assertEquals(state(A)?.state, "running");
  assertEquals(state(C)?.state, "running");
});

Deno.test("a key limited to some instances sweeps only those", async () => {
  const tags = { "workwork:max_runtime": "1h", start_time: "2026-11-26T00:00:00.000Z" };
  const service = await testService({
    instances: [box(A, { ...tags, team: "games" }), box(B, { ...tags, team: "web" })],
    sweep: { regions: [REGION], maxRuntimeMs: null },
    keys: {
      "games-key": {
        name: "games",
        scope: { tags: { team: "games" }, actions: new Set(["sweep", "read"]) },
      },
    },
  });
  const response = await service.app.request("/sweep", {
    method: "POST",
    headers: { "x-api-key": "games-key" },
  });
  const report: SweepReport = await response.json();
  assertEquals(report.actions.map(({ instance_id }) => instance_id), [A]);
  assertEquals(service.simulator.instance(REGION, B)?.state, "running");
  assertEquals(service.audits[0].by, "key games");
});

Deno.test("a key that may sweep but not read gets a report without instance ids, names or tags", async () => {
  const service = await testService({
    instances: [
      box(A, {
        Name: "secret-box",
        "workwork:max_runtime": "1h",
        start_time: "2026-11-26T00:00:00Z",
      }),
      box(B, { "workwork:schedule": "Mon-Fri 08:00-19:00 Atlantis/Capital" }),
      box(C, {
        start_time: "2026-11-20T00:00:00.000Z",
        "workwork:schedule": "daily 08:00-09:00 UTC",
      }, {
        state: "stopped",
      }),
    ],
    transitionMs: 0,
    sweep: { regions: [REGION], maxRuntimeMs: null },
    keys: { "sweeper-key": { name: "sweeper", scope: { actions: new Set(["sweep"]) } } },
  });
  service.clock.now = Date.parse("2026-11-26T12:00:00Z");
  const response = await service.app.request("/sweep?dry_run=true", {
    method: "POST",
    headers: { "x-api-key": "sweeper-key" },
  });
  assertEquals(response.status, 200);
  const text = await response.text();
  for (const secret of [A, B, C, "secret-box", "Atlantis", "1h", "2026-11-20"]) {
    assertEquals(text.includes(secret), false, `${secret} in ${text}`);
  }
  const report = JSON.parse(text);
  assertEquals(report.actions, [{
    region: REGION,
    instance_id: null,
    name: null,
    action: "stop",
    reason: "not shown: this key may not read the instance",
    outcome: "would",
  }]);
  assertEquals(report.problems.length, 1);
  assertEquals(report.healed, [{ region: REGION, instance_id: null, outcome: "would" }]);
  // A key that may also read sees it all.
  const full = await service.app.request("/sweep?dry_run=true", { method: "POST", headers: KEYED });
  const seen = await full.json();
  assertEquals(seen.actions[0].instance_id, A);
  assertEquals(seen.problems[0].instance_id, B);
  assertEquals(seen.healed[0].instance_id, C);
});
