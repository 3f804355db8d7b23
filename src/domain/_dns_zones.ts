/**
 * The plumbing both DNS provider adapters share: bare names, the zone a host
 * name is written in (named by `workwork:dns_zone` or the longest match), and
 * provider failures turned into {@linkcode DnsError}s.
 *
 * @module
 */
import { isInZone, ZoneCache } from "./_dns_names.ts";
import { type DnsCallOptions, DnsError, type DnsZone } from "./_dns_provider.ts";

/** `name` lowercased, without its final dot. */
export function bare(name: string): string {
  return name.toLowerCase().replace(/\.$/, "");
}

/** How a provider says that no zone it can see fits. */
export interface NoZoneMessages {
  /** No zone is named `zone` (the one `workwork:dns_zone` asked for). */
  named(zone: string): string;
  /** No zone holds host name `name`. */
  holding(name: string): string;
}

/**
 * The `zoneFor` of a provider: the zone `call.zone` names (which must hold
 * the host name), else the longest matching one of `zones`; a
 * {@linkcode DnsError} (`no_zone`, `outside_zone`) when there is none.
 */
export function zoneFinder(
  zones: ZoneCache<DnsZone>,
  messages: NoZoneMessages,
): (hostName: string, call?: DnsCallOptions) => Promise<DnsZone> {
  return async (hostName, call = {}) => {
    const name = bare(hostName);
    if (call.zone !== undefined) {
      const zone = await zones.named(bare(call.zone));
      if (zone === null) throw new DnsError("no_zone", messages.named(bare(call.zone)));
      if (!isInZone(name, zone.name)) {
        throw new DnsError("outside_zone", `"${name}" is not inside zone "${zone.name}"`);
      }
      return zone;
    }
    const zone = await zones.longestMatch(name);
    if (zone === null) throw new DnsError("no_zone", messages.holding(name));
    return zone;
  };
}

/**
 * A `guarded(call)` that runs `call` and throws what it throws as
 * `translate` turns it (a provider error into a {@linkcode DnsError}).
 */
export function guardedBy(
  translate: (error: unknown) => unknown,
): <T>(call: () => Promise<T>) => Promise<T> {
  return async (call) => {
    try {
      return await call();
    } catch (error) {
      throw translate(error);
    }
  };
}
