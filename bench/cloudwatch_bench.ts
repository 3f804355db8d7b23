/**
 * `deno bench --frozen bench/cloudwatch_bench.ts`: what the idle check costs
 * per sweep: reading the CPU of 500 instances (one GetMetricData call) for a
 * 45-minute and a 2-hour rule, through the simulated CloudWatch, and the
 * verdicts. Compare within one run, not across runs.
 */
import { CloudWatchClient } from "../src/aws/cloudwatch.ts";
import { idleVerdict, idleWindow, parseIdleRule } from "../src/domain/idle.ts";
import { CloudWatchSimulator } from "../src/simulator/cloudwatch.ts";

const T0 = Date.parse("2026-11-26T12:00:00.000Z");
const DAY_MS = 86_400_000;
const IDS = Array.from({ length: 500 }, (_, n) => `i-${n.toString(16).padStart(17, "0")}`);
const simulator = new CloudWatchSimulator({
  now: () => T0,
  random: () => 0.5,
  history: () => [{ start: T0 - DAY_MS, end: null }],
});
const client = new CloudWatchClient({
  credentials: {
    accessKeyId: "AKIDEXAMPLE",
    secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
  },
  fetch: simulator.fetch,
  now: () => new Date(T0),
});

for (const text of ["45m", "2h"]) {
  const rule = parseIdleRule(text)!;
  const window = idleWindow(rule, T0);
  Deno.bench(`500 instances, rule ${text}: GetMetricData through the simulator and 500 verdicts`, {
    group: "idle check",
    baseline: text === "45m",
  }, async () => {
    const series = await client.cpuMaxima("us-west-2", IDS, {
      startTime: window.start,
      endTime: window.end,
    });
    for (const { points } of series.values()) {
      idleVerdict({ rule, runningSince: T0 - DAY_MS, lastActive: undefined, now: T0, points });
    }
  });
}
