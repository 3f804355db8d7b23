/**
 * What the wake-up page shows of one instance: its state, whether its names
 * point at it yet (read from the DNS provider's own records, not resolved by
 * a resolver that may cache an old answer), and where to send the browser
 * once it is ready (`workwork:url`).
 *
 * @module
 */
import type { Instance } from "../aws/ec2_types.ts";
import { DNS_TAG, DnsError, type DnsRecordType, parseDnsTags } from "./dns.ts";
import type { DnsSettings } from "./dns_follow.ts";

/** The tag naming where the browser goes once the box is ready: `https://dev.example.com:8443/`. */
export const URL_TAG = "workwork:url";
const URL_PROTOCOLS: ReadonlySet<string> = new Set(["https:", "http:"]);
const MAX_URL_LENGTH = 2048;

/** The `workwork:url` of an instance, checked: an http or https URL, or why it is not one. */
export type WakeUrl = { url: string } | { url: null; problem: string | null };

/**
 * Reads `workwork:url`: an absolute `https:` or `http:` URL without user name
 * or password, at most 2048 characters. Anything else (`javascript:`,
 * `data:`, a relative path) is refused with the reason, and the page then
 * stays where it is.
 */
export function wakeUrl(tags: Readonly<Record<string, string>>): WakeUrl {
  const raw = tags[URL_TAG]?.trim();
  if (!raw) return { url: null, problem: null };
  const refuse = (why: string): WakeUrl => ({
    url: null,
    problem: `Tag "${URL_TAG}" is not used: ${why}`,
  });
  if (raw.length > MAX_URL_LENGTH) return refuse(`it is longer than ${MAX_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refuse("it is not an absolute URL");
  }
  if (!URL_PROTOCOLS.has(url.protocol)) return refuse(`only http and https URLs are followed`);
  if (url.username || url.password) return refuse("it carries a user name or password");
  return { url: url.href };
}

/** One record a name should have, and what the provider holds. */
export interface NameCheck {
  name: string;
  type: DnsRecordType;
  /** The instance's address for this type. */
  expected: string;
  /** The values the provider's record holds now; `[]` when there is none. */
  found: string[];
  /** Whether the record holds exactly the instance's address. */
  resolves: boolean;
  /** Why the provider could not be read. */
  error?: string;
}

/** What the wake-up page shows. */
export interface WakeStatus {
  region: string;
  instance_id: string;
  name: string | null;
  state: string;
  public_ip_address: string | null;
  ipv6_address: string | null;
  /** Where the page sends the browser once `ready`; null when none (or refused, see `url_problem`). */
  url: string | null;
  url_problem: string | null;
  /** The records of `workwork:dns`, checked while the instance runs; `[]` otherwise. */
  names: NameCheck[];
  /** Whether every name points at the instance (true when it has no `workwork:dns` tag). */
  resolves: boolean;
  /** Running, with its public address, and its names pointing at it. */
  ready: boolean;
  /** Why the names cannot be checked: no provider, a bad tag. */
  dns_problem: string | null;
  /** Whether the caller may start it. */
  may_start: boolean;
}

/**
 * The status of `instance`. While it runs, reads each name's records from
 * the provider (two reads per name, once the zone is known); otherwise makes
 * no call. Never throws for DNS.
 */
export async function wakeStatus(
  region: string,
  instance: Instance,
  options: { dns?: DnsSettings; mayStart: boolean; signal?: AbortSignal },
): Promise<WakeStatus> {
  const target = wakeUrl(instance.tags);
  const status: WakeStatus = {
    region,
    instance_id: instance.id,
    name: instance.tags.Name ?? null,
    state: instance.state,
    public_ip_address: instance.publicIpAddress,
    ipv6_address: instance.ipv6Address ?? null,
    url: target.url,
    url_problem: target.url === null ? target.problem : null,
    names: [],
    resolves: true,
    ready: false,
    dns_problem: null,
    may_start: options.mayStart,
  };
  const running = instance.state === "running" && instance.publicIpAddress !== null;
  if ((instance.tags[DNS_TAG] ?? "").trim() !== "") {
    status.resolves = false;
    let tags;
    try {
      tags = parseDnsTags(instance.tags);
    } catch (error) {
      status.dns_problem = (error as Error).message;
    }
    if (tags && !options.dns) {
      status.dns_problem = "No DNS provider is configured: names cannot be checked";
    }
    if (tags && options.dns && running) {
      const wanted: [DnsRecordType, string | null][] = [
        ["A", instance.publicIpAddress],
        ["AAAA", instance.ipv6Address ?? null],
      ];
      const call = { zone: tags.zone ?? undefined, signal: options.signal };
      for (const name of tags.names) {
        for (const [type, expected] of wanted) {
          if (expected === null) continue;
          const check: NameCheck = { name, type, expected, found: [], resolves: false };
          try {
            check.found = await options.dns.provider.lookup(name, type, call);
            check.resolves = check.found.length === 1 && check.found[0] === expected;
          } catch (error) {
            check.error = error instanceof DnsError
              ? error.message
              : `The ${options.dns.provider.name} records could not be read`;
          }
          status.names.push(check);
        }
      }
      status.resolves = status.names.every((check) => check.resolves);
    }
  }
  status.ready = running && status.resolves;
  return status;
}
