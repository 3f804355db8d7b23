import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import type { SimulatedInstanceSeed } from "../../src/simulator/ec2.ts";
import type { SweepReport } from "../../src/domain/sweep.ts";
import { SWEEP_SUBREQUEST_BUDGET } from "../../src/domain/sweep_budget.ts";
import { upcomingStop } from "../../src/domain/warnings.ts";
import { KEYED, LINK_SECRET, PUBLIC_URL, REGION, testService } from "../_helpers.ts";

const A = "i-0aaaaaaaaaaaaaaa1";
const B = "i-0aaaaaaaaaaaaaaa2";
const MINUTE = 60_000;

function box(id: string, tags: Record<string, string>, extra: Partial<SimulatedInstanceSeed> = {}) {
  return { id, region: REGION, state: "running" as const, tags, ...extra };
}

async function warned(
  instances: SimulatedInstanceSeed[],
  options: { webhookStatus?: number; links?: boolean; maxRuntimeMs?: number } = {},
) {
  const posted: string[] = [];
  const built = await testService({
    instances,
    transitionMs: 0,
    sweep: {
      regions: [REGION],
      maxRuntimeMs: options.maxRuntimeMs ?? null,
      warnBeforeMs: 15 * MINUTE,
    },
    webhook: async (request) => {
      posted.push((await request.json()).text);
      return new Response(null, { status: options.webhookStatus ?? 204 });
    },
    links: options.links === false ? undefined : { secret: LINK_SECRET, publicUrl: PUBLIC_URL },
  });
  const sweepAt = async (at: string) => {
    built.clock.now = Date.parse(at);
    const response = await built.app.request("/sweep", { method: "POST", headers: KEYED });
    const report: SweepReport = await response.json();
    await built.notifier.settled();
    return report;
  };
  return {
    ...built,
    posted,
    sweepAt,
    state: (id: string) => built.simulator.instance(REGION, id)!,
  };
}

Deno.test("a schedule's stop is warned about WARN_BEFORE ahead, once, with its time and links, and made at that time", async () => {
  const { sweepAt, posted, state, audit } = await warned([
    box(A, { Name: "dev-box", "workwork:schedule": "daily 08:00-19:00 UTC" }),
  ]);
  assertEquals((await sweepAt("2026-11-26T18:40:00Z")).warnings, []);
  const report = await sweepAt("2026-11-26T18:46:00Z");
  assertEquals(
    report.warnings.map(({ instance_id, stop_at, outcome }) => [instance_id, stop_at, outcome]),
    [
      [A, "2026-11-26T19:00:00.000Z", "done"],
    ],
  );
  assertEquals(report.actions, []);
  const lines = posted[0].split("\n");
  assertEquals(
    lines[0],
    'workwork: dev-box (i-0aaaaaaaaaaaaaaa1, us-west-2) will be stopped at 2026-11-26 19:00 UTC: outside its schedule "daily 08:00-19:00 UTC"',
  );
  assertEquals(lines.slice(1).map((line) => line.split(": ")[0]), [
    "Keep 1 h",
    "Keep 4 h",
    "Stop now",
  ]);
  assert(lines.slice(1).every((line) => line.split(": ")[1].startsWith(`${PUBLIC_URL}link/`)));
  assertEquals(state(A).tags["workwork:warned"], "2026-11-26T19:00:00.000Z");
  // Once per planned stop.
  assertEquals((await sweepAt("2026-11-26T18:51:00Z")).warnings, []);
  assertEquals(posted.length, 1);
  const stop = await sweepAt("2026-11-26T19:01:00Z");
  assertEquals(stop.actions.map(({ instance_id, outcome }) => [instance_id, outcome]), [[
    A,
    "done",
  ]]);
  assertEquals(state(A).state, "stopped");
  assertEquals(
    audit.map((line) => JSON.parse(line).event).filter((event) => event?.startsWith("sweep")),
    ["sweep_warning", "sweep"],
  );
});

Deno.test("a box started again after its warned stop gets a warning of its own before the next stop", async () => {
  const { sweepAt, simulator, state, posted, app, clock } = await warned([
    box(A, { "workwork:schedule": "daily 08:00-19:00 UTC" }),
  ]);
  await sweepAt("2026-11-26T18:46:00Z");
  assertEquals((await sweepAt("2026-11-26T19:00:00Z")).actions.length, 1);
  assertEquals(state(A).state, "stopped");
  // Someone starts it by hand, outside its hours, within the hour of the old warning.
  clock.now = Date.parse("2026-11-26T19:20:00Z");
  const start = await app.request(`/instance/${REGION}/${A}/start`, {
    method: "POST",
    headers: KEYED,
  });
  assertEquals(start.status, 204);
  simulator.instance(REGION, A);
  const report = await sweepAt("2026-11-26T19:25:00Z");
  assertEquals(report.actions, []);
  assertEquals(report.warnings.map(({ stop_at }) => stop_at), ["2026-11-26T19:40:00.000Z"]);
  assertEquals(state(A).state, "running");
  assertEquals(posted.filter((text) => text.includes("will be stopped")).length, 2);
});

Deno.test("a max runtime's stop is warned about ahead; without LINK_SECRET the warning carries no links", async () => {
  const { sweepAt, posted, state } = await warned([
    box(A, { "workwork:max_runtime": "4h", start_time: "2026-11-26T08:00:00.000Z" }, {
      launchTime: "2026-11-26T08:00:00.000Z",
    }),
  ], { links: false });
  const report = await sweepAt("2026-11-26T11:50:00Z");
  // The limit is reached at exactly start_time + 4 h (src/domain/plans.ts).
  assertEquals(report.warnings.map(({ stop_at }) => stop_at), ["2026-11-26T12:00:00.000Z"]);
  assertEquals(posted[0].includes("\n"), false, posted[0]);
  assertStringIncludes(
    posted[0],
    "will be stopped at 2026-11-26 12:00 UTC: ran 4h",
  );
  assertEquals((await sweepAt("2026-11-26T12:00:00Z")).actions.map(({ outcome }) => outcome), [
    "done",
  ]);
  assertEquals(state(A).state, "stopped");
});

Deno.test("a stop due with no warning sent is warned about now and made WARN_BEFORE later", async () => {
  const { sweepAt, state } = await warned(
    [box(A, {}, { launchTime: "2026-11-26T00:00:00.000Z" })],
    {
      maxRuntimeMs: 3_600_000,
    },
  );
  const first = await sweepAt("2026-11-26T12:00:00Z");
  assertEquals(first.actions, []);
  assertEquals(first.warnings.map(({ stop_at }) => stop_at), ["2026-11-26T12:15:00.000Z"]);
  assertEquals((await sweepAt("2026-11-26T12:10:00Z")).actions, []);
  assertEquals(state(A).state, "running");
  assertEquals((await sweepAt("2026-11-26T12:15:00Z")).actions.length, 1);
  assertEquals(state(A).state, "stopped");
});

Deno.test("a warning the webhook refused writes no tag and stops nothing; the next run warns again", async () => {
  const { sweepAt, state, posted } = await warned([
    box(A, { "workwork:schedule": "daily 08:00-19:00 UTC" }),
  ], { webhookStatus: 500 });
  const report = await sweepAt("2026-11-26T19:05:00Z");
  assertEquals(report.warnings.map(({ outcome, error }) => [outcome, error]), [
    ["failed", "The webhook did not accept the warning; the stop waits for one"],
  ]);
  assertEquals(state(A).tags["workwork:warned"], undefined);
  assertEquals(state(A).state, "running");
  await sweepAt("2026-11-26T19:10:00Z");
  assertEquals(posted.length, 2);
  assertEquals(state(A).state, "running");
});

Deno.test("a dry run reports the warning as `would`, sends nothing and writes no tag", async () => {
  const { app, clock, posted, state } = await warned([
    box(A, { "workwork:schedule": "daily 08:00-19:00 UTC" }),
  ]);
  clock.now = Date.parse("2026-11-26T18:50:00Z");
  const response = await app.request("/sweep?dry_run=true", { method: "POST", headers: KEYED });
  const report: SweepReport = await response.json();
  assertEquals(report.warnings.map(({ outcome }) => outcome), ["would"]);
  assertEquals([posted, state(A).tags["workwork:warned"]], [[], undefined]);
});

Deno.test("the sweep stays within the subrequest budget and defers the rest with a report line", async () => {
  const many = Array.from(
    { length: 8 },
    (_, i) =>
      box(`i-0bbbbbbbbbbbbbbb${i}`, {
        "workwork:max_runtime": "1h",
        start_time: "2026-11-26T00:00:00Z",
      }),
  );
  const service = await testService({
    instances: [...many, { ...box(B, {}), region: "eu-central-1" }],
    transitionMs: 0,
    sweep: { regions: [REGION, "eu-central-1"], maxRuntimeMs: null },
  });
  service.clock.now = Date.parse("2026-11-26T12:00:00Z");
  const response = await service.app.request("/sweep", { method: "POST", headers: KEYED });
  const report: SweepReport = await response.json();
  const outcomes = report.actions.map(({ outcome }) => outcome);
  assertEquals(outcomes.filter((o) => o === "done").length, 4);
  assertEquals(outcomes.filter((o) => o === "deferred").length, 4);
  // Every call counted at its worst (3 attempts): within Workers' 50.
  const attempts = service.simulator.calls.length;
  assert(attempts <= SWEEP_SUBREQUEST_BUDGET, `${attempts} calls`);
  // 2 listings (6) + 4 changes (40) leave 4: the next region's first listing (3), not its second.
  assertEquals(report.problems.map(({ region, title }) => [region, title]), [[
    "eu-central-1",
    "Listing cut short: this run's subrequest budget is spent; the next run goes on",
  ]]);
});

Deno.test("upcomingStop finds the first minute of the stop within the warning span, or none", () => {
  const now = Date.parse("2026-11-26T18:46:30Z");
  const closes = Date.parse("2026-11-26T19:00:00Z");
  assertEquals(upcomingStop(now, 15 * MINUTE, (t) => t >= closes), closes);
  assertEquals(upcomingStop(now, 10 * MINUTE, (t) => t >= closes), null);
  let looks = 0;
  upcomingStop(now, 24 * 60 * MINUTE, (t) => (looks++, t >= closes));
  assert(looks <= 13, `${looks} looks`);
});
