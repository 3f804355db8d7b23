/**
 * The Route53 client: REST-XML requests signed by aws4fetch (service
 * `route53`, region `us-east-1`), sent through an injected `fetch`, with one
 * retry policy and one deadline per call.
 *
 * @see https://docs.aws.amazon.com/Route53/latest/APIReference/API_Operations_Amazon_Route_53.html
 * @module
 */
import { AwsV4Signer } from "aws4fetch";
import { RETRYABLE_CODES, Route53Error, Route53TransportError } from "./_route53_errors.ts";
import {
  changeBatchXml,
  type ChangeInfo,
  type HostedZone,
  type HostedZonePage,
  readChangeInfo,
  readError,
  readHostedZonePage,
  readRecordSetPage,
  type RecordChange,
  type RecordSet,
  type RecordSetPage,
} from "./_route53_xml.ts";
import { deadline, type Fetch, type OutboundOptions, withRetries } from "../net/retry.ts";

export { isAlreadyGone, Route53Error, Route53TransportError } from "./_route53_errors.ts";
export type { Route53Failure } from "./_route53_errors.ts";
export type {
  ChangeInfo,
  HostedZone,
  HostedZonePage,
  RecordChange,
  RecordSet,
  RecordSetPage,
} from "./_route53_xml.ts";

/** Route53's one global endpoint. */
export const ROUTE53_ENDPOINT = "https://route53.amazonaws.com";
/** The region Route53 requests are signed for. */
export const ROUTE53_SIGNING_REGION = "us-east-1";
/** The API version in every path. */
export const ROUTE53_API_VERSION = "2013-04-01";
/** How long all attempts of one call may take together, by default. */
export const DEFAULT_TIMEOUT_MS = 10_000;
/** Attempts per call, as the AWS SDKs' standard retry mode. */
export const MAX_ATTEMPTS = 3;
/** Pages of ListHostedZonesByName read for one name at most. */
const MAX_ZONE_PAGES = 10;
const RETRY_POLICY = { maxAttempts: MAX_ATTEMPTS, baseDelayMs: 100, maxDelayMs: 2_000 };
const RETRYABLE_STATUSES = new Set([500, 502, 503, 504]);
const DATETIME_NOISE = /[:-]|\.\d{3}/g;

export type { Fetch } from "../net/retry.ts";

/** The credentials requests are signed with. */
export interface Route53Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Options of {@linkcode Route53Client}. */
export interface Route53ClientOptions extends OutboundOptions {
  /**
   * Fixed credentials, or a function that gives the current ones (the
   * service's credential chain, which refreshes them), as the EC2 client takes.
   */
  credentials: Route53Credentials | (() => Promise<Route53Credentials>);
  /** Base URL, e.g. from {@linkcode route53Endpoint}; {@linkcode ROUTE53_ENDPOINT} by default. */
  endpoint?: string;
  /** Deadline of one call, all attempts together. Default {@linkcode DEFAULT_TIMEOUT_MS}. */
  timeoutMs?: number;
  /** Signing clock. Default: the current time. */
  now?: () => Date;
}

/** Per-call options. */
export interface Route53CallOptions {
  /** Aborts every attempt; its abort counts as the deadline passing. */
  signal?: AbortSignal;
}

/**
 * The endpoint to use given the process's variables: `AWS_ENDPOINT_URL_ROUTE_53`,
 * then `AWS_ENDPOINT_URL` (as the AWS SDKs read them), then Route53's own.
 */
export function route53Endpoint(env: Readonly<Record<string, string | undefined>>): string {
  return env.AWS_ENDPOINT_URL_ROUTE_53 || env.AWS_ENDPOINT_URL || ROUTE53_ENDPOINT;
}

/** A signed, retrying client for the Route53 REST-XML API. */
export class Route53Client {
  readonly #options: Route53ClientOptions;
  readonly #fetch: Fetch;
  readonly #base: string;
  readonly #timeoutMs: number;
  readonly #random: () => number;

  constructor(options: Route53ClientOptions) {
    if (typeof options.credentials !== "function") {
      const { accessKeyId, secretAccessKey } = options.credentials;
      if (!accessKeyId || !secretAccessKey) {
        throw new TypeError("Cannot create Route53 client: credentials are incomplete");
      }
    }
    const base = options.endpoint ?? ROUTE53_ENDPOINT;
    if (!URL.canParse(base)) {
      throw new TypeError(`Cannot create Route53 client: endpoint "${base}" is not a URL`);
    }
    this.#options = options;
    this.#fetch = options.fetch ?? ((url, init) => fetch(url, init));
    this.#base = base.replace(/\/+$/, "");
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#random = options.random ?? Math.random;
  }

  /** One page of ListHostedZonesByName, starting at `dnsName` in Route53's order. */
  async listHostedZonesByName(
    options: Route53CallOptions & { dnsName?: string; hostedZoneId?: string; maxItems?: number } =
      {},
  ): Promise<HostedZonePage> {
    const query = new URLSearchParams();
    if (options.dnsName !== undefined) query.set("dnsname", options.dnsName);
    if (options.hostedZoneId !== undefined) query.set("hostedzoneid", options.hostedZoneId);
    if (options.maxItems !== undefined) query.set("maxitems", String(options.maxItems));
    return await this.#call(
      "GET",
      withQuery("/hostedzonesbyname", query),
      undefined,
      options,
      (xml, r) => readHostedZonePage(xml, r),
    );
  }

  /**
   * The public hosted zones named exactly `name` (any case, final dot or not),
   * reading as many pages as it takes. Private zones are left out: records
   * written there would not be seen from the internet.
   */
  async publicZonesNamed(name: string, options: Route53CallOptions = {}): Promise<HostedZone[]> {
    const wanted = canonicalName(name);
    const found: HostedZone[] = [];
    let dnsName: string | undefined = wanted;
    let hostedZoneId: string | undefined;
    for (let page = 0; page < MAX_ZONE_PAGES; page++) {
      const result = await this.listHostedZonesByName({ ...options, dnsName, hostedZoneId });
      for (const zone of result.zones) {
        if (canonicalName(zone.name) !== wanted) return found;
        if (!zone.privateZone) found.push(zone);
      }
      if (
        !result.isTruncated || result.nextDnsName === null ||
        canonicalName(result.nextDnsName) !== wanted
      ) {
        return found;
      }
      dnsName = result.nextDnsName;
      hostedZoneId = result.nextHostedZoneId ?? undefined;
    }
    return found;
  }

  /** One page of ListResourceRecordSets, starting at `name` and `type` when given. */
  async listResourceRecordSets(
    zoneId: string,
    options: Route53CallOptions & { name?: string; type?: string; maxItems?: number } = {},
  ): Promise<RecordSetPage> {
    const query = new URLSearchParams();
    if (options.name !== undefined) query.set("name", options.name);
    if (options.type !== undefined) query.set("type", options.type);
    if (options.maxItems !== undefined) query.set("maxitems", String(options.maxItems));
    return await this.#call(
      "GET",
      withQuery(`/hostedzone/${encodeURIComponent(zoneId)}/rrset`, query),
      undefined,
      options,
      readRecordSetPage,
    );
  }

  /**
   * The simple record set named `name` of `type` in zone `zoneId`, or null.
   * Weighted, latency and other routing-policy sets (with a set identifier)
   * are not this service's and are never returned.
   */
  async recordSet(
    zoneId: string,
    name: string,
    type: string,
    options: Route53CallOptions = {},
  ): Promise<RecordSet | null> {
    const page = await this.listResourceRecordSets(zoneId, {
      ...options,
      name,
      type,
      maxItems: 1,
    });
    const wanted = canonicalName(name);
    return page.recordSets.find((set) =>
      canonicalName(set.name) === wanted && set.type === type && set.setIdentifier === null
    ) ?? null;
  }

  /** ChangeResourceRecordSets: all `changes` as one transaction. */
  async changeResourceRecordSets(
    zoneId: string,
    changes: readonly RecordChange[],
    options: Route53CallOptions & { comment?: string } = {},
  ): Promise<ChangeInfo> {
    if (changes.length === 0) {
      throw new RangeError("Cannot change resource record sets: no change given");
    }
    return await this.#call(
      "POST",
      `/hostedzone/${encodeURIComponent(zoneId)}/rrset`,
      changeBatchXml(changes, options.comment),
      options,
      (xml, r) => readChangeInfo(xml, r, "ChangeResourceRecordSetsResponse"),
    );
  }

  /** GetChange: whether a change batch has reached every Route53 name server (`INSYNC`). */
  async getChange(changeId: string, options: Route53CallOptions = {}): Promise<ChangeInfo> {
    const id = changeId.slice(changeId.lastIndexOf("/") + 1);
    return await this.#call(
      "GET",
      `/change/${encodeURIComponent(id)}`,
      undefined,
      options,
      (xml, r) => readChangeInfo(xml, r, "GetChangeResponse"),
    );
  }

  /**
   * Sends one call with the retry policy. Every call here may be repeated: the
   * reads change nothing, an UPSERT twice is the UPSERT once, and a DELETE
   * repeated after it took effect answers "not found", which callers take as
   * done.
   */
  async #call<T>(
    method: "GET" | "POST",
    path: string,
    body: string | undefined,
    options: Route53CallOptions,
    read: (xml: string, response: Response) => T,
  ): Promise<T> {
    const signal = deadline(options.signal, this.#timeoutMs);
    const url = `${this.#base}/${ROUTE53_API_VERSION}${path}`;
    const answer = await withRetries<
      { text: string; response: Response },
      Route53Error | Route53TransportError
    >(() => this.#attempt(method, url, body, signal), {
      policy: RETRY_POLICY,
      retryable: isRetryable,
      random: this.#random,
      signal,
      onTimeout: () => new Route53TransportError("timeout", "Route53 did not answer in time"),
    });
    return read(answer.text, answer.response);
  }

  async #attempt(
    method: string,
    url: string,
    body: string | undefined,
    signal: AbortSignal,
  ): Promise<{ text: string; response: Response } | Route53Error | Route53TransportError> {
    const provide = this.#options.credentials;
    const { accessKeyId, secretAccessKey, sessionToken } = typeof provide === "function"
      ? await provide()
      : provide;
    const signed = await new AwsV4Signer({
      method,
      url,
      headers: body === undefined ? {} : { "content-type": "application/xml" },
      body,
      accessKeyId,
      secretAccessKey,
      sessionToken: sessionToken || undefined,
      service: "route53",
      region: ROUTE53_SIGNING_REGION,
      datetime: this.#options.now?.().toISOString().replace(DATETIME_NOISE, ""),
    }).sign();
    let response: Response;
    try {
      response = await this.#fetch(url, { method, headers: signed.headers, body, signal });
    } catch (cause) {
      if (signal.aborted) {
        throw new Route53TransportError("timeout", "Route53 did not answer in time", { cause });
      }
      return new Route53TransportError("network", "Cannot reach Route53", { cause });
    }
    // Read every body, failed ones too: an unread body holds the connection.
    let text: string;
    try {
      text = await response.text();
    } catch (cause) {
      if (signal.aborted) {
        throw new Route53TransportError("timeout", "Route53 did not answer in time", { cause });
      }
      return new Route53TransportError("network", "Route53's answer broke off", { cause });
    }
    if (response.ok) return { text, response };
    const error = readError(text, response.status, response.headers.get("x-amzn-requestid"));
    if (error instanceof Route53Error || error instanceof Route53TransportError) return error;
    throw error;
  }
}

function withQuery(path: string, query: URLSearchParams): string {
  const text = query.toString();
  return text === "" ? path : `${path}?${text}`;
}

/** `Game.Example.com` and `game.example.com.` alike → `game.example.com.`. */
export function canonicalName(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith(".") ? lower : `${lower}.`;
}

function isRetryable(error: Route53Error | Route53TransportError): boolean {
  if (error instanceof Route53Error) {
    return RETRYABLE_CODES.has(error.code) || RETRYABLE_STATUSES.has(error.status);
  }
  return error.failure === "network" ||
    (error.status !== null && RETRYABLE_STATUSES.has(error.status));
}
