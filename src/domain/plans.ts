/**
 * The sweep's rules as pure functions of an instance and a time: what the
 * sweep does to an instance now ({@linkcode planNow}) and what it will do
 * next, when, and why ({@linkcode nextAction}). Both ask the same planners
 * the same question, "from when is your rule due?", so an answer's `next`
 * and the sweep cannot disagree: the sweep acts exactly when `next.at` has
 * come.
 *
 * A planner is one rule (schedule window, max runtime; an idle rule joins
 * {@linkcode PLANNERS} the same way, closing over the metrics it read). They
 * are asked in order; the first whose tag cannot be read, or that is due,
 * decides.
 *
 * @module
 */
import type { Instance } from "../aws/ec2_types.ts";
import { HOLD_UNTIL_TAG } from "./holds.ts";
import { parseStartTime, START_TIME_TAG } from "./instances.ts";
import {
  formatDuration,
  isInsideWindow,
  parseDuration,
  parseSchedule,
  type Schedule,
  windowsFrom,
} from "./schedule.ts";
import { parseIsoTime } from "./times.ts";

/** Stop the instance once it has run this long (`90m`, `4h`, `2d`). */
export const MAX_RUNTIME_TAG = "workwork:max_runtime";
/** Stop the instance outside these office hours (`Mon-Fri 08:00-19:00 Europe/Berlin`). */
export const SCHEDULE_TAG = "workwork:schedule";
/**
 * An `autostart` instance is started only in this span after its window
 * opens, so one stopped by hand later in the day stays stopped. Longer than
 * the cron interval (5 minutes), so one missed run does not skip a morning.
 */
export const AUTOSTART_GRACE_MS = 15 * 60_000;
/** The state a transitional one settles into within seconds, for the forecast. */
const SETTLES_INTO: Readonly<Record<string, string>> = { pending: "running", stopping: "stopped" };
/** How far ahead a schedule is searched for its next opening or closing: a week and a day. */
const LOOKAHEAD_DAYS = 8;

/** What the rules need besides the instance. */
export interface PlanSettings {
  /** `MAX_RUNTIME`: stop any running instance after this long; null for none. */
  maxRuntimeMs: number | null;
}

/** The rule a plan comes from: `schedule`, `max_runtime`, `hold`, or a later one's name (`idle`). */
export type PlanRule = string;

/** From when one rule is due, and what it then does. */
export type Due =
  | {
    action: "start" | "stop";
    /** The first instant (ms) at or after the time asked about at which the rule is due. */
    at: number;
    /** What the sweep's report says when it acts at `at`. */
    reason: string;
    rule: PlanRule;
  }
  | { problem: string; rule: PlanRule }
  | null;

/** One rule of the sweep. */
export interface Planner {
  rule: PlanRule;
  /**
   * When, at or after `from`, the rule is due for `instance` as it is now
   * (its state and tags unchanged); null when never, or not by `horizon`
   * (ms; default: no limit), which lets the sweep, asking only about now,
   * skip the search ahead; a problem when its tag cannot be read. Pure: no
   * clock, no I/O.
   */
  due(instance: Instance, from: Date, settings: PlanSettings, horizon?: number): Due;
}

/** What the sweep does to one instance now, or why it cannot tell. */
export type Plan = { action: "start" | "stop"; reason: string } | { problem: string } | null;

/** What the sweep will do to an instance next, as the read and list answers carry it. */
export interface NextAction {
  /** Null when a tag cannot be read: the sweep then leaves the instance alone, `reason` says why. */
  action: "start" | "stop" | null;
  /** From when the sweep acts (UTC ISO 8601): its first run at or after this; null with `action`. */
  at: string | null;
  /** The rule: `schedule`, `max_runtime`, `hold` (an unreadable hold), later `idle`. */
  rule: PlanRule;
  reason: string;
}

/** The schedule window: stop outside it; start an `autostart` instance as it opens. */
export const SCHEDULE_PLANNER: Planner = {
  rule: "schedule",
  due(instance, from, _settings, horizon = Infinity) {
    const text = instance.tags[SCHEDULE_TAG];
    if (!text) return null;
    let schedule: Schedule;
    try {
      schedule = parseSchedule(text);
    } catch (error) {
      return { problem: `${SCHEDULE_TAG}: ${(error as Error).message}`, rule: "schedule" };
    }
    if (instance.state === "running") {
      const outside = (t: number) => !isInsideWindow(schedule, new Date(t));
      const at = firstWhen(schedule, from, outside, { grace: false, horizon });
      return at === null
        ? null
        : { action: "stop", at, reason: `outside its schedule "${text}"`, rule: "schedule" };
    }
    if (instance.state === "stopped" && schedule.autostart) {
      const at = firstWhen(schedule, from, (t) => opensAt(schedule, t), { grace: true, horizon });
      return at === null
        ? null
        : { action: "start", at, reason: `its schedule "${text}" opened`, rule: "schedule" };
    }
    return null;
  },
};

/** The max runtime: `workwork:max_runtime`, else `MAX_RUNTIME`, counted from `start_time`. */
export const RUNTIME_PLANNER: Planner = {
  rule: "max_runtime",
  due(instance, from, settings) {
    if (instance.state !== "running") return null;
    const tag = instance.tags[MAX_RUNTIME_TAG];
    const maxRuntimeMs = tag ? parseDuration(tag) : settings.maxRuntimeMs;
    if (tag && maxRuntimeMs === null) {
      return {
        problem: `${MAX_RUNTIME_TAG} "${tag}" is not a duration such as 90m, 4h or 2d`,
        rule: "max_runtime",
      };
    }
    if (maxRuntimeMs === null) return null;
    const started = parseStartTime(instance.tags[START_TIME_TAG]) ??
      (instance.launchTime ? Date.parse(instance.launchTime) : NaN);
    if (Number.isNaN(started)) return null;
    const at = Math.max(started + maxRuntimeMs, from.getTime());
    const limit = tag
      ? `its ${MAX_RUNTIME_TAG} of ${tag}`
      : `MAX_RUNTIME of ${formatDuration(maxRuntimeMs)}`;
    return {
      action: "stop",
      at,
      reason: `ran ${formatDuration(at - started)}, over ${limit}`,
      rule: "max_runtime",
    };
  },
};

/** The rules, in the order they are asked. */
export const PLANNERS: readonly Planner[] = [SCHEDULE_PLANNER, RUNTIME_PLANNER];

/**
 * What the sweep does to `instance` at `now`: nothing while a hold is ahead
 * (a hold that cannot be read is a problem, and holds too); else the first
 * planner that has a problem or is due at `now`.
 */
export function planNow(
  instance: Instance,
  now: Date,
  settings: PlanSettings,
  planners: readonly Planner[] = PLANNERS,
): Plan {
  const hold = holdOf(instance, now);
  if (hold !== null) return "problem" in hold ? { problem: hold.problem } : null;
  for (const planner of planners) {
    const due = planner.due(instance, now, settings, now.getTime());
    if (due === null) continue;
    if ("problem" in due) return { problem: due.problem };
    if (due.at <= now.getTime()) return { action: due.action, reason: due.reason };
  }
  return null;
}

/**
 * What the sweep will do to `instance` next, seen at `now`: the earliest due
 * planner from the end of any hold, or null when no rule will act (an
 * instance in another state, no rule tag and no `MAX_RUNTIME`). A planner
 * with a problem ends the search, as in {@linkcode planNow}: the earliest due
 * of those asked before it is next, or else the problem (`action` null). `at` is
 * `now` when the sweep would act at once. A pending instance is forecast as
 * the running one it becomes, a stopping one as stopped. Only for instances
 * in a swept region: the caller knows the region.
 */
export function nextAction(
  instance: Instance,
  now: Date,
  settings: PlanSettings,
  planners: readonly Planner[] = PLANNERS,
): NextAction | null {
  const hold = holdOf(instance, now);
  if (hold !== null && "problem" in hold) {
    return { action: null, at: null, rule: "hold", reason: hold.problem };
  }
  const from = hold === null ? now : new Date(hold.until);
  // The sweep meets a pending instance running and a stopping one stopped.
  const settled = SETTLES_INTO[instance.state];
  if (settled) instance = { ...instance, state: settled };
  let first: Exclude<Due, null | { problem: string }> | null = null;
  for (const planner of planners) {
    const due = planner.due(instance, from, settings);
    if (due === null) continue;
    if ("problem" in due) {
      // A rule asked earlier acts when it is due, before the problem is met.
      if (first !== null) break;
      return {
        action: null,
        at: null,
        rule: due.rule,
        reason: `${due.problem}: the sweep leaves it alone`,
      };
    }
    if (first === null || due.at < first.at) first = due;
  }
  if (first === null) return null;
  const held = hold === null ? "" : ` (held until ${new Date(hold.until).toISOString()})`;
  return {
    action: first.action,
    at: new Date(first.at).toISOString(),
    rule: first.rule,
    reason: first.reason + held,
  };
}

/** An active hold's end, a hold that cannot be read, or null. */
function holdOf(instance: Instance, now: Date): { until: number } | { problem: string } | null {
  const hold = instance.tags[HOLD_UNTIL_TAG];
  if (!hold) return null;
  const until = parseIsoTime(hold);
  // A hold that cannot be read is still someone's wish to be left alone.
  if (until === null) {
    return {
      problem: `${HOLD_UNTIL_TAG} "${hold}" is not an ISO 8601 time: the instance is left alone`,
    };
  }
  return until > now.getTime() ? { until } : null;
}

/** Whether the sweep starts an `autostart` instance at `t`: inside, and not yet inside a grace ago. */
function opensAt(schedule: Schedule, t: number): boolean {
  return isInsideWindow(schedule, new Date(t)) &&
    !isInsideWindow(schedule, new Date(t - AUTOSTART_GRACE_MS));
}

/**
 * The first instant at or after `from` at which `holds` is true, looking a
 * week and a day ahead (or only at `from` when `horizon` is no later); null
 * when never. `holds` only changes at a window's
 * edges (and, with `grace`, an autostart grace after a close), so those and
 * `from` are the only candidates. Windows come in order, one a day, so a
 * candidate before a window's opening is tried before the next window is
 * computed: a daily schedule costs one or two windows.
 */
function firstWhen(
  schedule: Schedule,
  from: Date,
  holds: (t: number) => boolean,
  { grace, horizon }: { grace: boolean; horizon: number },
): number | null {
  const start = from.getTime();
  if (holds(start)) return start;
  if (horizon <= start) return null;
  let pending: number[] = [];
  const tryBefore = (limit: number): number | null => {
    pending.sort((a, b) => a - b);
    while (pending.length > 0 && pending[0] < limit) {
      const t = pending.shift()!;
      if (t > start && holds(t)) return t;
    }
    return null;
  };
  for (const [opens, closes] of windowsFrom(schedule, from, LOOKAHEAD_DAYS)) {
    const found = tryBefore(opens);
    if (found !== null) return found;
    pending = [...pending, opens, closes, ...(grace ? [closes + AUTOSTART_GRACE_MS] : [])];
  }
  return tryBefore(Infinity);
}

/**
 * The `next` of a region's answers: {@linkcode nextAction} when the sweep
 * visits `region` (`SWEEP_REGIONS`), else nothing, since no rule acts there.
 * One planner serves one answer: it remembers each schedule's forecast by
 * text, state and time, so a fleet sharing office hours pays the time-zone
 * arithmetic once (about 0.2 ms), not once an instance.
 */
export function regionPlanner(
  settings: (PlanSettings & { regions: readonly string[] }) | undefined,
  region: string,
): ((instance: Instance, now: Date) => NextAction | null) | undefined {
  if (!settings || !settings.regions.includes(region)) return undefined;
  const forecasts = new Map<string, Due>();
  const schedule: Planner = {
    rule: SCHEDULE_PLANNER.rule,
    due(instance, from, planSettings, horizon) {
      if (horizon !== undefined) return SCHEDULE_PLANNER.due(instance, from, planSettings, horizon);
      const key = `${instance.state}\n${from.getTime()}\n${instance.tags[SCHEDULE_TAG] ?? ""}`;
      let due = forecasts.get(key);
      if (due === undefined) {
        due = SCHEDULE_PLANNER.due(instance, from, planSettings);
        forecasts.set(key, due);
      }
      return due;
    },
  };
  const planners = PLANNERS.map((planner) => planner === SCHEDULE_PLANNER ? schedule : planner);
  return (instance, now) => nextAction(instance, now, settings, planners);
}
