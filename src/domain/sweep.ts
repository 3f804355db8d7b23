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
  START_TIME_TAG,
  startTimeCorrection,
  StartTimeNotWrittenError,
} from "./instances.ts";
import type { InstanceChangeQueue } from "./change_queue.ts";
import {
  DNS_RECONCILE_COST,
  type DnsSettings,
  MAX_SWEEP_DNS_INSTANCES,
  sweepDns,
  type SweepDnsEntry,
} from "./dns_follow.ts";
import type { Notifier } from "./notify.ts";
import { parseIsoTime } from "./times.ts";
import type { CloudWatchClient } from "../aws/cloudwatch.ts";
import type { IdleRule } from "./idle.ts";
import { type IdlePlans, idlePlans } from "./idle_sweep.ts";
import { heldUntil } from "./holds.ts";
import type { LinkSigner } from "./links.ts";
import { CALL_COST, CHANGE_COST, HEAL_COST, SweepBudget, WARNING_COST } from "./sweep_budget.ts";
import { listSweepCandidates } from "./sweep_listing.ts";
import { sendWarning, type SweepWarning, type SweepWarningAuditEntry } from "./sweep_warnings.ts";
import { stopGate, upcomingStop } from "./warnings.ts";

export type { SweepWarning, SweepWarningAuditEntry };
import { type Plan, planNow } from "./plans.ts";

export { HOLD_UNTIL_TAG } from "./holds.ts";
export { AUTOSTART_GRACE_MS, MAX_RUNTIME_TAG, SCHEDULE_TAG } from "./plans.ts";
/**
 * State changes and `start_time` heals per sweep at most; the rest wait for
 * the next run. A change costs up to 10 subrequests (the change, its tag and
 * the read that confirms it, 3 attempts each, and the notification), a heal
 * up to 6 (the tag and its confirming read), so 4 keep a sweep of a region
 * within the 50 subrequests of Cloudflare Workers' free plan. A correction
 * after an overlapping change (rare) adds up to 6 more.
 */
export const MAX_SWEEP_ACTIONS = 4;

/** Where the sweep looks, and the default limit. */
export interface SweepSettings {
  /** `SWEEP_REGIONS`; empty disables the sweep. */
  regions: readonly string[];
  /** `MAX_RUNTIME`: stop any running instance after this long; null for none. */
  maxRuntimeMs: number | null;
  /** `IDLE_STOP`: the idle rule of instances without `workwork:idle_stop`. Default none. */
  idleRule?: IdleRule | null;
  /** `WARN_BEFORE`, ms; 0 or absent: no warnings (and none without a webhook). */
  warnBeforeMs?: number;
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
  /** Warnings of stops to come. */
  warnings: SweepWarning[];
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

/** Any of the sweep's audit lines. */
export type SweepAuditRecord = SweepAuditEntry | SweepHealAuditEntry | SweepWarningAuditEntry;

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
  audit?: (entry: SweepAuditRecord) => void;
  notifier?: Notifier;
  /** Reads CPU for idle stops; without it, no instance is found idle. */
  cloudwatch?: CloudWatchClient | null;
  /** Signs the links of warnings; without it, warnings carry none. */
  links?: LinkSigner | null;
  /** The run's subrequest budget. Default: a fresh one of 50. */
  budget?: SweepBudget;
  /** Orders the sweep's changes after other changes to the same instance in this process. */
  changes?: InstanceChangeQueue;
  /** Read for the time of a correction after an overlapping change. Default: `now`. */
  clock?: () => Date;
  /** Reconcile the records of tagged instances after each region's changes (not on a dry run). */
  dns?: DnsSettings;
}

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
    warnings: [],
    problems: [],
  };
  const budget = options.budget ?? new SweepBudget();
  const warnBeforeMs = options.notifier?.warn ? settings.warnBeforeMs ?? 0 : 0;
  let changes = 0;
  // Past the cap, or past what the budget can still pay for: left to the next run.
  const deferred = (cost: number) => changes >= MAX_SWEEP_ACTIONS || !budget.take(cost);
  const dnsLeft = { left: MAX_SWEEP_DNS_INSTANCES };
  if (options.dns && !dryRun) report.dns = [];
  for (const region of settings.regions) {
    let instances: Instance[];
    try {
      const listing = await listSweepCandidates(ec2, region, budget, {
        signal: AbortSignal.timeout(timeoutMs),
      });
      instances = listing.instances.filter((instance) =>
        !options.allows || options.allows(instance)
      );
      if (listing.cut) {
        report.problems.push({
          region,
          title: "Listing cut short: this run's subrequest budget is spent; the next run goes on",
        });
      }
    } catch (error) {
      report.problems.push({ region, title: describeFailure(error).title });
      continue;
    }
    const idle = await idleStops(region, instances, settings, options, budget);
    for (const problem of idle?.problems ?? []) {
      report.problems.push({
        region,
        ...(problem.instanceId ? { instance_id: problem.instanceId } : {}),
        title: problem.title,
      });
    }
    for (const instance of instances) {
      let plan = planFor(instance, now, settings.maxRuntimeMs);
      const idleStop = plan === null && heldUntil(instance.tags, now) === null
        ? idle?.stops.get(instance.id)
        : undefined;
      if (idleStop) plan = { action: "stop", reason: idleStop.reason };
      const gate = warnBeforeMs > 0
        ? warningGate(instance, plan, {
          now,
          warnBeforeMs,
          idle: idleStop !== undefined,
          maxRuntimeMs: settings.maxRuntimeMs,
        })
        : null;
      if (gate === "wait") continue;
      if (gate) {
        await warn(region, instance, gate);
        continue;
      }
      if (plan === null) {
        // A change in progress here confirms its own tag.
        const busy = options.changes?.has({ region, instanceId: instance.id });
        const heal = busy ? null : healFor(region, instance, now);
        if (heal === null) continue;
        heal.outcome = deferred(HEAL_COST) ? "deferred" : dryRun ? "would" : "done";
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
        outcome: deferred(CHANGE_COST) ? "deferred" : dryRun ? "would" : "done",
      };
      report.actions.push(action);
      if (action.outcome === "deferred") continue;
      changes++;
      if (!dryRun) await act(ec2, action, options);
    }
    // The DNS reconciles are paid from the run's budget, after its changes: fewer after many.
    const reconciles = Math.min(
      dnsLeft.left,
      Math.floor((budget.left - CALL_COST) / DNS_RECONCILE_COST),
    );
    if (options.dns && !dryRun && reconciles > 0 && budget.take(CALL_COST)) {
      const share = { left: reconciles };
      const dns = await sweepDns(ec2, options.dns, region, { ...options, budget: share });
      budget.take((reconciles - share.left) * DNS_RECONCILE_COST);
      dnsLeft.left -= reconciles - share.left;
      report.dns!.push(...dns.entries);
      if (dns.problem) report.problems.push({ region, title: `DNS: ${dns.problem}` });
    }
  }
  return report;

  /** Warns of a stop (a change of its own against the cap and the budget). */
  async function warn(region: string, instance: Instance, planned: PlannedWarning): Promise<void> {
    const { reason, stopAt, idle } = planned;
    const warning: SweepWarning = {
      region,
      instance_id: instance.id,
      name: instance.tags.Name ?? null,
      action: "stop",
      reason,
      stop_at: new Date(stopAt).toISOString(),
      outcome: deferred(WARNING_COST) ? "deferred" : dryRun ? "would" : "done",
    };
    report.warnings.push(warning);
    if (warning.outcome === "deferred") return;
    changes++;
    if (dryRun) return;
    await sendWarning(warning, instance, idle, {
      ec2,
      notifier: options.notifier!,
      links: options.links,
      now,
      warnBeforeMs,
      timeoutMs,
      by: options.by,
      audit: options.audit,
    });
  }
}

/** A warning to send: why, when the stop comes, whether it is an idle one. */
interface PlannedWarning {
  reason: string;
  stopAt: number;
  idle: boolean;
}

/**
 * Whether a stop of `instance` needs a warning first: null to go on as
 * without warnings (a stop already warned about and due, or nothing to
 * warn of), `wait` for a warned stop not yet due, or the warning to send
 * (for a stop due now, or one due within `warnBeforeMs`).
 */
function warningGate(
  instance: Instance,
  plan: Plan,
  options: { now: Date; warnBeforeMs: number; idle: boolean; maxRuntimeMs: number | null },
): PlannedWarning | "wait" | null {
  const now = options.now.getTime();
  const { warnBeforeMs, idle } = options;
  if (plan !== null) {
    if ("problem" in plan || plan.action !== "stop") return null;
    const gate = stopGate(instance, { now, dueAt: now, warnBeforeMs, idle });
    if (gate.kind === "act") return null;
    return gate.kind === "wait" ? "wait" : { reason: plan.reason, stopAt: gate.stopAt, idle };
  }
  if (instance.state !== "running") return null;
  const stopFor = (t: number) => {
    const later = planFor(instance, new Date(t), options.maxRuntimeMs);
    return later !== null && "action" in later && later.action === "stop" ? later : null;
  };
  const stopAt = upcomingStop(now, warnBeforeMs, (t) => stopFor(t) !== null);
  const later = stopAt === null ? null : stopFor(stopAt);
  if (stopAt === null || later === null) return null;
  const gate = stopGate(instance, { now, dueAt: stopAt, warnBeforeMs, idle: false });
  return gate.kind === "warn" ? { reason: later.reason, stopAt: gate.stopAt, idle: false } : null;
}

/** The idle stops of `region`'s running, unheld instances; null without CloudWatch. */
async function idleStops(
  region: string,
  instances: readonly Instance[],
  settings: SweepSettings,
  options: SweepOptions,
  budget: SweepBudget,
): Promise<IdlePlans | null> {
  if (!options.cloudwatch) return null;
  const candidates = instances.filter((instance) =>
    instance.state === "running" &&
    planFor(instance, options.now, settings.maxRuntimeMs) === null &&
    heldUntil(instance.tags, options.now) === null
  );
  return await idlePlans(options.cloudwatch, region, candidates, {
    now: options.now,
    defaultRule: settings.idleRule ?? null,
    budget,
    signal: AbortSignal.timeout(options.timeoutMs),
  });
}

/** Makes one change, then audits and notifies it. */
async function act(ec2: Ec2Client, action: SweepAction, options: SweepOptions): Promise<void> {
  const { region, instance_id: instanceId } = action;
  let changed = true;
  try {
    const by = `sweep ${options.by}`;
    await changeState(ec2, { region, instanceId, action: action.action, now: options.now, by }, {
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

/**
 * What the sweep should do with `instance` at `now`: {@linkcode planNow}
 * with the default limit, the decision the answers' `next` is read from.
 */
export function planFor(instance: Instance, now: Date, defaultMaxRuntimeMs: number | null): Plan {
  return planNow(instance, now, { maxRuntimeMs: defaultMaxRuntimeMs });
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
export interface VisibleSweepReport extends Omit<SweepReport, "actions" | "healed" | "warnings"> {
  actions: (SweepAction | HiddenSweepAction)[];
  warnings: (SweepWarning | HiddenSweepAction)[];
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
    warnings: report.warnings.map((warning) =>
      mayRead(warning.region, warning.instance_id) ? warning : {
        region: warning.region,
        instance_id: null,
        name: null,
        action: warning.action,
        reason: HIDDEN_REASON,
        outcome: warning.outcome,
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
