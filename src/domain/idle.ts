/**
 * The idle rule: when a running instance counts as idle, from its CPU in
 * CloudWatch and its heartbeat tag. Pure: the caller reads the tags, the
 * launch time and the metrics, and passes the clock.
 *
 * A rule is written `45m`, `2h`, `1h30m` or with a threshold, `45m cpu<10%`
 * (the tag `workwork:idle_stop`, or `IDLE_STOP` as the default for every
 * swept instance); `off` in the tag turns the default off for one instance.
 *
 * @module
 */
import { parseIsoTime } from "./times.ts";

/** The tag that sets an instance's idle rule. */
export const IDLE_STOP_TAG = "workwork:idle_stop";
/** The tag a heartbeat writes: the ISO time the box last said it was in use. */
export const LAST_ACTIVE_TAG = "workwork:last_active";
/** The CPU threshold of a rule that names none, in percent. */
export const DEFAULT_IDLE_THRESHOLD_PERCENT = 5;
/** The period of EC2's basic metrics. */
export const METRIC_PERIOD_MS = 5 * 60_000;
/**
 * How long after a period ends its data point is taken to have arrived: EC2's
 * basic metrics come every 5 minutes, several minutes late. The window judged
 * ends at the last period boundary at least this long ago, so a point still
 * on its way never counts as a gap.
 */
export const METRIC_DELAY_MS = 10 * 60_000;
/** The shortest window a rule may name: two periods. */
export const MIN_IDLE_WINDOW_MS = 2 * METRIC_PERIOD_MS;
/** The longest window a rule may name: one week. */
export const MAX_IDLE_WINDOW_MS = 7 * 24 * 60 * 60_000;
/** Longer text is refused before it is read. */
const MAX_RULE_LENGTH = 64;
const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const THRESHOLD_PREFIX = "cpu<";

/** A parsed idle rule. */
export interface IdleRule {
  /** How long the instance must have been idle, in ms; a multiple of {@linkcode METRIC_PERIOD_MS}. */
  windowMs: number;
  /** The CPU maximum every period must stay under, in percent. */
  thresholdPercent: number;
}

/**
 * Reads a rule. `off` (any case) gives null: no idle stop. Throws a
 * `SyntaxError` naming the value when it is not a rule, a `RangeError` when
 * its numbers are out of bounds.
 */
export function parseIdleRule(value: string): IdleRule | null {
  if (value.length > MAX_RULE_LENGTH) {
    throw new SyntaxError(
      `Cannot parse idle rule: it is longer than ${MAX_RULE_LENGTH} characters`,
    );
  }
  const words = value.trim().split(/\s+/);
  if (words.length === 1 && words[0].toLowerCase() === "off") return null;
  if (words[0] === "" || words.length > 2) {
    throw new SyntaxError(
      `Cannot parse idle rule "${value}": expected a duration and an optional threshold, e.g. "45m cpu<10%"`,
    );
  }
  const windowMs = parseDuration(value, words[0]);
  const thresholdPercent = words.length === 2
    ? parseThreshold(value, words[1])
    : DEFAULT_IDLE_THRESHOLD_PERCENT;
  return { windowMs, thresholdPercent };
}

/** `45m`, `2h`, `1h30m`: hours then minutes, each at most once. */
function parseDuration(value: string, word: string): number {
  let total = 0;
  let digits = "";
  let units = "";
  for (const char of word.toLowerCase()) {
    if (char >= "0" && char <= "9") {
      digits += char;
      continue;
    }
    if ((char !== "h" && char !== "m") || digits === "" || units.includes(char) || units === "m") {
      throw new SyntaxError(
        `Cannot parse idle rule "${value}": "${word}" is not a duration such as "45m", "2h" or "1h30m"`,
      );
    }
    if (digits.length > 6) {
      throw new RangeError(`Cannot parse idle rule "${value}": "${word}" is too long`);
    }
    total += Number(digits) * (char === "h" ? HOUR_MS : MINUTE_MS);
    units += char;
    digits = "";
  }
  if (digits !== "" || units === "") {
    throw new SyntaxError(
      `Cannot parse idle rule "${value}": "${word}" needs a unit, "m" or "h"`,
    );
  }
  if (total < MIN_IDLE_WINDOW_MS || total > MAX_IDLE_WINDOW_MS) {
    throw new RangeError(
      `Cannot parse idle rule "${value}": the duration must be from ${
        formatDuration(MIN_IDLE_WINDOW_MS)
      } to ${formatDuration(MAX_IDLE_WINDOW_MS)}`,
    );
  }
  if (total % METRIC_PERIOD_MS !== 0) {
    throw new RangeError(
      `Cannot parse idle rule "${value}": the duration must be a multiple of 5 minutes, the period of EC2's metrics`,
    );
  }
  return total;
}

/** `cpu<10%`, `cpu<2.5%`. */
function parseThreshold(value: string, word: string): number {
  const lower = word.toLowerCase();
  const number = lower.startsWith(THRESHOLD_PREFIX) && lower.endsWith("%")
    ? lower.slice(THRESHOLD_PREFIX.length, -1)
    : null;
  if (number === null || !isDecimal(number)) {
    throw new SyntaxError(
      `Cannot parse idle rule "${value}": "${word}" is not a threshold such as "cpu<10%"`,
    );
  }
  const percent = Number(number);
  if (!(percent > 0 && percent <= 100)) {
    throw new RangeError(
      `Cannot parse idle rule "${value}": the threshold must be above 0% and at most 100%`,
    );
  }
  return percent;
}

/** Digits with at most one decimal point inside: `10`, `2.5`. */
function isDecimal(text: string): boolean {
  const point = text.indexOf(".");
  const whole = point === -1 ? text : text.slice(0, point);
  const fraction = point === -1 ? "0" : text.slice(point + 1);
  return whole.length > 0 && whole.length <= 3 && fraction.length > 0 && fraction.length <= 3 &&
    isDigits(whole) && isDigits(fraction);
}

function isDigits(text: string): boolean {
  for (const char of text) if (char < "0" || char > "9") return false;
  return true;
}

/**
 * The rule for one instance: its tag when it has one (`off` turns the
 * default off), the default otherwise. A bad tag throws as
 * {@linkcode parseIdleRule} does; the caller reports it for that instance.
 */
export function idleRuleFor(
  tags: Readonly<Record<string, string>>,
  defaultRule: IdleRule | null,
): IdleRule | null {
  const tag = tags[IDLE_STOP_TAG];
  return tag === undefined ? defaultRule : parseIdleRule(tag);
}

/** The span of metrics a rule judges at `now`: `[start, end)`, ms, on period boundaries. */
export interface IdleWindow {
  start: number;
  end: number;
}

/** The window {@linkcode idleVerdict} judges; ask CloudWatch for exactly this span. */
export function idleWindow(rule: IdleRule, now: number): IdleWindow {
  const end = Math.floor((now - METRIC_DELAY_MS) / METRIC_PERIOD_MS) * METRIC_PERIOD_MS;
  return { start: end - rule.windowMs, end };
}

/** A CPU data point: the maximum of the period starting at `timestamp`. */
export interface CpuPoint {
  timestamp: number;
  value: number;
}

/** What the idle verdict looks at. */
export interface IdleFacts {
  rule: IdleRule;
  /**
   * When the instance last went to `running` (EC2's launch time, which moves
   * on each start), ms; null when unknown, which is never idle.
   */
  runningSince: number | null;
  /** The `workwork:last_active` tag, when set. */
  lastActive: string | undefined;
  now: number;
  /** Period maxima of `CPUUtilization`; points outside the window are ignored. */
  points: readonly CpuPoint[];
}

/** Whether an instance is idle, and why; `reason` is for people (stop reasons, reports). */
export interface IdleVerdict {
  idle: boolean;
  reason: string;
}

/**
 * Idle when, over the whole window, every period has a data point and all of
 * them are under the threshold, no heartbeat came since the window began, and
 * the instance was running before it began. A missing point is never idle.
 */
export function idleVerdict(facts: IdleFacts): IdleVerdict {
  const { rule, now } = facts;
  const window = idleWindow(rule, now);
  const span = formatDuration(rule.windowMs);
  if (facts.runningSince === null || !Number.isFinite(facts.runningSince)) {
    return { idle: false, reason: "not idle: the time it started running is unknown" };
  }
  if (facts.runningSince > window.start) {
    const running = Math.max(0, Math.floor((now - facts.runningSince) / MINUTE_MS) * MINUTE_MS);
    return {
      idle: false,
      reason: `not idle: running ${formatDuration(running)}, the rule needs ${span} of metrics`,
    };
  }
  let heartbeat = "no heartbeat";
  if (facts.lastActive !== undefined) {
    const at = facts.lastActive.length > 40 ? null : parseIsoTime(facts.lastActive);
    if (at === null) {
      return {
        idle: false,
        reason: `not idle: heartbeat "${facts.lastActive.slice(0, 40)}" is not an ISO time`,
      };
    }
    if (at >= window.start) {
      return { idle: false, reason: `not idle: heartbeat at ${new Date(at).toISOString()}` };
    }
    heartbeat = `last heartbeat ${new Date(at).toISOString()}`;
  }
  const periods = rule.windowMs / METRIC_PERIOD_MS;
  const maxima: (number | undefined)[] = new Array(periods).fill(undefined);
  for (const point of facts.points) {
    if (point.timestamp < window.start || point.timestamp >= window.end) continue;
    const index = Math.floor((point.timestamp - window.start) / METRIC_PERIOD_MS);
    maxima[index] = Math.max(maxima[index] ?? -Infinity, point.value);
  }
  const missing = maxima.filter((value) => value === undefined).length;
  if (missing > 0) {
    return {
      idle: false,
      reason: `not idle: no CPU data for ${missing} of ${periods} periods of 5 min`,
    };
  }
  const max = Math.max(...maxima as number[]);
  const threshold = formatPercent(rule.thresholdPercent);
  if (max >= rule.thresholdPercent) {
    return {
      idle: false,
      reason: `not idle: CPU max ${formatPercent(max)} ≥ ${threshold} in the last ${span}`,
    };
  }
  return {
    idle: true,
    reason: `idle ${span}: CPU max ${formatPercent(max)} < ${threshold}, ${heartbeat}`,
  };
}

/** `45 min`, `2 h`, `1 h 30 min`, `0 min`. */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(ms / MINUTE_MS);
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours === 0) return `${rest} min`;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

/** Up to two decimals, none when whole: `2.1%`, `1.96%`, `5%`. */
function formatPercent(value: number): string {
  return `${Number(value.toFixed(2))}%`;
}
