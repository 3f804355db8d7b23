/**
 * The cost of an answer's `next`: one instance's view with and without it,
 * for each kind of rule, and a page of 1000 instances sharing one schedule
 * through one region planner; the sweep's own decision, which asks only
 * about now, next to the window check it made before. Ratios side by side; run with
 * `deno bench --frozen bench/next_action_bench.ts`.
 */
import type { Instance } from "../src/aws/ec2_types.ts";
import { instanceView } from "../src/domain/instances.ts";
import { nextAction, planNow, regionPlanner } from "../src/domain/plans.ts";
import { isInsideWindow, parseSchedule } from "../src/domain/schedule.ts";

const BASE = {
  id: "i-0a1b2c3d4e5f60718",
  type: "t3.micro",
  launchTime: "2026-12-01T06:00:00.000Z",
  publicDnsName: null,
  publicIpAddress: null,
  privateIpAddress: null,
  availabilityZone: null,
};
const NOW = new Date("2026-12-01T09:00:00.000Z");
const SETTINGS = { regions: ["us-west-2"], maxRuntimeMs: 4 * 3_600_000 };
const CASES: Record<string, Instance> = {
  "no rule tag": { ...BASE, state: "running", tags: { start_time: "2026-12-01T08:00:00.000Z" } },
  "max runtime": {
    ...BASE,
    state: "running",
    tags: { start_time: "2026-12-01T08:00:00.000Z", "workwork:max_runtime": "4h" },
  },
  "schedule": {
    ...BASE,
    state: "running",
    tags: { "workwork:schedule": "Mon-Fri 08:00-19:00 Europe/Berlin" },
  },
};

for (const [name, instance] of Object.entries(CASES)) {
  Deno.bench(`view without next, ${name}`, { group: name, baseline: true }, () => {
    instanceView(instance, NOW);
  });
  Deno.bench(`view with next, ${name}`, { group: name }, () => {
    instanceView(instance, NOW, (box, now) => nextAction(box, now, SETTINGS));
  });
}

const FLEET = Array.from({ length: 1000 }, (_, i) => ({
  ...CASES.schedule,
  id: `i-${String(i).padStart(17, "0")}`,
}));
Deno.bench("1000 views sharing one schedule, one region planner", { group: "page" }, () => {
  const planner = regionPlanner(SETTINGS, "us-west-2");
  for (const instance of FLEET) instanceView(instance, NOW, planner);
});

const BERLIN = parseSchedule("Mon-Fri 08:00-19:00 Europe/Berlin");
Deno.bench("the sweep before: isInsideWindow", { group: "sweep", baseline: true }, () => {
  isInsideWindow(BERLIN, NOW);
});
Deno.bench("the sweep now: planNow, a schedule inside its window", { group: "sweep" }, () => {
  planNow(CASES.schedule, NOW, SETTINGS);
});
