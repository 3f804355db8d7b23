/**
 * When DNS follows an instance: right after a state change (before a
 * `wait=true` answer, or in the background), and in the sweep, for every
 * instance with a `workwork:dns` tag, boxes started from the console too.
 * The rules themselves are in `./dns.ts`; this module decides when they run
 * and keeps each run within the subrequests a Workers invocation allows.
 *
 * Nothing here throws for DNS: a failure is in the {@linkcode DnsReport}.
 *
 * @module
 */
import type { CallOptions, Ec2Client } from "../aws/ec2.ts";
import type { Instance } from "../aws/ec2_types.ts";
import { DNS_TAG, type DnsProvider, type DnsReport, reconcileDns } from "./dns.ts";
import { describeFailure } from "./failures.ts";
import { CALL_COST } from "./sweep_budget.ts";
import { describeInstance, listInstances } from "./instances.ts";

/** What the service writes DNS with: the provider and `DNS_TTL`. */
export interface DnsSettings {
  provider: DnsProvider;
  ttl: number;
}

/**
 * DescribeInstances polls of a background follow-up at most, waiting for a
 * started instance's address. With EC2's 3 attempts each that is 18
 * subrequests; with the change itself (up to 13, see `./wait.ts`) and one
 * name's DNS (a zone look-up or two, a read and a write per record type,
 * some 6 calls, up to 18 with retries), one start stays within the 50
 * subrequests of Workers' free plan. What does not fit is left to the sweep.
 */
export const MAX_FOLLOW_POLLS = 6;
/** The polls of a `wait=true` change when DNS follows it; see {@linkcode MAX_FOLLOW_POLLS}. */
export const MAX_WAIT_POLLS_WITH_DNS = 6;
/** The first pause of a follow-up, doubling up to {@linkcode MAX_FOLLOW_DELAY_MS}. */
export const FIRST_FOLLOW_DELAY_MS = 2_000;
/** The longest pause of a follow-up. */
export const MAX_FOLLOW_DELAY_MS = 15_000;
/**
 * Instances whose records one sweep run reconciles at most, after its own
 * changes; an unchanged record costs a read per type (two per name). The
 * instances left over are reported `deferred`, and each run starts that many
 * further along the list, so every instance takes its turn.
 */
export const MAX_SWEEP_DNS_INSTANCES = 4;
/**
 * What one instance's reconcile costs the sweep's subrequest budget
 * (`./sweep_budget.ts`): one host name's zone look-up, read and write per
 * record type, some 6 calls of 3 attempts each. A tag naming several host
 * names is counted as one (its zone look-ups are cached, and an unchanged
 * record costs only its read).
 */
export const DNS_RECONCILE_COST = 6 * CALL_COST;
/** The cron's interval: how the sweep's turn-taking counts runs. */
const SWEEP_INTERVAL_MS = 5 * 60_000;
/** States in which an instance's records may still change without a new state change. */
const SETTLING_STATES: ReadonlySet<string> = new Set(["pending"]);

/** Whether the instance's tags ask for DNS at all. */
export function followsDns(instance: { tags: Readonly<Record<string, string>> }): boolean {
  return (instance.tags[DNS_TAG] ?? "").trim() !== "";
}

/**
 * Brings the instance's records in line with its state, or null when it has
 * no `workwork:dns` tag. Never throws.
 */
export async function followInstance(
  dns: DnsSettings,
  instance: Instance,
  options: { signal?: AbortSignal } = {},
): Promise<DnsReport | null> {
  if (!followsDns(instance)) return null;
  return await reconcileDns(dns.provider, instance, { ttl: dns.ttl, signal: options.signal });
}

/** What {@linkcode followChange} needs. */
export interface FollowOptions {
  region: string;
  instanceId: string;
  /** Deadline of each EC2 and DNS call, in ms. */
  timeoutMs: number;
  /** Pauses between polls; tests pass one that moves their clock. */
  sleep: (ms: number) => Promise<void>;
}

/** How a follow-up ended: its report, or why there was none. */
export interface FollowResult {
  report: DnsReport | null;
  /** Why nothing was written, when `report` is null: no tag, EC2 could not be read. */
  reason: string | null;
  polls: number;
}

/**
 * After a start or stop EC2 accepted: reads the instance until it has settled
 * enough for its records (a started one has its public IPv4; a stopping one
 * at once), then reconciles them. At most {@linkcode MAX_FOLLOW_POLLS} reads;
 * an instance still pending without an address after them is left to the
 * sweep. Never throws.
 */
export async function followChange(
  ec2: Ec2Client,
  dns: DnsSettings,
  options: FollowOptions,
): Promise<FollowResult> {
  const { region, instanceId, timeoutMs, sleep } = options;
  let delay = FIRST_FOLLOW_DELAY_MS;
  for (let polls = 1;; polls++) {
    let instance: Instance;
    try {
      const call: CallOptions = { signal: AbortSignal.timeout(timeoutMs) };
      instance = await describeInstance(ec2, region, instanceId, call);
    } catch (error) {
      return { report: null, reason: describeFailure(error).title, polls };
    }
    if (!followsDns(instance)) {
      return { report: null, reason: `the instance has no "${DNS_TAG}" tag`, polls };
    }
    // Only the IPv4 says the start got its address: an IPv6 stays with a stopped instance.
    const waiting = SETTLING_STATES.has(instance.state) && !instance.publicIpAddress;
    if (!waiting || polls >= MAX_FOLLOW_POLLS) {
      const report = await followInstance(dns, instance, {
        signal: AbortSignal.timeout(timeoutMs),
      });
      return { report, reason: null, polls };
    }
    await sleep(delay);
    delay = Math.min(MAX_FOLLOW_DELAY_MS, delay * 2);
  }
}

/** One instance's records as a sweep run found and left them. */
export interface SweepDnsEntry {
  region: string;
  instance_id: string;
  name: string | null;
  state: string;
  /** `done` (see `report`); `deferred` past {@linkcode MAX_SWEEP_DNS_INSTANCES} or the run's budget. */
  outcome: "done" | "deferred";
  /** Whether every record is as it should be; false when a write failed or a tag is bad. */
  ok: boolean;
  records: DnsAnswer["records"];
  skipped: string | null;
}

/** What a sweep run did for DNS in one region, and what it could not read. */
export interface SweepDnsRegion {
  entries: SweepDnsEntry[];
  problem: string | null;
}

/** Options of {@linkcode sweepDns}. */
export interface SweepDnsOptions {
  timeoutMs: number;
  /** Only instances this accepts: a scoped key's view. Default: all. */
  allows?: (instance: Instance) => boolean;
  /** The run's time: which instance's turn it is to come first. */
  now: Date;
  /** How many reconciles this run may still do; shared across regions. */
  budget: { left: number };
}

/**
 * Reconciles the records of every instance of `region` that has a
 * `workwork:dns` tag, whatever started or stopped it. One listing (filtered
 * by the tag's key, every state but terminated ones that have left), then one
 * reconcile per instance while `budget` lasts. Never throws.
 */
export async function sweepDns(
  ec2: Ec2Client,
  dns: DnsSettings,
  region: string,
  options: SweepDnsOptions,
): Promise<SweepDnsRegion> {
  let instances: Instance[];
  try {
    instances = await listInstances(ec2, region, { "tag-key": [DNS_TAG] }, {
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (error) {
    return { entries: [], problem: describeFailure(error).title };
  }
  const tagged = instances.filter((instance) =>
    followsDns(instance) && (!options.allows || options.allows(instance))
  );
  // Each run (every 5 minutes) starts a cap further along, so the cap never starves the same boxes.
  const run = Math.floor(options.now.getTime() / SWEEP_INTERVAL_MS);
  const turn = tagged.length ? (run * MAX_SWEEP_DNS_INSTANCES) % tagged.length : 0;
  const ordered = [...tagged.slice(turn), ...tagged.slice(0, turn)];
  const entries: SweepDnsEntry[] = [];
  for (const instance of ordered) {
    const entry: SweepDnsEntry = {
      region,
      instance_id: instance.id,
      name: instance.tags.Name ?? null,
      state: instance.state,
      outcome: "deferred",
      ok: false,
      records: [],
      skipped: null,
    };
    entries.push(entry);
    if (options.budget.left <= 0) continue;
    options.budget.left--;
    const report = await followInstance(dns, instance, {
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    const answer = dnsAnswer(report!);
    Object.assign(entry, { outcome: "done", ok: answer.ok, records: answer.records });
    entry.skipped = answer.skipped;
  }
  return { entries, problem: null };
}

/** One record as an answer names it. */
export interface DnsAnswerRecord {
  name: string;
  type: string;
  /** `upsert` (point it at the instance) or `remove`. */
  action: string;
  /** The addresses asked for, for an upsert. */
  values?: string[];
  /** `created`, `updated`, `unchanged`, `deleted`, `absent`, or `failed`. */
  result: string;
  /** Why it failed: `no_zone`, `refused`, `unreachable`… and the provider's words. */
  error?: { code: string; title: string };
}

/** The `dns` field of an answer: which names, what was done, whether all went well. */
export interface DnsAnswer {
  provider: string;
  ok: boolean;
  records: DnsAnswerRecord[];
  /** Why nothing was written: a bad tag, a state that calls for nothing yet. */
  skipped: string | null;
}

/** The `dns` field of an answer, from a report. */
export function dnsAnswer(report: DnsReport): DnsAnswer {
  return {
    provider: report.provider,
    ok: report.ok,
    records: report.outcomes.map((outcome) => ({
      name: outcome.name,
      type: outcome.type,
      action: outcome.action,
      ...(outcome.values ? { values: outcome.values } : {}),
      result: outcome.result,
      ...(outcome.error
        ? { error: { code: outcome.error.code, title: outcome.error.message } }
        : {}),
    })),
    skipped: report.skipped,
  };
}
