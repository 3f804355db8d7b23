/**
 * `workwork:last_change`: who last changed an instance's state, how, and
 * when, written with `start_time` in the change's one CreateTags call.
 *
 * The value is one line of plain text, `<time> <action> by <who>`, e.g.
 * `2026-12-01T10:00:00.000Z stop by key ci`: only letters, digits, spaces and
 * `- : . _ @ + =`, which every AWS service accepts in a tag value (JSON's
 * braces and quotes are not among them), well inside EC2's 256 characters.
 * Anyone allowed to tag the instance can write it, so it is read strictly
 * and shown as a claim, never as proof: the audit log is the record.
 *
 * @module
 */
import type { InstanceAction } from "./instances.ts";

/** The tag that says who last changed the instance's state. */
export const LAST_CHANGE_TAG = "workwork:last_change";
/** EC2's longest tag value. */
export const MAX_TAG_VALUE_LENGTH = 256;
/** The longest `by` written; longer names are cut, so the value always fits. */
export const MAX_BY_LENGTH = 128;
/** A change recorded later than this past the reader's clock is not believed. */
export const CLOCK_SKEW_MS = 5 * 60_000;
/** Exactly what `Date.prototype.toISOString` writes for years 0000–9999. */
const AT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const AT_LENGTH = "2026-12-01T10:00:00.000Z".length;
const BY_SEPARATOR = " by ";
/** The actions a record may name: `ACTIONS` of `instances.ts`, which imports this module. */
const RECORDED_ACTIONS: ReadonlySet<string> = new Set<InstanceAction>(["start", "stop", "reboot"]);
const BY_PATTERN = /^[\w .:@+=-]+$/;

/** One recorded change, as the answers carry it. */
export interface LastChange {
  /** Who asked: `key <name>`, `sweep cron`, `sweep key <name>`, … */
  by: string;
  action: InstanceAction;
  /** When the change was made, UTC ISO 8601. */
  at: string;
}

/**
 * The tag value recording `change`. Characters outside the portable tag set
 * in `by` become `_`, and `by` is cut to {@linkcode MAX_BY_LENGTH}.
 */
export function formatLastChange(change: { by: string; action: InstanceAction; at: Date }): string {
  const by = change.by.replace(/[^\w .:@+=-]/g, "_").trim().slice(0, MAX_BY_LENGTH) || "unknown";
  return `${change.at.toISOString()} ${change.action}${BY_SEPARATOR}${by}`;
}

/**
 * Reads a `workwork:last_change` value: null when absent, longer than EC2
 * allows, not of the form {@linkcode formatLastChange} writes, naming an
 * impossible time, or a time more than {@linkcode CLOCK_SKEW_MS} after `now`.
 * Work is linear in the value's length, which is bounded first.
 */
export function parseLastChange(value: string | undefined, now: Date): LastChange | null {
  if (value === undefined || value.length > MAX_TAG_VALUE_LENGTH) return null;
  const at = value.slice(0, AT_LENGTH);
  if (!AT_PATTERN.test(at) || value[AT_LENGTH] !== " ") return null;
  const time = Date.parse(at);
  if (Number.isNaN(time) || new Date(time).toISOString() !== at) return null;
  if (time > now.getTime() + CLOCK_SKEW_MS) return null;
  const rest = value.slice(AT_LENGTH + 1);
  const separator = rest.indexOf(BY_SEPARATOR);
  if (separator < 0) return null;
  const action = rest.slice(0, separator);
  const by = rest.slice(separator + BY_SEPARATOR.length);
  if (!RECORDED_ACTIONS.has(action)) return null;
  if (by === "" || by.length > MAX_BY_LENGTH || by.trim() !== by || !BY_PATTERN.test(by)) {
    return null;
  }
  return { by, action: action as InstanceAction, at };
}
