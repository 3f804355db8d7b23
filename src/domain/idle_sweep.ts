/**
 * Idle detection in the sweep: for the running candidates of one region,
 * one batched `GetMetricData` (the widest window of their rules, up to 500
 * instances a call), then {@linkcode idleVerdict} per instance.
 *
 * @module
 */
import { type CloudWatchClient, CloudWatchError, MAX_QUERIES_PER_CALL } from "../aws/cloudwatch.ts";
import type { Instance } from "../aws/ec2_types.ts";
import { type IdleRule, idleRuleFor, idleVerdict, idleWindow, LAST_ACTIVE_TAG } from "./idle.ts";
import { CALL_COST, type SweepBudget } from "./sweep_budget.ts";
import { parseIsoTime } from "./times.ts";

/** The sweep's idle stops of one region: a stop reason, or a problem, per instance. */
export interface IdlePlans {
  /** Idle instances: the stop reason from the verdict. */
  stops: Map<string, { reason: string; rule: IdleRule }>;
  /** Instances whose tag is malformed, and a region CloudWatch could not be read in. */
  problems: { instanceId?: string; title: string }[];
  /** Instances with a rule that were not idle, and why (for dry runs and tests). */
  notIdle: Map<string, string>;
  /** GetMetricData calls made. */
  calls: number;
}

/** Options of {@linkcode idlePlans}. */
export interface IdlePlanOptions {
  now: Date;
  /** `IDLE_STOP`: the rule of instances without a tag. */
  defaultRule: IdleRule | null;
  budget: SweepBudget;
  signal?: AbortSignal;
}

/**
 * Which of `instances` (running, not held, with nothing else planned) are
 * idle. Reads nothing when none has a rule; a CloudWatch failure makes none
 * idle (missing data never counts) and is reported.
 */
export async function idlePlans(
  cloudwatch: CloudWatchClient,
  region: string,
  instances: readonly Instance[],
  options: IdlePlanOptions,
): Promise<IdlePlans> {
  const plans: IdlePlans = { stops: new Map(), problems: [], notIdle: new Map(), calls: 0 };
  const now = options.now.getTime();
  const ruled: { instance: Instance; rule: IdleRule }[] = [];
  for (const instance of instances) {
    if (instance.state !== "running") continue;
    try {
      const rule = idleRuleFor(instance.tags, options.defaultRule);
      if (rule) ruled.push({ instance, rule });
    } catch (error) {
      plans.problems.push({
        instanceId: instance.id,
        title: `workwork:idle_stop: ${(error as Error).message}`,
      });
    }
  }
  if (ruled.length === 0) return plans;
  const calls = Math.ceil(ruled.length / MAX_QUERIES_PER_CALL);
  if (!options.budget.take(calls * CALL_COST)) {
    plans.problems.push({
      title:
        "Idle check deferred: this run's subrequest budget is spent; the next run reads CloudWatch",
    });
    return plans;
  }
  const start = Math.min(...ruled.map(({ rule }) => idleWindow(rule, now).start));
  const end = idleWindow(ruled[0].rule, now).end;
  let series;
  try {
    series = await cloudwatch.cpuMaxima(region, ruled.map(({ instance }) => instance.id), {
      startTime: start,
      endTime: end,
      signal: options.signal,
      onCall: () => plans.calls++,
    });
  } catch (error) {
    const why = error instanceof CloudWatchError
      ? `CloudWatch says: ${error.code}`
      : (error as Error).message;
    plans.problems.push({ title: `Cannot read CPU from CloudWatch (${why}): no idle stops here` });
    return plans;
  }
  for (const { instance, rule } of ruled) {
    const verdict = idleVerdict({
      rule,
      runningSince: instance.launchTime ? parseIsoTime(instance.launchTime) : null,
      lastActive: instance.tags[LAST_ACTIVE_TAG],
      now,
      points: series.get(instance.id)?.points ?? [],
    });
    if (verdict.idle) plans.stops.set(instance.id, { reason: verdict.reason, rule });
    else plans.notIdle.set(instance.id, verdict.reason);
  }
  return plans;
}
