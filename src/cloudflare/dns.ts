/**
 * A Cloudflare DNS client (API v4): zones by name and the DNS records of a
 * zone, with a bearer token (`CLOUDFLARE_API_TOKEN`), through an injected
 * `fetch`, with one retry policy and one deadline per call.
 *
 * Every answer is Cloudflare's envelope `{ success, errors, messages, result }`;
 * a failure is a {@linkcode CloudflareError} carrying Cloudflare's codes.
 *
 * @see https://developers.cloudflare.com/api/resources/dns/subresources/records/
 * @module
 */
import { deadline, type Fetch, type OutboundOptions, withRetries } from "../net/retry.ts";

/** Cloudflare's API base. */
export const CLOUDFLARE_API_BASE = "https://api.cloudflare.com/client/v4";
/** How long all attempts of one call may take together, by default. */
export const DEFAULT_TIMEOUT_MS = 10_000;
/** Attempts per call. */
export const MAX_ATTEMPTS = 3;
/** Cloudflare's largest page of DNS records. */
const PER_PAGE = 100;
/** Pages read at most for one name and type. */
const MAX_PAGES = 10;
const RETRY_POLICY = { maxAttempts: MAX_ATTEMPTS, baseDelayMs: 200, maxDelayMs: 2_000 };
const RETRYABLE_STATUSES = new Set([429, 500, 502, 503, 504]);
/** Cloudflare's code for "Record does not exist", answered to a DELETE of a gone record. */
export const RECORD_NOT_FOUND_CODE = 81044;

export type { Fetch } from "../net/retry.ts";

/** A zone as Cloudflare lists it. */
export interface CloudflareZone {
  id: string;
  /** `example.com`, no final dot. */
  name: string;
  /** `active`, `pending`, `initializing`, `moved`… */
  status: string;
}

/** A DNS record as Cloudflare lists it. */
export interface CloudflareRecord {
  id: string;
  type: string;
  name: string;
  content: string;
  /** Seconds; 1 means "automatic". */
  ttl: number;
  proxied: boolean;
}

/** One error of Cloudflare's `errors` list. */
export interface CloudflareErrorItem {
  code: number;
  message: string;
}

/** Cloudflare answered `success: false`, or with an HTTP error status. */
export class CloudflareError extends Error {
  /** The HTTP status; 0 when no answer came (network, timeout). */
  readonly status: number;
  /** Cloudflare's errors, as it listed them. */
  readonly errors: readonly CloudflareErrorItem[];
  /** Cloudflare's `cf-ray`, to quote to its support; null when absent. */
  readonly ray: string | null;

  constructor(
    message: string,
    options: {
      status: number;
      errors?: readonly CloudflareErrorItem[];
      ray?: string | null;
      cause?: unknown;
    },
  ) {
    super(message, { cause: options.cause });
    this.name = "CloudflareError";
    this.status = options.status;
    this.errors = options.errors ?? [];
    this.ray = options.ray ?? null;
  }

  /** Whether Cloudflare listed error `code`. */
  has(code: number): boolean {
    return this.errors.some((error) => error.code === code);
  }
}

/** Options of {@linkcode CloudflareDnsClient}. */
export interface CloudflareDnsClientOptions extends OutboundOptions {
  /** An API token with Zone:Read and DNS:Edit on the zones to write. */
  token: string;
  /** API base; {@linkcode CLOUDFLARE_API_BASE} by default (a fake's, in tests). */
  baseUrl?: string;
}

/** Per-call options. */
export interface CloudflareCallOptions {
  signal?: AbortSignal;
}

/** The fields of a record to create. */
export interface NewRecord {
  type: string;
  name: string;
  content: string;
  ttl: number;
  proxied?: boolean;
}

/** A signed-in client for Cloudflare's zones and DNS records. */
export class CloudflareDnsClient {
  readonly #token: string;
  readonly #fetch: Fetch;
  readonly #base: string;
  readonly #timeoutMs: number;
  readonly #random: () => number;

  constructor(options: CloudflareDnsClientOptions) {
    if (!options.token) {
      throw new TypeError("Cannot create Cloudflare DNS client: the API token is empty");
    }
    const base = options.baseUrl ?? CLOUDFLARE_API_BASE;
    if (!URL.canParse(base)) {
      throw new TypeError(`Cannot create Cloudflare DNS client: base URL "${base}" is not a URL`);
    }
    this.#token = options.token;
    this.#fetch = options.fetch ?? ((url, init) => fetch(url, init));
    this.#base = base.replace(/\/+$/, "");
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#random = options.random ?? Math.random;
  }

  /** The zones the token can see named exactly `name` (`GET /zones?name=`). */
  async zonesNamed(name: string, options: CloudflareCallOptions = {}): Promise<CloudflareZone[]> {
    const wanted = bareName(name);
    const result = await this.#call("GET", `/zones?${new URLSearchParams({ name: wanted })}`, {
      ...options,
    });
    return asArray(result).map(readZone).filter((zone) => bareName(zone.name) === wanted);
  }

  /** Every record of `type` named exactly `name` in zone `zoneId`, across pages. */
  async records(
    zoneId: string,
    type: string,
    name: string,
    options: CloudflareCallOptions = {},
  ): Promise<CloudflareRecord[]> {
    const wanted = bareName(name);
    const found: CloudflareRecord[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const query = new URLSearchParams({
        type,
        name: wanted,
        per_page: String(PER_PAGE),
        page: String(page),
      });
      const result = asArray(
        await this.#call(
          "GET",
          `/zones/${encodeURIComponent(zoneId)}/dns_records?${query}`,
          options,
        ),
      );
      for (const item of result) {
        const record = readRecord(item);
        if (record.type === type && bareName(record.name) === wanted) found.push(record);
      }
      if (result.length < PER_PAGE) break;
    }
    return found;
  }

  /** Creates a record (`POST /zones/:id/dns_records`); not proxied unless asked. */
  async createRecord(
    zoneId: string,
    record: NewRecord,
    options: CloudflareCallOptions = {},
  ): Promise<CloudflareRecord> {
    return readRecord(
      await this.#call("POST", `/zones/${encodeURIComponent(zoneId)}/dns_records`, {
        ...options,
        body: { ...record, name: bareName(record.name), proxied: record.proxied ?? false },
        repeatable: false,
      }),
    );
  }

  /** Changes a record's content and TTL (`PATCH`), leaving its other fields (proxied) as they are. */
  async updateRecord(
    zoneId: string,
    recordId: string,
    change: { content: string; ttl: number },
    options: CloudflareCallOptions = {},
  ): Promise<CloudflareRecord> {
    return readRecord(
      await this.#call(
        "PATCH",
        `/zones/${encodeURIComponent(zoneId)}/dns_records/${encodeURIComponent(recordId)}`,
        { ...options, body: change },
      ),
    );
  }

  /** Deletes a record (`DELETE`). A record already gone is a {@linkcode CloudflareError} with code 81044. */
  async deleteRecord(
    zoneId: string,
    recordId: string,
    options: CloudflareCallOptions = {},
  ): Promise<void> {
    await this.#call(
      "DELETE",
      `/zones/${encodeURIComponent(zoneId)}/dns_records/${encodeURIComponent(recordId)}`,
      options,
    );
  }

  async #call(
    method: string,
    path: string,
    options: CloudflareCallOptions & { body?: unknown; repeatable?: boolean },
  ): Promise<unknown> {
    const signal = deadline(options.signal, this.#timeoutMs);
    const answer = await withRetries<{ result: unknown }, CloudflareError>(
      () => this.#attempt(method, path, options.body, signal),
      {
        policy: RETRY_POLICY,
        // A create is repeated only when Cloudflare turned it away (429): a lost answer may hide a record made.
        retryable: (error) =>
          RETRYABLE_STATUSES.has(error.status) &&
            (options.repeatable !== false || error.status === 429) ||
          (error.status === 0 && options.repeatable !== false),
        random: this.#random,
        signal,
        onTimeout: () => new CloudflareError("Cloudflare did not answer in time", { status: 0 }),
      },
    );
    return answer.result;
  }

  async #attempt(
    method: string,
    path: string,
    body: unknown,
    signal: AbortSignal,
  ): Promise<{ result: unknown } | CloudflareError> {
    let response: Response;
    try {
      response = await this.#fetch(`${this.#base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.#token}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      });
    } catch (cause) {
      if (signal.aborted) {
        throw new CloudflareError("Cloudflare did not answer in time", { status: 0, cause });
      }
      return new CloudflareError("Cannot reach Cloudflare", { status: 0, cause });
    }
    const ray = response.headers.get("cf-ray");
    let envelope: unknown;
    try {
      envelope = JSON.parse(await response.text());
    } catch (cause) {
      if (signal.aborted) {
        throw new CloudflareError("Cloudflare did not answer in time", { status: 0, cause });
      }
      return new CloudflareError(`Cloudflare answered HTTP ${response.status} without JSON`, {
        status: response.status,
        ray,
        cause,
      });
    }
    const record = typeof envelope === "object" && envelope !== null
      ? envelope as Record<string, unknown>
      : {};
    if (response.ok && record.success === true) return { result: record.result };
    const errors = asArray(record.errors).map((item): CloudflareErrorItem => {
      const error = typeof item === "object" && item !== null
        ? item as Record<string, unknown>
        : {};
      return { code: Number(error.code) || 0, message: String(error.message ?? "") };
    });
    const detail = errors.map((error) => `${error.code} ${error.message}`).join("; ") ||
      "no error given";
    return new CloudflareError(`Cloudflare refused ${method} ${path.split("?")[0]}: ${detail}`, {
      status: response.ok ? 502 : response.status,
      errors,
      ray,
    });
  }
}

/** `Game.Example.com.` → `game.example.com`: how Cloudflare names things. */
function bareName(name: string): string {
  return name.toLowerCase().replace(/\.$/, "");
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function readZone(item: unknown): CloudflareZone {
  const zone = (typeof item === "object" && item !== null ? item : {}) as Record<string, unknown>;
  return {
    id: String(zone.id ?? ""),
    name: String(zone.name ?? ""),
    status: String(zone.status ?? ""),
  };
}

function readRecord(item: unknown): CloudflareRecord {
  const record = (typeof item === "object" && item !== null ? item : {}) as Record<string, unknown>;
  if (typeof record.id !== "string" || typeof record.type !== "string") {
    throw new CloudflareError("Cloudflare answered a DNS record without an id or type", {
      status: 502,
    });
  }
  return {
    id: record.id,
    type: record.type,
    name: String(record.name ?? ""),
    content: String(record.content ?? ""),
    ttl: Number(record.ttl ?? 1),
    proxied: record.proxied === true,
  };
}
