/**
 * The EC2 client: parameters in, typed answers out. It signs with aws4fetch,
 * sends through an injected `fetch`, and owns the one retry policy and the
 * deadline for every call.
 *
 * @module
 */
import { ec2Endpoint } from "./endpoints.ts";
import { Ec2Error, Ec2TransportError } from "./ec2_errors.ts";
import { encodeQuery, type QueryParams } from "./query.ts";
import { amzDate, Ec2Signer } from "./signer.ts";
import type { AwsCredentials } from "./credentials.ts";
import { deadline, type Fetch, type OutboundOptions, withRetries } from "../net/retry.ts";
import type { InstancePage } from "./ec2_types.ts";
import {
  readDescribeInstances,
  readError,
  readReturn,
  readStateChanges,
  type ReturnResult,
  type StateChangeResult,
  textWithoutUnreadElements,
  wholeText,
} from "./ec2_xml.ts";

/** How long all attempts of one operation may take together, by default. */
export const DEFAULT_TIMEOUT_MS = 10_000;
/** Attempts per call, as the AWS SDKs' standard retry mode. */
export const MAX_ATTEMPTS = 3;
const RETRY_POLICY = { maxAttempts: MAX_ATTEMPTS, baseDelayMs: 100, maxDelayMs: 2_000 };
const FORM_CONTENT_TYPE = "application/x-www-form-urlencoded; charset=utf-8";

/**
 * Codes that mean the service turned the request away before acting on it
 * (throttling), so sending it again is safe even for a call that must not run
 * twice. EC2 itself throttles with `RequestLimitExceeded`; the rest are the
 * codes both AWS SDKs classify as throttling (botocore's standard retry mode,
 * `ThrottledRetryableChecker`; aws-sdk-js-v3's `THROTTLING_ERROR_CODES`, "always
 * retryable"), the same fourteen in both, which an emulator may send instead.
 * `Unavailable`, `ServiceUnavailable` and `InternalError` are not among them:
 * EC2 may have acted before failing, so they are transient, not throttling.
 * @see https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html
 * @see https://github.com/boto/botocore/blob/develop/botocore/retries/standard.py
 * @see https://github.com/smithy-lang/smithy-typescript/blob/main/packages/service-error-classification/src/constants.ts
 */
export const THROTTLING_CODES: ReadonlySet<string> = new Set([
  "RequestLimitExceeded",
  "Throttling",
  "ThrottlingException",
  "ThrottledException",
  "RequestThrottled",
  "RequestThrottledException",
  "TooManyRequestsException",
  "ProvisionedThroughputExceededException",
  "TransactionInProgressException",
  "BandwidthLimitExceeded",
  "LimitExceededException",
  "SlowDown",
  "PriorRequestNotComplete",
  "EC2ThrottledException",
]);
/** HTTP 429 Too Many Requests: throttling by status, as aws-sdk-js-v3's `isThrottlingError`. */
const THROTTLING_STATUS = 429;
const RETRYABLE_STATUSES = new Set([500, 502, 503, 504]);

export type { Fetch } from "../net/retry.ts";

export type { AwsCredentials } from "./credentials.ts";

/** Options of {@linkcode Ec2Client}. */
export interface Ec2ClientOptions extends OutboundOptions {
  /**
   * Fixed keys, or a provider asked before each attempt (cached by its
   * owner, e.g. the credential chain); the signer is re-derived when the
   * credentials it gives change.
   */
  credentials: AwsCredentials | (() => Promise<AwsCredentials>);
  /** An endpoint for every region (`AWS_ENDPOINT_URL_EC2`); the partition's otherwise. */
  endpoint?: string;
  /** Deadline for a call made without a signal. Default {@linkcode DEFAULT_TIMEOUT_MS}. */
  timeoutMs?: number;
  /** Signing clock. Default: the current time. */
  now?: () => Date;
}

/** Per-call options. */
export interface CallOptions {
  /** Aborts every attempt; its abort counts as the deadline passing. */
  signal?: AbortSignal;
  /** Filled in as the call runs: attempts made, EC2's request id. */
  trace?: CallTrace;
}

/** What one call did, for logs and audit. */
export interface CallTrace {
  attempts: number;
  requestId: string | null;
}

/** One finished call, as an observer sees it: succeeded or not. */
export interface CallRecord extends CallTrace {
  /** The EC2 action, e.g. `StartInstances`. */
  action: string;
  region: string;
}

/** Told about every call a client makes; see {@linkcode Ec2Client.observed}. */
export type CallObserver = (call: CallRecord) => void;

/** Filters of DescribeInstances: name to accepted values. */
export type InstanceFilters = Record<string, readonly string[]>;

/** Options of {@linkcode Ec2Client.describeInstances}. */
export interface DescribeOptions extends CallOptions {
  instanceIds?: readonly string[];
  filters?: InstanceFilters;
  /** 5–1000; EC2 refuses it together with `instanceIds`. */
  maxResults?: number;
  nextToken?: string;
}

/** Options of {@linkcode Ec2Client.stopInstances}. */
export interface StopOptions extends CallOptions {
  hibernate?: boolean;
  force?: boolean;
  dryRun?: boolean;
}

/** Options of state changes that take only a dry-run flag. */
export interface DryRunOptions extends CallOptions {
  dryRun?: boolean;
}

/** How {@linkcode Ec2Client} sends one call and reads its answer. */
interface SendOptions {
  /** False for a call that must not run twice when its outcome is unknown. */
  repeatable?: boolean;
  /** The text of a 2xx answer, as the reader wants it; the whole body by default. */
  text?: (response: Response) => Promise<string>;
}

/** A signed, retrying client for the EC2 Query API. */
export class Ec2Client {
  /** Shared with observed copies, so the signing keys and body hashes it keeps are reused. */
  #signing: { credentials: AwsCredentials | null; signer: Ec2Signer | null };
  #observer: CallObserver | undefined;
  readonly #options: Ec2ClientOptions;
  readonly #fetch: Fetch;
  readonly #endpoint: string | undefined;
  readonly #timeoutMs: number;
  readonly #random: () => number;
  readonly #now: (() => Date) | undefined;

  constructor(options: Ec2ClientOptions) {
    this.#options = options;
    this.#signing = { credentials: null, signer: null };
    if (typeof options.credentials !== "function") {
      this.#signing.credentials = options.credentials;
      this.#signing.signer = signerFor(options.credentials);
    }
    this.#fetch = options.fetch ?? ((url, init) => fetch(url, init));
    this.#endpoint = options.endpoint;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#random = options.random ?? Math.random;
    this.#now = options.now;
  }

  /**
   * The same client, telling `observer` about each call it makes (action,
   * attempts, EC2's request id): how a request's audit line learns them.
   */
  observed(observer: CallObserver): Ec2Client {
    const copy = new Ec2Client(this.#options);
    copy.#signing = this.#signing;
    copy.#observer = observer;
    return copy;
  }

  /** One page of DescribeInstances. */
  async describeInstances(
    region: string,
    options: DescribeOptions = {},
  ): Promise<InstancePage> {
    const filters = Object.entries(options.filters ?? {}).map((
      [name, values],
    ) => ({ Name: name, Value: values }));
    return await this.#call(
      region,
      "DescribeInstances",
      {
        InstanceId: options.instanceIds,
        Filter: filters,
        MaxResults: options.maxResults,
        NextToken: options.nextToken,
      },
      { ...options, text: textWithoutUnreadElements },
      readDescribeInstances,
    );
  }

  /** StartInstances: the instances go to `pending`, or stay `running`. */
  async startInstances(
    region: string,
    instanceIds: readonly string[],
    options: DryRunOptions = {},
  ): Promise<StateChangeResult> {
    return await this.#call(
      region,
      "StartInstances",
      {
        InstanceId: instanceIds,
        DryRun: options.dryRun || undefined,
      },
      options,
      (xml) => readStateChanges("StartInstances", xml),
    );
  }

  /** StopInstances: the instances go to `stopping`, or stay `stopped`. */
  async stopInstances(
    region: string,
    instanceIds: readonly string[],
    options: StopOptions = {},
  ): Promise<StateChangeResult> {
    return await this.#call(
      region,
      "StopInstances",
      {
        InstanceId: instanceIds,
        Hibernate: options.hibernate || undefined,
        Force: options.force || undefined,
        DryRun: options.dryRun || undefined,
      },
      options,
      (xml) => readStateChanges("StopInstances", xml),
    );
  }

  /**
   * RebootInstances. It has no client token, so an attempt whose outcome is
   * unknown is never repeated: the box would reboot twice.
   */
  async rebootInstances(
    region: string,
    instanceIds: readonly string[],
    options: DryRunOptions = {},
  ): Promise<ReturnResult> {
    return await this.#call(
      region,
      "RebootInstances",
      {
        InstanceId: instanceIds,
        DryRun: options.dryRun || undefined,
      },
      { ...options, repeatable: false },
      (xml) => readReturn("RebootInstances", xml),
    );
  }

  /** CreateTags: sets (or overwrites) each tag on each resource. */
  async createTags(
    region: string,
    resourceIds: readonly string[],
    tags: Readonly<Record<string, string>>,
    options: CallOptions = {},
  ): Promise<ReturnResult> {
    return await this.#call(
      region,
      "CreateTags",
      {
        ResourceId: resourceIds,
        Tag: Object.entries(tags).map(([key, value]) => ({ Key: key, Value: value })),
      },
      options,
      (xml) => readReturn("CreateTags", xml),
    );
  }

  /**
   * DeleteTags for the named keys. An empty list is refused here: EC2 would
   * read it as "delete every tag".
   */
  async deleteTags(
    region: string,
    resourceIds: readonly string[],
    tagKeys: readonly string[],
    options: CallOptions = {},
  ): Promise<ReturnResult> {
    if (tagKeys.length === 0) {
      throw new RangeError("Cannot delete tags: no tag key given");
    }
    return await this.#call(
      region,
      "DeleteTags",
      {
        ResourceId: resourceIds,
        Tag: tagKeys.map((key) => ({ Key: key })),
      },
      options,
      (xml) => readReturn("DeleteTags", xml),
    );
  }

  /** Sends `action` with the retry policy and reads the answer, reporting the call. */
  async #call<T extends { requestId: string | null }>(
    region: string,
    action: string,
    params: QueryParams,
    options: CallOptions & SendOptions,
    read: (xml: string) => T,
  ): Promise<T> {
    const trace = options.trace ?? { attempts: 0, requestId: null };
    try {
      const result = read(await this.#send(region, action, params, options, trace));
      trace.requestId = result.requestId;
      return result;
    } finally {
      this.#observer?.({ action, region, ...trace });
    }
  }

  async #send(
    region: string,
    action: string,
    params: QueryParams,
    options: CallOptions & SendOptions,
    trace: CallTrace,
  ): Promise<string> {
    const signal = deadline(options.signal, this.#timeoutMs);
    const body = encodeQuery(action, params);
    const url = ec2Endpoint(region, this.#endpoint);
    const text = options.text ?? wholeText;
    const repeatable = options.repeatable ?? true;
    return await withRetries<string, Ec2Error | Ec2TransportError>(async (attempt) => {
      trace.attempts = attempt;
      const outcome = await this.#attempt(region, url, body, signal, text);
      if (outcome instanceof Ec2Error) trace.requestId = outcome.requestId;
      return outcome;
    }, {
      policy: RETRY_POLICY,
      retryable: (error) => isRetryable(error, repeatable),
      random: this.#random,
      signal,
      onTimeout: timedOut,
    });
  }

  /** One signed exchange: the text of a 2xx answer, or what went wrong. */
  async #attempt(
    region: string,
    url: string,
    body: string,
    signal: AbortSignal,
    text: (response: Response) => Promise<string>,
  ): Promise<string | Ec2Error | Ec2TransportError> {
    const datetime = this.#now && amzDate(this.#now());
    const headers = await (await this.#signer()).sign({
      url,
      region,
      headers: { "content-type": FORM_CONTENT_TYPE },
      body,
      datetime,
    });
    try {
      const response = await this.#fetch(url, { method: "POST", headers, body, signal });
      // Read every body, failed ones too: an unread body holds the connection.
      if (!response.ok) return readError(await wholeText(response), response.status);
      return await text(response);
    } catch (cause) {
      if (signal.aborted) {
        throw new Ec2TransportError("timeout", "EC2 did not answer in time", {
          cause,
        });
      }
      if (cause instanceof Ec2TransportError) throw cause;
      return new Ec2TransportError("network", "Cannot reach EC2", { cause });
    }
  }

  /** The signer for the current credentials, made anew when the provider's change. */
  async #signer(): Promise<Ec2Signer> {
    const provide = this.#options.credentials;
    if (typeof provide !== "function") return this.#signing.signer!;
    const credentials = await provide();
    const known = this.#signing.credentials;
    if (
      !this.#signing.signer || !known || known.accessKeyId !== credentials.accessKeyId ||
      known.secretAccessKey !== credentials.secretAccessKey ||
      known.sessionToken !== credentials.sessionToken
    ) {
      this.#signing.signer = signerFor(credentials);
      this.#signing.credentials = credentials;
    }
    return this.#signing.signer;
  }
}

function timedOut(): Ec2TransportError {
  return new Ec2TransportError("timeout", "EC2 did not answer in time");
}

function signerFor({ accessKeyId, secretAccessKey, sessionToken }: AwsCredentials): Ec2Signer {
  if (!accessKeyId || !secretAccessKey) {
    throw new TypeError("Cannot create EC2 client: credentials are incomplete");
  }
  return new Ec2Signer({ accessKeyId, secretAccessKey, sessionToken: sessionToken || undefined });
}

/**
 * Whether another attempt may help. Calls that must not run twice are
 * repeated only when the answer says the request was throttled, i.e. turned
 * away unprocessed; a 5xx, `Unavailable` or a lost connection may come after
 * EC2 acted.
 */
function isRetryable(
  error: Ec2Error | Ec2TransportError,
  repeatable: boolean,
): boolean {
  if (isThrottled(error)) return true;
  if (!repeatable) return false;
  if (error instanceof Ec2Error) return RETRYABLE_STATUSES.has(error.status);
  return error.failure === "network" ||
    (error.status !== null && RETRYABLE_STATUSES.has(error.status));
}

/** Whether `error` says the request was throttled: a throttling code, or a 429. */
function isThrottled(error: Ec2Error | Ec2TransportError): boolean {
  if (error instanceof Ec2Error) {
    return THROTTLING_CODES.has(error.code) || error.status === THROTTLING_STATUS;
  }
  return error.status === THROTTLING_STATUS;
}
