import { assertEquals } from "@std/assert";
import type { Instance } from "../../src/aws/ec2_types.ts";
import { nextAction, planNow, type PlanSettings } from "../../src/domain/plans.ts";

const BERLIN = "Mon-Fri 08:00-19:00 Europe/Berlin";
const SETTINGS: PlanSettings = { maxRuntimeMs: null };

function instance(state: string, tags: Record<string, string>): Instance {
  return {
    id: "i-0a1b2c3d4e5f60718",
    state,
    type: "t3.micro",
    launchTime: "2026-12-01T06:00:00.000Z",
    publicDnsName: null,
    publicIpAddress: null,
    privateIpAddress: null,
    availabilityZone: null,
    tags,
  };
}

/** Tuesday 1 December 2026, 10:00 in Berlin (UTC+1). */
const TUESDAY_10 = new Date("2026-12-01T09:00:00.000Z");

Deno.test("next: a max runtime stops at start_time plus the limit, with the sweep's own reason", () => {
  const box = instance("running", {
    start_time: "2026-12-01T08:30:00.000Z",
    "workwork:max_runtime": "90m",
  });
  assertEquals(nextAction(box, TUESDAY_10, SETTINGS), {
    action: "stop",
    at: "2026-12-01T10:00:00.000Z",
    rule: "max_runtime",
    reason: "ran 1h 30m, over its workwork:max_runtime of 90m",
  });
  // MAX_RUNTIME applies without the tag, from the launch time without start_time.
  assertEquals(nextAction(instance("running", {}), TUESDAY_10, { maxRuntimeMs: 4 * 3_600_000 }), {
    action: "stop",
    at: "2026-12-01T10:00:00.000Z",
    rule: "max_runtime",
    reason: "ran 4h, over MAX_RUNTIME of 4h",
  });
  assertEquals(
    nextAction(instance("stopped", { "workwork:max_runtime": "90m" }), TUESDAY_10, SETTINGS),
    null,
  );
  assertEquals(nextAction(instance("running", {}), TUESDAY_10, SETTINGS), null);
});

Deno.test("next: a schedule stops at the window's close, or at once outside it", () => {
  assertEquals(
    nextAction(instance("running", { "workwork:schedule": BERLIN }), TUESDAY_10, SETTINGS),
    {
      action: "stop",
      at: "2026-12-01T18:00:00.000Z",
      rule: "schedule",
      reason: `outside its schedule "${BERLIN}"`,
    },
  );
  const saturday = new Date("2026-12-05T12:00:00.000Z");
  assertEquals(
    nextAction(instance("running", { "workwork:schedule": BERLIN }), saturday, SETTINGS)?.at,
    saturday.toISOString(),
  );
});

Deno.test("next: the earlier of schedule and max runtime wins", () => {
  const box = instance("running", {
    start_time: "2026-12-01T08:00:00.000Z",
    "workwork:schedule": BERLIN,
    "workwork:max_runtime": "4h",
  });
  assertEquals(nextAction(box, TUESDAY_10, SETTINGS)?.at, "2026-12-01T12:00:00.000Z");
  assertEquals(nextAction(box, TUESDAY_10, SETTINGS)?.rule, "max_runtime");
  const long = { ...box, tags: { ...box.tags, "workwork:max_runtime": "2d" } };
  assertEquals(nextAction(long, TUESDAY_10, SETTINGS)?.rule, "schedule");
});

Deno.test("next: autostart starts as the next window opens, over a weekend", () => {
  const friday = new Date("2026-12-04T20:00:00.000Z");
  const box = instance("stopped", { "workwork:schedule": `${BERLIN} autostart` });
  assertEquals(nextAction(box, friday, SETTINGS), {
    action: "start",
    at: "2026-12-07T07:00:00.000Z",
    rule: "schedule",
    reason: `its schedule "${BERLIN} autostart" opened`,
  });
  // Inside the window past the grace: the next morning, not now.
  assertEquals(nextAction(box, TUESDAY_10, SETTINGS)?.at, "2026-12-02T07:00:00.000Z");
  // Without autostart a stopped instance has nothing planned.
  assertEquals(
    nextAction(instance("stopped", { "workwork:schedule": BERLIN }), friday, SETTINGS),
    null,
  );
});

Deno.test("next: a hold postpones the plan to its end, and says so", () => {
  const box = instance("running", {
    start_time: "2026-12-01T06:00:00.000Z",
    "workwork:max_runtime": "1h",
    "workwork:hold_until": "2026-12-01T11:00:00.000Z",
  });
  assertEquals(nextAction(box, TUESDAY_10, SETTINGS), {
    action: "stop",
    at: "2026-12-01T11:00:00.000Z",
    rule: "max_runtime",
    reason: "ran 5h, over its workwork:max_runtime of 1h (held until 2026-12-01T11:00:00.000Z)",
  });
  assertEquals(planNow(box, TUESDAY_10, SETTINGS), null);
  const scheduled = instance("running", {
    "workwork:schedule": BERLIN,
    "workwork:hold_until": "2026-12-01T20:00:00.000Z",
  });
  // Held past the close: stopped when the hold ends, outside the window.
  assertEquals(nextAction(scheduled, TUESDAY_10, SETTINGS)?.at, "2026-12-01T20:00:00.000Z");
});

Deno.test("next: a tag that cannot be read says the sweep leaves the instance alone", () => {
  assertEquals(
    nextAction(instance("running", { "workwork:hold_until": "tomorrow" }), TUESDAY_10, SETTINGS),
    {
      action: null,
      at: null,
      rule: "hold",
      reason: 'workwork:hold_until "tomorrow" is not an ISO 8601 time: the instance is left alone',
    },
  );
  const badRuntime = instance("running", { "workwork:max_runtime": "soon" });
  assertEquals(nextAction(badRuntime, TUESDAY_10, SETTINGS)?.action, null);
  assertEquals(nextAction(badRuntime, TUESDAY_10, SETTINGS)?.rule, "max_runtime");
  // A schedule asked first still acts at its close, before the bad tag is met.
  const both = { ...badRuntime, tags: { ...badRuntime.tags, "workwork:schedule": BERLIN } };
  assertEquals(nextAction(both, TUESDAY_10, SETTINGS)?.at, "2026-12-01T18:00:00.000Z");
  assertEquals(planNow(both, TUESDAY_10, SETTINGS), {
    problem: 'workwork:max_runtime "soon" is not a duration such as 90m, 4h or 2d',
  });
  assertEquals(planNow(both, new Date("2026-12-01T18:00:00.000Z"), SETTINGS), {
    action: "stop",
    reason: `outside its schedule "${BERLIN}"`,
  });
});

Deno.test("the sweep acts exactly when next.at has come, never before", () => {
  const boxes = [
    instance("running", { start_time: "2026-12-01T08:30:00.000Z", "workwork:max_runtime": "90m" }),
    instance("running", { "workwork:schedule": BERLIN }),
    instance("stopped", { "workwork:schedule": `${BERLIN} autostart` }),
    instance("running", {
      "workwork:schedule": "daily 22:00-02:00 America/New_York",
      "workwork:hold_until": "2026-12-02T01:00:00.000Z",
    }),
  ];
  // Every 5 minutes over three days, as the cron would.
  for (const box of boxes) {
    for (let t = TUESDAY_10.getTime(); t < TUESDAY_10.getTime() + 3 * 86_400_000; t += 300_000) {
      const now = new Date(t);
      const next = nextAction(box, now, SETTINGS);
      const plan = planNow(box, now, SETTINGS);
      const due = next !== null && next.at !== null && Date.parse(next.at) <= t;
      assertEquals(
        plan !== null && "action" in plan,
        due,
        `${JSON.stringify(box.tags)} at ${now.toISOString()}`,
      );
      if (due && plan && "action" in plan) {
        assertEquals([plan.action, plan.reason], [
          next!.action,
          next!.reason.replace(/ \(held until .*\)$/, ""),
        ]);
      }
    }
  }
});

Deno.test("next: a pending instance is forecast as the running one it becomes; the sweep waits for it", () => {
  const box = instance("pending", {
    start_time: "2026-12-01T09:00:00.000Z",
    "workwork:max_runtime": "2h",
  });
  assertEquals(nextAction(box, TUESDAY_10, SETTINGS)?.at, "2026-12-01T11:00:00.000Z");
  assertEquals(planNow(box, new Date("2026-12-01T12:00:00.000Z"), SETTINGS), null);
});
