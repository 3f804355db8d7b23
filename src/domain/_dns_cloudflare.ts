/**
 * The DNS provider interface over the Cloudflare DNS client. Cloudflare keeps
 * one record per value, so a name's `A` records are made to match the wanted
 * values by updating the records there, creating missing ones and deleting
 * the rest. A record's `proxied` setting is left as the user set it.
 *
 * @module
 */
import {
  type CloudflareDnsClient,
  CloudflareError,
  RECORD_NOT_FOUND_CODE,
} from "../cloudflare/dns.ts";
import { ZoneCache } from "./_dns_names.ts";
import { bare, guardedBy, zoneFinder } from "./_dns_zones.ts";
import { DnsError, type DnsProvider, DnsWriteResult, DnsZone } from "./_dns_provider.ts";

/** A {@linkcode DnsProvider} writing to Cloudflare through `client`. */
export function cloudflareDnsProvider(
  client: CloudflareDnsClient,
  options: { now?: () => number } = {},
): DnsProvider {
  const zones = new ZoneCache<DnsZone>(async (zoneName) => {
    const found = await guarded(() => client.zonesNamed(zoneName));
    return found.length === 0 ? null : { id: found[0].id, name: zoneName };
  }, options.now);

  const zoneFor = zoneFinder(zones, {
    named: (zone) => `No Cloudflare zone the token can see is named "${zone}"`,
    holding: (name) => `No Cloudflare zone the token can see holds "${name}"`,
  });

  return {
    name: "cloudflare",
    zoneFor,
    async upsert(hostName, type, values, ttl, call = {}): Promise<DnsWriteResult> {
      const zone = await zoneFor(hostName, call);
      const signal = call.signal;
      const name = bare(hostName);
      const current = await guarded(() => client.records(zone.id, type, name, { signal }));
      const missing = values.filter((value) => !current.some((r) => r.content === value));
      const surplus = current.filter((r) => !values.includes(r.content));
      const stale = current.filter((r) => values.includes(r.content) && r.ttl !== ttl);
      if (missing.length === 0 && surplus.length === 0 && stale.length === 0) return "unchanged";
      for (const record of stale) {
        await guarded(() =>
          client.updateRecord(zone.id, record.id, { content: record.content, ttl }, { signal })
        );
      }
      // Records that point elsewhere are moved to the missing values first, keeping their ids.
      for (const value of missing) {
        const reused = surplus.shift();
        await guarded(() =>
          reused
            ? client.updateRecord(zone.id, reused.id, { content: value, ttl }, { signal })
            : client.createRecord(zone.id, { type, name, content: value, ttl }, { signal })
        );
      }
      for (const record of surplus) await deleteQuietly(client, zone.id, record.id, signal);
      return current.length === 0 ? "created" : "updated";
    },
    async lookup(hostName, type, call = {}): Promise<string[]> {
      const zone = await zoneFor(hostName, call);
      const signal = call.signal;
      const current = await guarded(() =>
        client.records(zone.id, type, bare(hostName), { signal })
      );
      return current.map((record) => record.content);
    },
    async remove(hostName, type, call = {}): Promise<DnsWriteResult> {
      const zone = await zoneFor(hostName, call);
      const signal = call.signal;
      const current = await guarded(() =>
        client.records(zone.id, type, bare(hostName), { signal })
      );
      if (current.length === 0) return "absent";
      for (const record of current) await deleteQuietly(client, zone.id, record.id, signal);
      return "deleted";
    },
  };
}

/** Deletes a record; one already gone counts as deleted. */
async function deleteQuietly(
  client: CloudflareDnsClient,
  zoneId: string,
  recordId: string,
  signal: AbortSignal | undefined,
): Promise<void> {
  try {
    await client.deleteRecord(zoneId, recordId, { signal });
  } catch (error) {
    if (error instanceof CloudflareError && error.has(RECORD_NOT_FOUND_CODE)) return;
    throw asDnsError(error);
  }
}

const guarded = guardedBy(asDnsError);

function asDnsError(error: unknown): unknown {
  if (error instanceof DnsError) return error;
  if (error instanceof CloudflareError) {
    const first = error.errors[0];
    return new DnsError(error.status === 0 ? "unreachable" : "refused", error.message, {
      providerCode: first ? String(first.code) : null,
      cause: error,
    });
  }
  return error;
}
