/**
 * The one DNS provider interface, and the error its implementations throw.
 *
 * @module
 */

/** The record types this service writes. */
export type DnsRecordType = "A" | "AAAA";

/** A zone a provider holds. */
export interface DnsZone {
  /** The provider's id: a Route53 hosted zone id, a Cloudflare zone id. */
  id: string;
  /** Bare lowercase name: `example.com`. */
  name: string;
}

/** What a write did. */
export type DnsWriteResult = "created" | "updated" | "unchanged" | "deleted" | "absent";

/** Options of every provider call. */
export interface DnsCallOptions {
  /** The zone to use (`workwork:dns_zone`), by name; the longest matching public zone when absent. */
  zone?: string;
  signal?: AbortSignal;
}

/** One DNS provider: Route53 or Cloudflare. Zone lookups are kept per provider instance. */
export interface DnsProvider {
  /** `route53` or `cloudflare`, for reports. */
  readonly name: string;
  /** The zone `hostName` is written in; a {@linkcode DnsError} when there is none. */
  zoneFor(hostName: string, options?: DnsCallOptions): Promise<DnsZone>;
  /** Makes `hostName`'s `type` records exactly `values` with `ttl`. */
  upsert(
    hostName: string,
    type: DnsRecordType,
    values: readonly string[],
    ttl: number,
    options?: DnsCallOptions,
  ): Promise<DnsWriteResult>;
  /**
   * The values of `hostName`'s `type` records as the provider holds them now
   * (what its name servers answer once the change is out), `[]` for none.
   */
  lookup(hostName: string, type: DnsRecordType, options?: DnsCallOptions): Promise<string[]>;
  /** Deletes `hostName`'s `type` records, whatever their values; `absent` when there were none. */
  remove(hostName: string, type: DnsRecordType, options?: DnsCallOptions): Promise<DnsWriteResult>;
}

/** Why a DNS write failed. */
export type DnsErrorCode =
  /** No public zone holds the name (or the named zone does not exist). */
  | "no_zone"
  /** Several public zones have the name; Route53 allows it. */
  | "ambiguous_zone"
  /** The zone named by `workwork:dns_zone` does not hold the name. */
  | "outside_zone"
  /** The provider turned the request away: access, throttling, bad values. */
  | "refused"
  /** No usable answer from the provider: network, timeout. */
  | "unreachable";

/** A DNS write that failed, with the provider's code when it gave one. */
export class DnsError extends Error {
  readonly code: DnsErrorCode;
  /** The provider's own code, e.g. `AccessDenied`, `9109`. */
  readonly providerCode: string | null;

  constructor(
    code: DnsErrorCode,
    message: string,
    options: { providerCode?: string | null; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "DnsError";
    this.code = code;
    this.providerCode = options.providerCode ?? null;
  }
}
