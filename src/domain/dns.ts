/**
 * DNS that follows an instance: the `workwork:dns` tags read, the records an
 * instance should have given its state and addresses, and one provider
 * interface (Route53 or Cloudflare) that writes them. No HTTP in here.
 *
 * A DNS failure is reported per name in a {@linkcode DnsReport} and never
 * thrown, so a caller that changed an instance's state can always say so.
 *
 * @module
 */
import { checkHostName } from "./_dns_names.ts";
import {
  type DnsCallOptions,
  DnsError,
  type DnsErrorCode,
  type DnsProvider,
  type DnsRecordType,
  type DnsWriteResult,
} from "./_dns_provider.ts";

export { cloudflareDnsProvider } from "./_dns_cloudflare.ts";
export { route53DnsProvider } from "./_dns_route53.ts";
export { DnsError } from "./_dns_provider.ts";
export type {
  DnsCallOptions,
  DnsErrorCode,
  DnsProvider,
  DnsRecordType,
  DnsWriteResult,
  DnsZone,
} from "./_dns_provider.ts";

/** Tag naming the host names that follow the instance, comma-separated. */
export const DNS_TAG = "workwork:dns";
/** Tag naming the zone to write in, instead of the longest matching one. */
export const DNS_ZONE_TAG = "workwork:dns_zone";
/** Tag that, set to `keep`, leaves the records in place when the instance stops. */
export const DNS_ON_STOP_TAG = "workwork:dns_on_stop";
/** TTL of the records written, in seconds, unless `DNS_TTL` says otherwise. */
export const DEFAULT_DNS_TTL = 60;
/** The TTL range both providers accept (Cloudflare's floor is 60 s). */
export const MIN_DNS_TTL = 60;
export const MAX_DNS_TTL = 86_400;
/** Names one instance may claim. */
export const MAX_DNS_NAMES = 10;

/** What the DNS tags of an instance ask for. */
export interface DnsTags {
  /** Bare lowercase host names, deduplicated, in tag order. */
  names: string[];
  /** The zone named by `workwork:dns_zone`, or null for the longest match. */
  zone: string | null;
  /** Whether the records stay when the instance stops. */
  keepOnStop: boolean;
}

/**
 * The DNS tags of an instance, or null when it has no `workwork:dns` tag (or
 * an empty one). A `SyntaxError` saying which tag and why, for a bad value.
 */
export function parseDnsTags(tags: Readonly<Record<string, string>>): DnsTags | null {
  const raw = tags[DNS_TAG];
  if (raw === undefined || raw.trim() === "") return null;
  const names: string[] = [];
  for (const part of raw.split(",")) {
    const item = part.trim();
    if (item === "") continue;
    const checked = checkHostName(item);
    if ("problem" in checked) {
      throw new SyntaxError(
        `Cannot read tag "${DNS_TAG}": "${item}" is not a host name: ${checked.problem}`,
      );
    }
    if (!names.includes(checked.name)) names.push(checked.name);
  }
  if (names.length > MAX_DNS_NAMES) {
    throw new SyntaxError(
      `Cannot read tag "${DNS_TAG}": it names ${names.length} hosts, at most ${MAX_DNS_NAMES} are allowed`,
    );
  }
  let zone: string | null = null;
  const rawZone = tags[DNS_ZONE_TAG]?.trim();
  if (rawZone) {
    const checked = checkHostName(rawZone);
    if ("problem" in checked) {
      throw new SyntaxError(
        `Cannot read tag "${DNS_ZONE_TAG}": "${rawZone}" is not a zone name: ${checked.problem}`,
      );
    }
    zone = checked.name;
    const outside = names.find((name) => name !== zone && !name.endsWith(`.${zone}`));
    if (outside) {
      throw new SyntaxError(
        `Cannot read tag "${DNS_TAG}": "${outside}" is not inside zone "${zone}"`,
      );
    }
  }
  const onStop = tags[DNS_ON_STOP_TAG]?.trim().toLowerCase() ?? "";
  if (onStop !== "" && onStop !== "keep" && onStop !== "delete") {
    throw new SyntaxError(
      `Cannot read tag "${DNS_ON_STOP_TAG}": "${
        tags[DNS_ON_STOP_TAG]
      }" is neither "keep" nor "delete"`,
    );
  }
  return { names, zone, keepOnStop: onStop === "keep" };
}

/**
 * `DNS_TTL` read: {@linkcode DEFAULT_DNS_TTL} when unset or empty, else whole
 * seconds from {@linkcode MIN_DNS_TTL} to {@linkcode MAX_DNS_TTL}.
 */
export function parseDnsTtl(value: string | undefined): number {
  if (value === undefined || value.trim() === "") return DEFAULT_DNS_TTL;
  const ttl = Number(value.trim());
  if (!/^\d+$/.test(value.trim()) || ttl < MIN_DNS_TTL || ttl > MAX_DNS_TTL) {
    throw new RangeError(
      `Cannot read DNS_TTL: it must be whole seconds from ${MIN_DNS_TTL} to ${MAX_DNS_TTL}`,
    );
  }
  return ttl;
}

/** What the DNS rules read of an instance: a subset of the EC2 client's `Instance`. */
export interface DnsInstance {
  id: string;
  state: string;
  publicIpAddress: string | null;
  /** The primary IPv6 address, when it has one. */
  ipv6Address?: string | null;
  tags: Readonly<Record<string, string>>;
}

/** One record to write or delete. */
export type DnsIntent =
  | { name: string; type: DnsRecordType; action: "upsert"; values: string[]; ttl: number }
  | { name: string; type: DnsRecordType; action: "remove" };

/** The writes an instance calls for. */
export interface DnsPlan {
  intents: DnsIntent[];
  /** Why nothing is written yet or at all, when `intents` is empty. */
  reason: string | null;
}

const GONE_STATES = new Set(["shutting-down", "terminated"]);
const STOPPED_STATES = new Set(["stopping", "stopped"]);

/**
 * The records an instance with DNS tags should have:
 * - running (or pending) with a public address: `A` for its IPv4, `AAAA` for its
 *   IPv6; a type it has no address for is deleted, so no name points at an
 *   address it gave up;
 * - pending without an address: nothing yet;
 * - running without any public address: both deleted;
 * - stopping or stopped: both deleted, unless `workwork:dns_on_stop=keep`;
 * - shutting-down or terminated: both deleted, whatever `keep` says, since
 *   the address is gone for good and may be handed to someone else.
 */
export function planDns(instance: DnsInstance, tags: DnsTags, ttl: number): DnsPlan {
  const ipv4 = instance.publicIpAddress || null;
  const ipv6 = instance.ipv6Address || null;
  const both = (name: string): DnsIntent[] => [
    ipv4
      ? { name, type: "A", action: "upsert", values: [ipv4], ttl }
      : { name, type: "A", action: "remove" },
    ipv6
      ? { name, type: "AAAA", action: "upsert", values: [ipv6], ttl }
      : { name, type: "AAAA", action: "remove" },
  ];
  const removeAll = (name: string): DnsIntent[] => [
    { name, type: "A", action: "remove" },
    { name, type: "AAAA", action: "remove" },
  ];
  if (instance.state === "running") {
    return { intents: tags.names.flatMap(both), reason: null };
  }
  if (instance.state === "pending") {
    if (!ipv4 && !ipv6) {
      return { intents: [], reason: "the instance is pending and has no public address yet" };
    }
    return { intents: tags.names.flatMap(both), reason: null };
  }
  if (GONE_STATES.has(instance.state)) {
    return { intents: tags.names.flatMap(removeAll), reason: null };
  }
  if (STOPPED_STATES.has(instance.state)) {
    if (tags.keepOnStop) return { intents: [], reason: `"${DNS_ON_STOP_TAG}" is "keep"` };
    return { intents: tags.names.flatMap(removeAll), reason: null };
  }
  return { intents: [], reason: `the state "${instance.state}" calls for no change` };
}

/** What was done for one record, or why it failed. */
export interface DnsOutcome {
  name: string;
  type: DnsRecordType;
  action: "upsert" | "remove";
  /** What was asked for, for an upsert. */
  values?: string[];
  result: DnsWriteResult | "failed";
  /** Why it failed, for `failed`. */
  error?: { code: DnsErrorCode; message: string };
}

/** What one reconcile did for one instance. */
export interface DnsReport {
  instanceId: string;
  provider: string;
  outcomes: DnsOutcome[];
  /** Why nothing was written: no tag, a bad tag, a state that waits. */
  skipped: string | null;
  /** Whether every write that was tried succeeded (and no tag was bad). */
  ok: boolean;
}

/**
 * Brings the records of one instance in line with its state and tags. Never
 * throws for DNS: a bad tag or a failed write is in the report, per name.
 */
export async function reconcileDns(
  provider: DnsProvider,
  instance: DnsInstance,
  options: { ttl?: number; signal?: AbortSignal } = {},
): Promise<DnsReport> {
  const report = (outcomes: DnsOutcome[], skipped: string | null, ok: boolean): DnsReport => ({
    instanceId: instance.id,
    provider: provider.name,
    outcomes,
    skipped,
    ok,
  });
  let tags: DnsTags | null;
  try {
    tags = parseDnsTags(instance.tags);
  } catch (error) {
    return report([], (error as Error).message, false);
  }
  if (tags === null) return report([], `the instance has no "${DNS_TAG}" tag`, true);
  const plan = planDns(instance, tags, options.ttl ?? DEFAULT_DNS_TTL);
  if (plan.intents.length === 0) return report([], plan.reason, true);
  const call: DnsCallOptions = { zone: tags.zone ?? undefined, signal: options.signal };
  const outcomes: DnsOutcome[] = [];
  for (const intent of plan.intents) {
    const outcome: DnsOutcome = {
      name: intent.name,
      type: intent.type,
      action: intent.action,
      ...(intent.action === "upsert" ? { values: intent.values } : {}),
      result: "failed",
    };
    try {
      outcome.result = intent.action === "upsert"
        ? await provider.upsert(intent.name, intent.type, intent.values, intent.ttl, call)
        : await provider.remove(intent.name, intent.type, call);
    } catch (error) {
      outcome.error = error instanceof DnsError
        ? { code: error.code, message: error.message }
        : { code: "unreachable", message: `The ${provider.name} DNS call failed unexpectedly` };
    }
    outcomes.push(outcome);
  }
  return report(outcomes, null, outcomes.every((outcome) => outcome.result !== "failed"));
}
