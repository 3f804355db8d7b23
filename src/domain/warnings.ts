/**
 * The warning before every automatic stop (`WARN_BEFORE`). A stop is made
 * only once a warning for it was accepted by the webhook; the planned stop
 * time is then remembered in the tag `workwork:warned`, written only after
 * the warning was accepted, so the tag claims only what happened.
 *
 * - A stop known ahead (a schedule's window closing, a max runtime running
 *   out) is warned about `WARN_BEFORE` ahead, naming its time.
 * - A stop due now that was not warned about (an idle box, a tag set late, a
 *   hold that ended) is warned about now and made `WARN_BEFORE` later, if it
 *   is still due then. An idle stop is off once a heartbeat came after the
 *   warning.
 *
 * @module
 */
import type { Instance } from "../aws/ec2_types.ts";
import { WARNED_TAG } from "./holds.ts";
import { LAST_ACTIVE_TAG } from "./idle.ts";
import { parseIsoTime } from "./times.ts";

export { WARNED_TAG };

/**
 * How long after its planned time a warning still covers the stop: an hour,
 * as long as its links stay valid. Later, a stop needs a warning of its own.
 */
export const WARNING_GRACE_MS = 3_600_000;
const MINUTE_MS = 60_000;

/** What the sweep does with a stop that is due: make it, wait for its time, or warn first. */
export type StopGate =
  | { kind: "act" }
  | { kind: "wait"; stopAt: number }
  | { kind: "warn"; stopAt: number };

/**
 * The gate of a stop of `instance` due at `dueAt` (ms; `now` for one due
 * now), for `warnBeforeMs` > 0.
 */
export function stopGate(
  instance: Pick<Instance, "tags" | "launchTime">,
  options: { now: number; dueAt: number; warnBeforeMs: number; idle: boolean },
): StopGate {
  const { now, warnBeforeMs } = options;
  const warned = warnedFor(instance, options);
  if (warned !== null) return now >= warned ? { kind: "act" } : { kind: "wait", stopAt: warned };
  // A stop known ahead keeps its time; one due now waits the whole warning.
  return { kind: "warn", stopAt: options.dueAt > now ? options.dueAt : now + warnBeforeMs };
}

/** The planned stop a standing warning covers, or null when none does. */
function warnedFor(
  instance: Pick<Instance, "tags" | "launchTime">,
  options: { now: number; warnBeforeMs: number; idle: boolean },
): number | null {
  const text = instance.tags[WARNED_TAG];
  const warned = text ? parseIsoTime(text) : null;
  if (warned === null || options.now >= warned + WARNING_GRACE_MS) return null;
  // Started again after the stop it was warned for (EC2 moves the launch time): a new run.
  const launched = instance.launchTime ? parseIsoTime(instance.launchTime) : null;
  if (launched !== null && launched >= warned) return null;
  if (options.idle) {
    const active = instance.tags[LAST_ACTIVE_TAG];
    const at = active ? parseIsoTime(active) : null;
    // Used since the warning went out: that warning is spent.
    if (active && (at === null || at >= warned - options.warnBeforeMs)) return null;
  }
  return warned;
}

/**
 * The first minute in `(now, now + warnBeforeMs]` at which `stopAt(t)` says
 * the instance is to be stopped, or null when it is not stopped by then:
 * asked once at the end, then by halving, so a schedule costs a dozen looks,
 * not one per minute.
 */
export function upcomingStop(
  now: number,
  warnBeforeMs: number,
  stopsAt: (t: number) => boolean,
): number | null {
  const last = now + warnBeforeMs;
  if (!stopsAt(last)) return null;
  let low = Math.floor(now / MINUTE_MS) * MINUTE_MS;
  let high = last;
  if (high <= low || stopsAt(low)) return last;
  while (high - low > MINUTE_MS) {
    const middle = low + Math.floor((high - low) / MINUTE_MS / 2) * MINUTE_MS;
    if (stopsAt(middle)) high = middle;
    else low = middle;
  }
  return high;
}
