/**
 * The auto-stop sweep: in each region of `SWEEP_REGIONS`, stop running
 * instances that ran past their `workwork:max_runtime` (or `MAX_RUNTIME`) or
 * run outside their `workwork:schedule`, start those whose schedule says
 * `autostart` as their window opens, and leave alone any instance whose
 * `workwork:hold_until` is still ahead.
 *
 * @module
 */
import type { Ec2Client } from "../aws/ec2.ts";
import type { Instance } from "../aws/ec2_types.ts";
import { describeFailure } from "./failures.ts";
import {
  changeState,
  confirmStartTime,
  listInstances,
  parseStartTime,
  START_TIME_TAG,
  startTimeCorrection,
  StartTimeNotWrittenError,
} from "./instances.ts";
import type { InstanceChangeQueue } from "./change_queue.ts";
import {
  type DnsSettings,
  MAX_SWEEP_DNS_INSTANCES,
  sweepDns,
  type SweepDnsEntry,
} from "./dns_follow.ts";
import type { Notifier } from "./notify.ts";
import { parseIsoTime } from "./times.ts";
import { formatDuration, isInsideWindow, parseDuration, parseSchedule } from "./schedule.ts";

/** Leave the instance alone until this ISO 8601 time. */
export const HOLD_UNTIL_TAG = "workwork:hold_until";
/** Stop the instance once it has run this long (`90m`, `4h`, `2d`). */
export const MAX_RUNTIME_TAG = "workwork:max_runtime";
/** Stop the instance outside these office hours (`Mon-Fri 08:00-19:00 Europe/Berlin`). */
export const SCHEDULE_TAG = "workwork:schedule";
/**
 * State changes and `start_time` heals per sweep at most; the rest wait for
 * the next run. A change costs up to 10 subrequests (the change, its tag and
 * the read that confirms it, 3 attempts each, and the notification), a heal
 * up to 6 (the tag and its confirming read), so 4 keep a sweep of a region
 * within the 50 subrequests of Cloudflare Workers' free plan. A correction
 * after an overlapping change (rare) adds up to 6 more.
 */
export const MAX_SWEEP_ACTIONS = 4;
/**
 * An `autostart` instance is started only in this span after its window
 * opens, so one stopped by hand later in the day stays stopped. Longer than
 * the cron interval (5 minutes), so one missed run does not skip a morning.
 */
export const AUTOSTART_GRACE_MS = 15 * 60_000;

/** Where the sweep looks, and the default limit. */
export interface SweepSettings {
  /** `SWEEP_REGIONS`; empty disables the sweep. */
  regions: readonly string[];
  /** `MAX_RUNTIME`: stop any running instance after this long; null for none. */
  maxRuntimeMs: number | null;
}

/** `done`; `would` on a dry run; `failed`; `deferred` past {@linkcode MAX_SWEEP_ACTIONS}. */
export const SWEEP_OUTCOMES = ["done", "would", "failed", "deferred"] as const;

/** One change the sweep made, would make, or could not make. */
export interface SweepAction {
  region: string;
  instance_id: string;
  name: string | null;
  action: "start" | "stop";
  reason: string;
  /** One of {@linkcode SWEEP_OUTCOMES}. */
  outcome: typeof SWEEP_OUTCOMES[number];
  /** What went wrong, for `failed` (and `done` when the tag write failed). */
  error?: string;
}

/**
 * A `start_time` the sweep found disagreeing with the instance's state (a
 * time on a stopped one, `""` on a running one) and the value it wrote.
 */
export interface SweepHeal {
  region: string;
  instance_id: string;
  state: string;
  /** The tag as the sweep found it. */
  found: string;
  /** The tag as written: `""`, or the instance's launch time. */
  start_time: string;
  /** As {@linkcode SweepAction.outcome}. */
  outcome: "done" | "would" | "failed" | "deferred";
  error?: string;
}

/** Something the sweep could not read: a region it could not list, a malformed tag. */
export interface SweepProblem {
  region: string;
  instance_id?: string;
  title: string;
}

/** What one sweep did. */
export interface SweepReport {
  dry_run: boolean;
  at: string;
  regions: string[];
  actions: SweepAction[];
  /** The `start_time` tags it found disagreeing with the state, and set right. */
  healed: SweepHeal[];
  problems: SweepProblem[];
  /** The instances with a `workwork:dns` tag and their records; absent when DNS is off or on a dry run. */
  dns?: SweepDnsEntry[];
}

/** One line of the audit trail, for each change the sweep makes. */
export interface SweepAuditEntry extends SweepAction {
  event: "sweep";
  at: string;
  by: string;
}

/** One line of the audit trail, for each `start_time` the sweep heals. */
export interface SweepHealAuditEntry extends SweepHeal {
  event: "sweep_heal";
  at: string;
  by: string;
}

/** Options of {@linkcode runSweep}. */
export interface SweepOptions {
  now: Date;
  /** Report what would be done; change nothing. */
  dryRun?: boolean;
  /** Deadline of each EC2 call group (one region's listing, one change), in ms. */
  timeoutMs: number;
  /** Only instances this accepts are swept: a scoped key's view. Default: all. */
  allows?: (instance: Instance) => boolean;
  /** Who runs the sweep, for audit and notifications: `cron`, `key <name>`. */
  by: string;
  audit?: (entry: SweepAuditEntry | SweepHealAuditEntry) => void;
  notifier?: Notifier;
  /** Orders the sweep's changes after other changes to the same instance in this process. */
  changes?: InstanceChangeQueue;
  /** Read for the time of a correction after an overlapping change. Default: `now`. */
  clock?: () => Date;
  /** Reconcile the records of tagged instances after each region's changes (not on a dry run). */
  dns?: DnsSettings;
}

/** What the sweep wants to do with one instance, or why it cannot tell. */
type Plan = { action: "start" | "stop"; reason: string } | { problem: string } | null;

/** Runs one sweep over `settings.regions`. Never throws for one region's failure. */
export async function runSweep(
  ec2: Ec2Client,
  settings: SweepSettings,
  options: SweepOptions,
): Promise<SweepReport> {
  const { now, timeoutMs } = options;
  const dryRun = options.dryRun ?? false;
  const report: SweepReport = {
    dry_run: dryRun,
    at: now.toISOString(),
    regions: [...settings.regions],
    actions: [],
    healed: [],
    problems: [],
  };
  let changes = 0;
  const dnsBudget = { left: MAX_SWEEP_DNS_INSTANCES };
  if (options.dns && !dryRun) report.dns = [];
  for (const region of settings.regions) {
    let instances: Instance[];
    try {
      instances = await listInstances(ec2, region, {
        "instance-state-name": ["running", "stopped"],
      }, { signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      report.problems.push({ region, title: describeFailure(error).title });
      continue;
    }
    for (const instance of instances) {
      if (options.allows && !options.allows(instance)) continue;
      const plan = planFor(instance, now, settings.maxRuntimeMs);
      if (plan === null) {
        // A change in progress here confirms its own tag.
        const busy = options.changes?.has({ region, instanceId: instance.id });
        const heal = busy ? null : healFor(region, instance, now);
        if (heal === null) continue;
        heal.outcome = changes >= MAX_SWEEP_ACTIONS ? "deferred" : dryRun ? "would" : "done";
        report.healed.push(heal);
        if (heal.outcome === "deferred") continue;
        changes++;
        if (!dryRun) await writeHeal(ec2, heal, options);
        continue;
      }
      if ("problem" in plan) {
        report.problems.push({ region, instance_id: instance.id, title: plan.problem });
        continue;
      }
      const action: SweepAction = {
        region,
        instance_id: instance.id,
        name: instance.tags.Name ?? null,
        ...plan,
        // A dry run reports what a sweep would do, the cap included.
        outcome: changes >= MAX_SWEEP_ACTIONS ? "deferred" : dryRun ? "would" : "done",
      };
      report.actions.push(action);
      if (action.outcome === "deferred") continue;
      changes++;
      if (!dryRun) await act(ec2, action, options);
    }
    // The DNS reconciles share the run's subrequests with its changes: fewer after many.
    dnsBudget.left = Math.min(dnsBudget.left, MAX_SWEEP_DNS_INSTANCES - changes);
    if (options.dns && !dryRun && dnsBudget.left > 0) {
      const dns = await sweepDns(ec2, options.dns, region, { ...options, budget: dnsBudget });
      report.dns!.push(...dns.entries);
      if (dns.problem) report.problems.push({ region, title: `DNS: ${dns.problem}` });
    }
  }
  return report;
}

/** Makes one change, then audits and notifies it. */
async function act(ec2: Ec2Client, action: SweepAction, options: SweepOptions): Promise<void> {
  const { region, instance_id: instanceId } = action;
  let changed = true;
  try {
    await changeState(ec2, { region, instanceId, action: action.action, now: options.now }, {
      signal: AbortSignal.timeout(options.timeoutMs),
      queue: options.changes,
      clock: options.clock,
    });
  } catch (error) {
    changed = error instanceof StartTimeNotWrittenError;
    if (!changed) action.outcome = "failed";
    action.error = describeFailure(error).title;
  }
  options.audit?.({ event: "sweep", at: options.now.toISOString(), by: options.by, ...action });
  if (changed) {
    options.notifier?.notify({
      action: action.action,
      region,
      instanceId,
      name: action.name,
      by: `sweep (${options.by})`,
      reason: action.reason,
    });
  }
}

/**
 * The heal `instance` needs, or null when its `start_time` agrees with its
 * state. A running instance gets its launch time, which EC2 moves on every
 * start, so the runtime counted from it stays what it was.
 */
function healFor(region: string, instance: Instance, now: Date): SweepHeal | null {
  const launched = instance.launchTime ? parseIsoTime(instance.launchTime) : null;
  const startTime = startTimeCorrection(
    instance,
    launched !== null && launched <= now.getTime() ? new Date(launched) : now,
  );
  if (startTime === null) return null;
  return {
    region,
    instance_id: instance.id,
    state: instance.state,
    found: instance.tags[START_TIME_TAG] ?? "",
    start_time: startTime,
    outcome: "done",
  };
}

/** Writes one heal under the queue, confirms it, and audits it. */
async function writeHeal(ec2: Ec2Client, heal: SweepHeal, options: SweepOptions): Promise<void> {
  const { region, instance_id: instanceId, start_time: written } = heal;
  const signal = AbortSignal.timeout(options.timeoutMs);
  const write = async () => {
    await ec2.createTags(region, [instanceId], { [START_TIME_TAG]: written }, { signal });
    await confirmStartTime(ec2, { region, instanceId, written }, {
      signal,
      clock: options.clock ?? (() => options.now),
    });
  };
  try {
    await (options.changes ? options.changes.run({ region, instanceId }, write, signal) : write());
  } catch (error) {
    heal.outcome = "failed";
    heal.error = describeFailure(error).title;
  }
  options.audit?.({ event: "sweep_heal", at: options.now.toISOString(), by: options.by, ...heal });
}

/** What the sweep should do with `instance` at `now`. */
export function planFor(instance: Instance, now: Date, defaultMaxRuntimeMs: number | null): Plan {
  const tags = instance.tags;
  const hold = tags[HOLD_UNTIL_TAG];
  if (hold) {
    const until = parseIsoTime(hold);
    // A hold that cannot be read is still someone's wish to be left alone.
    if (until === null) {
      return {
        problem: `${HOLD_UNTIL_TAG} "${hold}" is not an ISO 8601 time: the instance is left alone`,
      };
    }
    if (until > now.getTime()) return null;
  }
  const scheduleText = tags[SCHEDULE_TAG];
  if (scheduleText) {
    let schedule;
    try {
      schedule = parseSchedule(scheduleText);
    } catch (error) {
      return { problem: `${SCHEDULE_TAG}: ${(error as Error).message}` };
    }
    const inside = isInsideWindow(schedule, now);
    if (instance.state === "running" && !inside) {
      return { action: "stop", reason: `outside its schedule "${scheduleText}"` };
    }
    if (
      instance.state === "stopped" && schedule.autostart && inside &&
      !isInsideWindow(schedule, new Date(now.getTime() - AUTOSTART_GRACE_MS))
    ) {
      return { action: "start", reason: `its schedule "${scheduleText}" opened` };
    }
  }
  if (instance.state !== "running") return null;
  return runtimePlan(instance, now, defaultMaxRuntimeMs);
}

function runtimePlan(instance: Instance, now: Date, defaultMaxRuntimeMs: number | null): Plan {
  const tag = instance.tags[MAX_RUNTIME_TAG];
  const maxRuntimeMs = tag ? parseDuration(tag) : defaultMaxRuntimeMs;
  if (tag && maxRuntimeMs === null) {
    return { problem: `${MAX_RUNTIME_TAG} "${tag}" is not a duration such as 90m, 4h or 2d` };
  }
  if (maxRuntimeMs === null) return null;
  const started = parseStartTime(instance.tags[START_TIME_TAG]) ??
    (instance.launchTime ? Date.parse(instance.launchTime) : NaN);
  if (Number.isNaN(started)) return null;
  const runtime = now.getTime() - started;
  if (runtime <= maxRuntimeMs) return null;
  const limit = tag
    ? `its ${MAX_RUNTIME_TAG} of ${tag}`
    : `MAX_RUNTIME of ${formatDuration(maxRuntimeMs)}`;
  return { action: "stop", reason: `ran ${formatDuration(runtime)}, over ${limit}` };
}

/** An action on an instance the key may not read: what was done and how it went, not to which. */
export interface HiddenSweepAction {
  region: string;
  instance_id: null;
  name: null;
  action: "start" | "stop";
  reason: string;
  outcome: SweepAction["outcome"];
}

/** A heal of an instance the key may not read: that it happened and how it went, not where. */
export interface HiddenSweepHeal {
  region: string;
  instance_id: null;
  outcome: SweepHeal["outcome"];
}

/** A report as a key sees it: see {@linkcode visibleReport}. */
export interface VisibleSweepReport extends Omit<SweepReport, "actions" | "healed"> {
  actions: (SweepAction | HiddenSweepAction)[];
  healed: (SweepHeal | HiddenSweepHeal)[];
}

/** What a hidden action says instead of its reason. */
export const HIDDEN_REASON = "not shown: this key may not read the instance";

/**
 * The report with what the key may not read taken out: an action on an
 * instance `mayRead` refuses keeps its region, action and outcome, but not the
 * instance's id, name, reason (it quotes tags) or error; a heal keeps its
 * region and outcome, not the instance or its tags; a problem on such an
 * instance keeps only its region and a title that quotes nothing.
 */
export function visibleReport(
  report: SweepReport,
  mayRead: (region: string, instanceId: string) => boolean,
): VisibleSweepReport {
  return {
    ...report,
    actions: report.actions.map((action) =>
      mayRead(action.region, action.instance_id) ? action : {
        region: action.region,
        instance_id: null,
        name: null,
        action: action.action,
        reason: HIDDEN_REASON,
        outcome: action.outcome,
      }
    ),
    // DNS entries name hosts from tags: only those of instances the key may read are shown.
    ...(report.dns
      ? { dns: report.dns.filter((entry) => mayRead(entry.region, entry.instance_id)) }
      : {}),
    healed: report.healed.map((heal) =>
      mayRead(heal.region, heal.instance_id)
        ? heal
        : { region: heal.region, instance_id: null, outcome: heal.outcome }
    ),
    problems: report.problems.map((problem) =>
      problem.instance_id === undefined || mayRead(problem.region, problem.instance_id)
        ? problem
        : {
          region: problem.region,
          title: "A sweep tag of an instance this key may not read is malformed",
        }
    ),
  };
}
