import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import type { SimulatedInstanceSeed } from "../../src/simulator/ec2.ts";
import type { SweepReport } from "../../src/domain/sweep.ts";
import { parseIdleRule } from "../../src/domain/idle.ts";
import { KEYED, REGION, testService } from "../_helpers.ts";

const A = "i-0aaaaaaaaaaaaaaa1";
const B = "i-0aaaaaaaaaaaaaaa2";
const C = "i-0aaaaaaaaaaaaaaa3";
const D = "i-0aaaaaaaaaaaaaaa4";
const NOW = "2026-11-26T12:00:00.000Z";
const HOURS_AGO = (hours: number) => new Date(Date.parse(NOW) - hours * 3_600_000).toISOString();

function box(id: string, tags: Record<string, string>, extra: Partial<SimulatedInstanceSeed> = {}) {
  return {
    id,
    region: REGION,
    state: "running" as const,
    tags,
    launchTime: HOURS_AGO(3),
    ...extra,
  };
}

async function service(
  instances: SimulatedInstanceSeed[],
  options: { idleStop?: string; cpu?: Record<string, number> } = {},
) {
  const built = await testService({
    instances,
    transitionMs: 0,
    cloudwatch: true,
    sweep: {
      regions: [REGION],
      maxRuntimeMs: null,
      idleRule: options.idleStop ? parseIdleRule(options.idleStop) : null,
    },
  });
  for (const [id, cpu] of Object.entries(options.cpu ?? {})) {
    built.cloudwatchSimulator!.setCpu(id, cpu);
  }
  built.clock.now = Date.parse(NOW);
  const sweep = async (query = "") => {
    const response = await built.app.request(`/sweep${query}`, { method: "POST", headers: KEYED });
    assertEquals(response.status, 200);
    return await response.json() as SweepReport;
  };
  return { ...built, sweep, state: (id: string) => built.simulator.instance(REGION, id)! };
}

Deno.test("the sweep stops a box idle over its workwork:idle_stop window, with the verdict as its reason", async () => {
  const { sweep, state, audits, cloudwatchSimulator } = await service([
    box(A, { "workwork:idle_stop": "45m" }),
    box(B, { "workwork:idle_stop": "45m" }),
    box(C, { "workwork:idle_stop": "45m cpu<10%" }),
    box(D, {}),
  ], { cpu: { [A]: 2.1, [B]: 37.5, [C]: 9.99, [D]: 1 } });
  const report = await sweep();
  assertEquals(
    report.actions.map(({ instance_id, reason, outcome }) => [instance_id, reason, outcome]),
    [
      [A, "idle 45 min: CPU max 2.1% < 5%, no heartbeat", "done"],
      [C, "idle 45 min: CPU max 9.99% < 10%, no heartbeat", "done"],
    ],
  );
  assertEquals([state(A).state, state(B).state, state(C).state, state(D).state], [
    "stopped",
    "running",
    "stopped",
    "running",
  ]);
  // One GetMetricData for the region, every instance with a rule in it; none without a rule.
  assertEquals(cloudwatchSimulator!.calls.map(({ action, queries }) => [action, queries]), [
    ["GetMetricData", 3],
  ]);
  assertEquals(audits.map(({ event, instance_id, reason }) => [event, instance_id, reason]), [
    ["sweep", A, "idle 45 min: CPU max 2.1% < 5%, no heartbeat"],
    ["sweep", C, "idle 45 min: CPU max 9.99% < 10%, no heartbeat"],
  ]);
});

Deno.test("a heartbeat in the window, or a box started too recently, keeps it running", async () => {
  const { sweep, state } = await service([
    // Heartbeat 20 min ago: inside the 45 min window.
    box(A, { "workwork:idle_stop": "45m", "workwork:last_active": HOURS_AGO(1 / 3) }),
    // Running 30 min: the window reaches back further.
    box(B, { "workwork:idle_stop": "45m" }, { launchTime: HOURS_AGO(0.5) }),
    // An old heartbeat counts for nothing.
    box(C, { "workwork:idle_stop": "45m", "workwork:last_active": HOURS_AGO(2) }),
  ], { cpu: { [A]: 1, [B]: 1, [C]: 1 } });
  const report = await sweep();
  assertEquals(report.actions.map(({ instance_id, reason }) => [instance_id, reason]), [
    [C, `idle 45 min: CPU max 1% < 5%, last heartbeat ${HOURS_AGO(2)}`],
  ]);
  assertEquals([state(A).state, state(B).state], ["running", "running"]);
});

Deno.test("IDLE_STOP is the default, `off` opts one instance out, a bad tag is reported for its instance", async () => {
  const { sweep, state } = await service([
    box(A, {}),
    box(B, { "workwork:idle_stop": "off" }),
    box(C, { "workwork:idle_stop": "47m" }),
  ], { idleStop: "30m", cpu: { [A]: 0.5, [B]: 0.5, [C]: 0.5 } });
  const report = await sweep();
  assertEquals(report.actions.map(({ instance_id }) => instance_id), [A]);
  assertEquals(state(B).state, "running");
  assertEquals(report.problems.length, 1);
  assertEquals(report.problems[0].instance_id, C);
  assertStringIncludes(
    report.problems[0].title,
    'workwork:idle_stop: Cannot parse idle rule "47m"',
  );
});

Deno.test("a dry run reports the idle stop as `would` and changes nothing; a hold keeps an idle box", async () => {
  const { sweep, state, simulator } = await service([
    box(A, { "workwork:idle_stop": "45m" }),
    box(B, { "workwork:idle_stop": "45m", "workwork:hold_until": "2026-11-26T13:00:00Z" }),
  ], { cpu: { [A]: 1, [B]: 1 } });
  const report = await sweep("?dry_run=true");
  assertEquals(report.actions.map(({ instance_id, outcome }) => [instance_id, outcome]), [[
    A,
    "would",
  ]]);
  assertEquals(state(A).state, "running");
  assertEquals(simulator.calls.filter(({ action }) => action !== "DescribeInstances"), []);
});

Deno.test("CloudWatch failing is reported and stops nothing: missing data is never idle", async () => {
  const { sweep, state, cloudwatchSimulator } = await service([
    box(A, { "workwork:idle_stop": "45m" }),
  ], { cpu: { [A]: 1 } });
  cloudwatchSimulator!.failNext({ code: "AccessDenied", status: 403 });
  const report = await sweep();
  assertEquals(report.actions, []);
  assertEquals(state(A).state, "running");
  assertEquals(report.problems.map(({ title }) => title), [
    "Cannot read CPU from CloudWatch (CloudWatch says: AccessDenied): no idle stops here",
  ]);
  // Throttling is retried within the call.
  cloudwatchSimulator!.failNext({ code: "Throttling", status: 400 });
  const again = await sweep();
  assertEquals(again.actions.map(({ instance_id }) => instance_id), [A]);
});

Deno.test("the sweep lists running instances and only the stopped ones a schedule may start", async () => {
  const { sweep, simulator } = await service([
    box(A, {}),
    box(B, {}, { state: "stopped" }),
    box(C, { "workwork:schedule": "daily 08:00-19:00 UTC autostart" }, { state: "stopped" }),
  ]);
  await sweep("?dry_run=true");
  const filters = simulator.calls.map(({ params }) =>
    Object.entries(params).filter(([name]) => name.startsWith("Filter.")).map(([, v]) => v).join(
      " ",
    )
  );
  assertEquals(filters, [
    "instance-state-name running",
    "instance-state-name stopped tag-key workwork:schedule",
  ]);
  assert(simulator.calls.every(({ action }) => action === "DescribeInstances"));
});
