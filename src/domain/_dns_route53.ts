/**
 * The DNS provider interface over the Route53 client: zones by longest
 * matching public name, a record read before each write so that a sweep
 * that finds nothing to change sends no change, and DELETEs that repeat the
 * record exactly as Route53 requires.
 *
 * @module
 */
import {
  isAlreadyGone,
  type Route53Client,
  Route53Error,
  Route53TransportError,
} from "../aws/route53.ts";
import { ZoneCache } from "./_dns_names.ts";
import { bare, guardedBy, zoneFinder } from "./_dns_zones.ts";
import {
  DnsError,
  type DnsProvider,
  DnsRecordType,
  DnsWriteResult,
  DnsZone,
} from "./_dns_provider.ts";

/**
 * Credential problems, named for the operator. Route53's own message is not
 * echoed: AccessDenied's names the account and the IAM user.
 */
const CREDENTIAL_MESSAGES: Record<string, string> = {
  AccessDenied:
    "This service's AWS credentials may not do this in Route53 (AccessDenied): check their IAM policy",
  InvalidClientTokenId:
    "Route53 rejected this service's AWS credentials (InvalidClientTokenId): check the keys",
  SignatureDoesNotMatch:
    "Route53 rejected the request's signature (SignatureDoesNotMatch): check the secret key and the clock",
  ExpiredToken: "This service's AWS session token has expired (ExpiredToken)",
  MissingAuthenticationToken: "Route53 received no credentials (MissingAuthenticationToken)",
};

/** A {@linkcode DnsProvider} writing to Route53 through `client`. */
export function route53DnsProvider(
  client: Route53Client,
  options: { now?: () => number } = {},
): DnsProvider {
  const zones = new ZoneCache<DnsZone>(async (zoneName) => {
    const found = await guarded(() => client.publicZonesNamed(zoneName));
    if (found.length > 1) {
      throw new DnsError(
        "ambiguous_zone",
        `Several public hosted zones are named "${zoneName}"; Route53 cannot tell which to write`,
      );
    }
    return found.length === 0 ? null : { id: found[0].id, name: zoneName };
  }, options.now);

  const zoneFor = zoneFinder(zones, {
    named: (zone) => `No public hosted zone is named "${zone}"`,
    holding: (name) => `No public hosted zone holds "${name}"`,
  });

  return {
    name: "route53",
    zoneFor,
    async upsert(hostName, type, values, ttl, call = {}): Promise<DnsWriteResult> {
      const zone = await zoneFor(hostName, call);
      const signal = call.signal;
      const current = await guarded(() => client.recordSet(zone.id, hostName, type, { signal }));
      if (current && current.ttl === ttl && sameValues(current.values, values)) return "unchanged";
      await guarded(() =>
        client.changeResourceRecordSets(zone.id, [
          { action: "UPSERT", name: bare(hostName), type, ttl, values },
        ], { signal, comment: "workwork: DNS follows the instance" })
      );
      return current ? "updated" : "created";
    },
    async lookup(hostName, type, call = {}): Promise<string[]> {
      const zone = await zoneFor(hostName, call);
      const signal = call.signal;
      const current = await guarded(() => client.recordSet(zone.id, hostName, type, { signal }));
      return current ? [...current.values] : [];
    },
    async remove(hostName, type: DnsRecordType, call = {}): Promise<DnsWriteResult> {
      const zone = await zoneFor(hostName, call);
      const signal = call.signal;
      const current = await guarded(() => client.recordSet(zone.id, hostName, type, { signal }));
      if (current === null || current.ttl === null) return "absent";
      try {
        await client.changeResourceRecordSets(zone.id, [
          {
            action: "DELETE",
            name: bare(hostName),
            type,
            ttl: current.ttl,
            values: current.values,
          },
        ], { signal });
      } catch (error) {
        // Deleted by someone else between the read and the change: the goal is met.
        if (isAlreadyGone(error)) return "absent";
        throw asDnsError(error);
      }
      return "deleted";
    },
  };
}

const guarded = guardedBy(asDnsError);

function asDnsError(error: unknown): unknown {
  if (error instanceof DnsError) return error;
  if (error instanceof Route53Error) {
    const code = error.code === "NoSuchHostedZone" ? "no_zone" : "refused";
    const message = CREDENTIAL_MESSAGES[error.code] ??
      `Route53 refused the request (${error.code}): ${error.message}`;
    return new DnsError(code, message, {
      providerCode: error.code,
      cause: error,
    });
  }
  if (error instanceof Route53TransportError) {
    return new DnsError("unreachable", error.message, {
      providerCode: error.failure,
      cause: error,
    });
  }
  return error;
}

function sameValues(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join("\n") === [...b].sort().join("\n");
}
