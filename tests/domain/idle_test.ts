import { assert, assertEquals, assertThrows } from "@std/assert";
import {
  type CpuPoint,
  DEFAULT_IDLE_THRESHOLD_PERCENT,
  formatDuration,
  IDLE_STOP_TAG,
  type IdleRule,
  idleRuleFor,
  idleVerdict,
  idleWindow,
  METRIC_PERIOD_MS,
  parseIdleRule,
} from "../../src/domain/idle.ts";

const MINUTE = 60_000;
/** 12:03 UTC: the window of a 45-minute rule is 11:05–11:50 (points 10 min late at most). */
const NOW = Date.parse("2026-11-26T12:03:00.000Z");
const RULE_45M: IdleRule = { windowMs: 45 * MINUTE, thresholdPercent: 5 };
const BOOTED = Date.parse("2026-11-26T09:00:00.000Z");

/** One point per period of the window, with `values` in order (the last repeats). */
function points(rule: IdleRule, values: number[], now = NOW): CpuPoint[] {
  const { start, end } = idleWindow(rule, now);
  const out: CpuPoint[] = [];
  for (let t = start, i = 0; t < end; t += METRIC_PERIOD_MS, i++) {
    out.push({ timestamp: t, value: values[Math.min(i, values.length - 1)] });
  }
  return out;
}

Deno.test("rules name a duration and optionally a CPU threshold", () => {
  assertEquals(parseIdleRule("45m"), { windowMs: 45 * MINUTE, thresholdPercent: 5 });
  assertEquals(parseIdleRule("2h"), { windowMs: 120 * MINUTE, thresholdPercent: 5 });
  assertEquals(parseIdleRule("1h30m"), { windowMs: 90 * MINUTE, thresholdPercent: 5 });
  assertEquals(parseIdleRule("45m cpu<10%"), { windowMs: 45 * MINUTE, thresholdPercent: 10 });
  assertEquals(parseIdleRule("  2H   CPU<2.5%  "), {
    windowMs: 120 * MINUTE,
    thresholdPercent: 2.5,
  });
  assertEquals(parseIdleRule("off"), null);
  assertEquals(parseIdleRule("OFF"), null);
  assertEquals(DEFAULT_IDLE_THRESHOLD_PERCENT, 5);
});

Deno.test("bad rules are refused with the value named", () => {
  const cases: [string, string][] = [
    ["", 'Cannot parse idle rule "": expected a duration'],
    ["45", '"45" needs a unit'],
    ["45 m", '"45" needs a unit'],
    ["45m m", '"m" is not a threshold'],
    ["45s", '"45s" is not a duration'],
    ["m45", '"m45" is not a duration'],
    ["30m1h", '"30m1h" is not a duration'],
    ["1h1h", '"1h1h" is not a duration'],
    ["45m cpu>10%", '"cpu>10%" is not a threshold'],
    ["45m cpu<10", '"cpu<10" is not a threshold'],
    ["45m cpu<1.2.3%", '"cpu<1.2.3%" is not a threshold'],
    ["45m cpu<%", '"cpu<%" is not a threshold'],
    ["45m cpu<10% now", "expected a duration and an optional threshold"],
  ];
  for (const [value, message] of cases) {
    const error = assertThrows(() => parseIdleRule(value), SyntaxError);
    assert(error.message.includes(message), `${value}: ${error.message}`);
    assert(error.message.includes(`"${value}"`), `${value}: ${error.message}`);
  }
});

Deno.test("rules out of bounds are refused with the bounds", () => {
  assertThrows(() => parseIdleRule("5m"), RangeError, "from 10 min to 168 h");
  assertThrows(() => parseIdleRule("169h"), RangeError, "from 10 min to 168 h");
  assertThrows(() => parseIdleRule("47m"), RangeError, "a multiple of 5 minutes");
  assertThrows(() => parseIdleRule("45m cpu<0%"), RangeError, "above 0% and at most 100%");
  assertThrows(() => parseIdleRule("45m cpu<100.5%"), RangeError, "above 0% and at most 100%");
  assertThrows(() => parseIdleRule("9999999m"), RangeError, '"9999999m" is too long');
  assertThrows(() => parseIdleRule(`45m${" ".repeat(100)}`), SyntaxError, "longer than 64");
});

Deno.test("hostile rule text is read in linear time", () => {
  // A backtracking pattern would take seconds on these; the check is that they end at all.
  for (const value of ["1".repeat(64), "1h".repeat(32), `45m cpu<${"9".repeat(55)}%`]) {
    assertThrows(() => parseIdleRule(value));
  }
});

Deno.test("the tag wins over the default, and off turns the default off", () => {
  const fallback = parseIdleRule("2h");
  assertEquals(idleRuleFor({}, fallback), fallback);
  assertEquals(idleRuleFor({ [IDLE_STOP_TAG]: "45m" }, fallback), RULE_45M);
  assertEquals(idleRuleFor({ [IDLE_STOP_TAG]: "off" }, fallback), null);
  assertEquals(idleRuleFor({}, null), null);
  assertThrows(() => idleRuleFor({ [IDLE_STOP_TAG]: "soon" }, fallback), SyntaxError, '"soon"');
});

Deno.test("the window ends on a period boundary at least 10 minutes ago", () => {
  assertEquals(idleWindow(RULE_45M, NOW), {
    start: Date.parse("2026-11-26T11:05:00Z"),
    end: Date.parse("2026-11-26T11:50:00Z"),
  });
  assertEquals(
    idleWindow(RULE_45M, Date.parse("2026-11-26T12:00:00Z")).end,
    Date.parse("2026-11-26T11:50:00Z"),
  );
  assertEquals(
    idleWindow(RULE_45M, Date.parse("2026-11-26T11:59:59Z")).end,
    Date.parse("2026-11-26T11:45:00Z"),
  );
});

Deno.test("a box under the threshold for the whole window with no heartbeat is idle", () => {
  const verdict = idleVerdict({
    rule: RULE_45M,
    runningSince: BOOTED,
    lastActive: undefined,
    now: NOW,
    points: points(RULE_45M, [1.2, 2.1, 0.4]),
  });
  assertEquals(verdict, { idle: true, reason: "idle 45 min: CPU max 2.1% < 5%, no heartbeat" });
});

Deno.test("one period at or over the threshold keeps the box", () => {
  const values = [1, 1, 1, 1, 5, 1, 1, 1, 1];
  const verdict = idleVerdict({
    rule: RULE_45M,
    runningSince: BOOTED,
    lastActive: undefined,
    now: NOW,
    points: points(RULE_45M, values),
  });
  assertEquals(verdict, { idle: false, reason: "not idle: CPU max 5% ≥ 5% in the last 45 min" });
  const custom = idleVerdict({
    rule: parseIdleRule("45m cpu<10%")!,
    runningSince: BOOTED,
    lastActive: undefined,
    now: NOW,
    points: points(RULE_45M, values),
  });
  assertEquals(custom.idle, true);
  assertEquals(custom.reason, "idle 45 min: CPU max 5% < 10%, no heartbeat");
});

Deno.test("a missing data point is never idle", () => {
  const all = points(RULE_45M, [0.5]);
  for (const gap of [0, 4, all.length - 1]) {
    const verdict = idleVerdict({
      rule: RULE_45M,
      runningSince: BOOTED,
      lastActive: undefined,
      now: NOW,
      points: all.filter((_, index) => index !== gap),
    });
    assertEquals(verdict, {
      idle: false,
      reason: "not idle: no CPU data for 1 of 9 periods of 5 min",
    });
  }
  const none = idleVerdict({
    rule: RULE_45M,
    runningSince: BOOTED,
    lastActive: undefined,
    now: NOW,
    points: [],
  });
  assertEquals(none.reason, "not idle: no CPU data for 9 of 9 periods of 5 min");
});

Deno.test("points outside the window are ignored, busy or not", () => {
  const { start, end } = idleWindow(RULE_45M, NOW);
  const verdict = idleVerdict({
    rule: RULE_45M,
    runningSince: BOOTED,
    lastActive: undefined,
    now: NOW,
    points: [
      { timestamp: start - METRIC_PERIOD_MS, value: 99 },
      ...points(RULE_45M, [1]),
      { timestamp: end, value: 88 },
    ],
  });
  assertEquals(verdict.idle, true);
  // Only points outside: every period of the window is missing.
  const outside = idleVerdict({
    rule: RULE_45M,
    runningSince: BOOTED,
    lastActive: undefined,
    now: NOW,
    points: [{ timestamp: end, value: 0 }, { timestamp: start - 1, value: 0 }],
  });
  assertEquals(outside.idle, false);
});

Deno.test("a box running for less than the window is not idle", () => {
  const { start } = idleWindow(RULE_45M, NOW);
  const verdict = idleVerdict({
    rule: RULE_45M,
    runningSince: Date.parse("2026-11-26T11:40:00Z"),
    lastActive: undefined,
    now: NOW,
    points: points(RULE_45M, [0.1]),
  });
  assertEquals(verdict, {
    idle: false,
    reason: "not idle: running 23 min, the rule needs 45 min of metrics",
  });
  // Started on the window's first boundary: the whole window is covered.
  const exact = idleVerdict({
    rule: RULE_45M,
    runningSince: start,
    lastActive: undefined,
    now: NOW,
    points: points(RULE_45M, [0.1]),
  });
  assertEquals(exact.idle, true);
  const late = idleVerdict({
    rule: RULE_45M,
    runningSince: start + 1,
    lastActive: undefined,
    now: NOW,
    points: points(RULE_45M, [0.1]),
  });
  assertEquals(late.idle, false);
  const unknown = idleVerdict({
    rule: RULE_45M,
    runningSince: null,
    lastActive: undefined,
    now: NOW,
    points: points(RULE_45M, [0.1]),
  });
  assertEquals(unknown, {
    idle: false,
    reason: "not idle: the time it started running is unknown",
  });
});

Deno.test("a heartbeat since the window began keeps the box; an older one is named", () => {
  const quiet = points(RULE_45M, [0.3]);
  const recent = idleVerdict({
    rule: RULE_45M,
    runningSince: BOOTED,
    lastActive: "2026-11-26T11:30:00.000Z",
    now: NOW,
    points: quiet,
  });
  assertEquals(recent, { idle: false, reason: "not idle: heartbeat at 2026-11-26T11:30:00.000Z" });
  // After the window's end (metrics lag behind), it still counts.
  const latest = idleVerdict({
    rule: RULE_45M,
    runningSince: BOOTED,
    lastActive: "2026-11-26T12:01:00Z",
    now: NOW,
    points: quiet,
  });
  assertEquals(latest.idle, false);
  const old = idleVerdict({
    rule: RULE_45M,
    runningSince: BOOTED,
    lastActive: "2026-11-26T10:00:00+01:00",
    now: NOW,
    points: quiet,
  });
  assertEquals(old, {
    idle: true,
    reason: "idle 45 min: CPU max 0.3% < 5%, last heartbeat 2026-11-26T09:00:00.000Z",
  });
});

Deno.test("an unreadable heartbeat keeps the box and is quoted", () => {
  const verdict = idleVerdict({
    rule: RULE_45M,
    runningSince: BOOTED,
    lastActive: "yesterday",
    now: NOW,
    points: points(RULE_45M, [0.3]),
  });
  assertEquals(verdict, {
    idle: false,
    reason: 'not idle: heartbeat "yesterday" is not an ISO time',
  });
  const long = idleVerdict({
    rule: RULE_45M,
    runningSince: BOOTED,
    lastActive: "x".repeat(300),
    now: NOW,
    points: [],
  });
  assertEquals(long.idle, false);
  assert(long.reason.length < 100, long.reason);
});

Deno.test("longer windows read in hours", () => {
  const rule = parseIdleRule("1h30m cpu<2%")!;
  const verdict = idleVerdict({
    rule,
    runningSince: BOOTED,
    lastActive: undefined,
    now: NOW,
    points: points(rule, [1.96]),
  });
  assertEquals(
    verdict.reason,
    "idle 1 h 30 min: CPU max 1.96% < 2%, no heartbeat",
  );
  assertEquals(formatDuration(2 * 60 * MINUTE), "2 h");
  assertEquals(formatDuration(45 * MINUTE), "45 min");
});
