/**
 * A CloudWatch client for `GetMetricData` through the Query API: form body
 * in, XML out, signed with aws4fetch for service `monitoring`, sent through
 * an injected `fetch`, with one retry policy and one deadline per call. It
 * reads the CPU of EC2 instances for the idle rule: `AWS/EC2`
 * `CPUUtilization`, dimension `InstanceId`, the maximum of each period.
 *
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html
 * @module
 */
import { partitionSuffix } from "./endpoints.ts";
import { AwsServiceError, AwsTransportError } from "./_service_errors.ts";
import { Ec2Signer } from "./signer.ts";
import type { AwsCredentials } from "./credentials.ts";
import { deadline, type Fetch, type OutboundOptions, withRetries } from "../net/retry.ts";
import { encodeMemberQuery } from "./_cloudwatch_query.ts";
import {
  CloudWatchXmlError,
  type MetricDataPage,
  type MetricMessage,
  readErrorEnvelope,
  readGetMetricData,
} from "./_cloudwatch_xml.ts";

export type { MetricDataPage, MetricDataResult, MetricMessage } from "./_cloudwatch_xml.ts";
export { CLOUDWATCH_API_VERSION } from "./_cloudwatch_query.ts";

/** The service name CloudWatch is signed for. */
export const CLOUDWATCH_SIGNING_NAME = "monitoring";
/** Queries one GetMetricData call may carry. */
export const MAX_QUERIES_PER_CALL = 500;
/** The period of EC2's basic monitoring, in seconds. */
export const CPU_PERIOD_SECONDS = 300;
/** How long all attempts of one call may take together, by default. */
export const DEFAULT_TIMEOUT_MS = 10_000;
/** Attempts per call, as the AWS SDKs' standard retry mode. */
export const MAX_ATTEMPTS = 3;
/** Pages followed for one batch before giving up: a guard against a token that never ends. */
export const MAX_PAGES = 100;
const RETRY_POLICY = { maxAttempts: MAX_ATTEMPTS, baseDelayMs: 100, maxDelayMs: 2_000 };
const FORM_CONTENT_TYPE = "application/x-www-form-urlencoded; charset=utf-8";
const DATETIME_NOISE = /[:-]|\.\d{3}/g;
/** The variables an endpoint override is read from, first found wins, as the AWS SDKs do. */
export const CLOUDWATCH_ENDPOINT_VARIABLES = ["AWS_ENDPOINT_URL_CLOUDWATCH", "AWS_ENDPOINT_URL"];

/**
 * Codes that mean CloudWatch turned the request away before doing anything;
 * GetMetricData only reads, so every one of them may be sent again.
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CommonErrors.html
 */
const RETRYABLE_CODES = new Set([
  "Throttling",
  "ThrottlingException",
  "ThrottledException",
  "RequestThrottled",
  "RequestLimitExceeded",
  "TooManyRequestsException",
  "LimitExceeded",
  "ServiceUnavailable",
  "InternalFailure",
  "InternalServiceError",
  "InternalServiceFault",
]);
const RETRYABLE_STATUSES = new Set([429, 500, 502, 503, 504]);

export type { Fetch } from "../net/retry.ts";

/** CloudWatch answered with its error envelope (`code` e.g. `Throttling`, `InvalidNextToken`). */
export class CloudWatchError extends AwsServiceError {
  override name = "CloudWatchError";
  /** Whether sending the same request again may succeed. */
  readonly retryable: boolean;

  constructor(
    code: string,
    message: string,
    options: { status: number; requestId?: string | null },
  ) {
    super(code, message, options);
    this.retryable = RETRYABLE_CODES.has(code) || RETRYABLE_STATUSES.has(options.status);
  }
}

/** No usable answer came from CloudWatch. */
export class CloudWatchTransportError extends AwsTransportError {
  override name = "CloudWatchTransportError";
}

/**
 * The CloudWatch endpoint for `region`, or `override` when one is configured;
 * see {@linkcode cloudWatchEndpointOverride}.
 */
export function cloudWatchEndpoint(region: string, override?: string): string {
  return override ?? `https://monitoring.${region}.${partitionSuffix(region)}/`;
}

/**
 * The endpoint override in `env`: `AWS_ENDPOINT_URL_CLOUDWATCH`, then
 * `AWS_ENDPOINT_URL`; empty values count as unset.
 */
export function cloudWatchEndpointOverride(
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  for (const name of CLOUDWATCH_ENDPOINT_VARIABLES) {
    const value = env[name]?.trim();
    if (value) return value;
  }
  return undefined;
}

export type { AwsCredentials } from "./credentials.ts";

/** Options of {@linkcode CloudWatchClient}. */
export interface CloudWatchClientOptions extends OutboundOptions {
  credentials: AwsCredentials;
  /** An endpoint for every region; the partition's otherwise. */
  endpoint?: string;
  /** Deadline for a call made without a signal. Default {@linkcode DEFAULT_TIMEOUT_MS}. */
  timeoutMs?: number;
  /** Signing clock. Default: the current time. */
  now?: () => Date;
}

/** One metric query: `Stat` of `MetricName` in `Namespace`, over `Period` seconds. */
export interface MetricStatQuery {
  /** Starts with a lower-case letter; letters, digits and `_`. */
  id: string;
  namespace: string;
  metricName: string;
  dimensions: Readonly<Record<string, string>>;
  periodSeconds: number;
  stat: string;
}

/** Options of {@linkcode CloudWatchClient.getMetricData}. */
export interface GetMetricDataOptions {
  /** Ms since the epoch, inclusive. */
  startTime: number;
  /** Ms since the epoch, exclusive. */
  endTime: number;
  nextToken?: string;
  maxDatapoints?: number;
  /** Aborts every attempt; its abort counts as the deadline passing. */
  signal?: AbortSignal;
}

/** The CPU of one instance over a window. */
export interface CpuSeries {
  instanceId: string;
  /** Period maxima, oldest first; `timestamp` is the period's start in ms. */
  points: { timestamp: number; value: number }[];
  /** The last page's status for this instance: `Complete` unless CloudWatch said otherwise. */
  statusCode: string;
  messages: MetricMessage[];
}

/** Options of {@linkcode CloudWatchClient.cpuMaxima}. */
export interface CpuOptions {
  /** Ms since the epoch, inclusive. */
  startTime: number;
  /** Ms since the epoch, exclusive. */
  endTime: number;
  /** Period in seconds; default {@linkcode CPU_PERIOD_SECONDS}. */
  periodSeconds?: number;
  signal?: AbortSignal;
  /** Told about each call made: how many calls a sweep spent. */
  onCall?: (page: MetricDataPage) => void;
}

/** A signed, retrying client for CloudWatch's GetMetricData. */
export class CloudWatchClient {
  readonly #signer: Ec2Signer;
  readonly #fetch: Fetch;
  readonly #endpoint: string | undefined;
  readonly #timeoutMs: number;
  readonly #random: () => number;
  readonly #now: (() => Date) | undefined;

  constructor(options: CloudWatchClientOptions) {
    const { accessKeyId, secretAccessKey, sessionToken } = options.credentials;
    if (!accessKeyId || !secretAccessKey) {
      throw new TypeError("Cannot create CloudWatch client: credentials are incomplete");
    }
    this.#signer = new Ec2Signer(
      { accessKeyId, secretAccessKey, sessionToken: sessionToken || undefined },
      CLOUDWATCH_SIGNING_NAME,
    );
    this.#fetch = options.fetch ?? ((url, init) => fetch(url, init));
    this.#endpoint = options.endpoint;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#random = options.random ?? Math.random;
    this.#now = options.now;
  }

  /** One page of GetMetricData for up to {@linkcode MAX_QUERIES_PER_CALL} queries. */
  async getMetricData(
    region: string,
    queries: readonly MetricStatQuery[],
    options: GetMetricDataOptions,
  ): Promise<MetricDataPage> {
    if (queries.length === 0 || queries.length > MAX_QUERIES_PER_CALL) {
      throw new RangeError(
        `Cannot get metric data: ${queries.length} queries, expected 1 to ${MAX_QUERIES_PER_CALL}`,
      );
    }
    if (!(options.endTime > options.startTime)) {
      throw new RangeError("Cannot get metric data: the end time is not after the start time");
    }
    const body = encodeMemberQuery("GetMetricData", {
      MetricDataQueries: queries.map((query) => ({
        Id: query.id,
        MetricStat: {
          Metric: {
            Namespace: query.namespace,
            MetricName: query.metricName,
            Dimensions: Object.entries(query.dimensions).map(([name, value]) => ({
              Name: name,
              Value: value,
            })),
          },
          Period: query.periodSeconds,
          Stat: query.stat,
        },
        ReturnData: true,
      })),
      StartTime: new Date(options.startTime).toISOString(),
      EndTime: new Date(options.endTime).toISOString(),
      ScanBy: "TimestampAscending",
      MaxDatapoints: options.maxDatapoints,
      NextToken: options.nextToken,
    });
    const text = await this.#send(region, body, options.signal);
    try {
      return readGetMetricData(text);
    } catch (cause) {
      if (!(cause instanceof CloudWatchXmlError)) throw cause;
      throw new CloudWatchTransportError("protocol", cause.message, { cause });
    }
  }

  /**
   * The CPU maxima of `instanceIds` between the two times: batches of
   * {@linkcode MAX_QUERIES_PER_CALL}, each followed through its `NextToken`
   * pages. Every instance asked for gets a series, empty when CloudWatch has
   * no points for it.
   */
  async cpuMaxima(
    region: string,
    instanceIds: readonly string[],
    options: CpuOptions,
  ): Promise<Map<string, CpuSeries>> {
    const unique = [...new Set(instanceIds)];
    const series = new Map<string, CpuSeries>();
    for (const instanceId of unique) {
      series.set(instanceId, { instanceId, points: [], statusCode: "Complete", messages: [] });
    }
    for (let first = 0; first < unique.length; first += MAX_QUERIES_PER_CALL) {
      const batch = unique.slice(first, first + MAX_QUERIES_PER_CALL);
      const queries = batch.map((instanceId, index): MetricStatQuery => ({
        id: `cpu${index}`,
        namespace: "AWS/EC2",
        metricName: "CPUUtilization",
        dimensions: { InstanceId: instanceId },
        periodSeconds: options.periodSeconds ?? CPU_PERIOD_SECONDS,
        stat: "Maximum",
      }));
      const byId = new Map(queries.map((query, index) => [query.id, batch[index]]));
      let nextToken: string | undefined;
      for (let page = 1;; page++) {
        const answer = await this.getMetricData(region, queries, { ...options, nextToken });
        options.onCall?.(answer);
        for (const result of answer.results) {
          const instanceId = byId.get(result.id);
          const found = instanceId === undefined ? undefined : series.get(instanceId);
          if (!found) continue;
          result.timestamps.forEach((timestamp, index) =>
            found.points.push({ timestamp, value: result.values[index] })
          );
          found.statusCode = result.statusCode;
          found.messages.push(...result.messages);
        }
        if (!answer.nextToken) break;
        if (page >= MAX_PAGES) {
          throw new CloudWatchTransportError(
            "protocol",
            `CloudWatch kept paging: more than ${MAX_PAGES} pages for one batch`,
          );
        }
        nextToken = answer.nextToken;
      }
    }
    for (const found of series.values()) found.points.sort((a, b) => a.timestamp - b.timestamp);
    return series;
  }

  async #send(region: string, body: string, signal?: AbortSignal): Promise<string> {
    const callSignal = deadline(signal, this.#timeoutMs);
    const url = cloudWatchEndpoint(region, this.#endpoint);
    return await withRetries<string, CloudWatchError | CloudWatchTransportError>(
      () => this.#attempt(region, url, body, callSignal),
      {
        policy: RETRY_POLICY,
        retryable: (error) =>
          error instanceof CloudWatchError ? error.retryable : error.failure === "network" ||
            (error.status !== null && RETRYABLE_STATUSES.has(error.status)),
        random: this.#random,
        signal: callSignal,
        onTimeout: () =>
          new CloudWatchTransportError("timeout", "CloudWatch did not answer in time"),
      },
    );
  }

  /** One signed exchange: the text of a 2xx answer, or what went wrong. */
  async #attempt(
    region: string,
    url: string,
    body: string,
    signal: AbortSignal,
  ): Promise<string | CloudWatchError | CloudWatchTransportError> {
    const datetime = this.#now?.().toISOString().replace(DATETIME_NOISE, "");
    const headers = await this.#signer.sign({
      url,
      region,
      headers: { "content-type": FORM_CONTENT_TYPE },
      body,
      datetime,
    });
    let response: Response;
    let text: string;
    try {
      response = await this.#fetch(url, { method: "POST", headers, body, signal });
      // Read every body, failed ones too: an unread body holds the connection.
      text = await response.text();
    } catch (cause) {
      if (signal.aborted) {
        throw new CloudWatchTransportError("timeout", "CloudWatch did not answer in time", {
          cause,
        });
      }
      return new CloudWatchTransportError("network", "Cannot reach CloudWatch", { cause });
    }
    if (response.ok) return text;
    const envelope = readErrorEnvelope(text);
    if (!envelope) {
      return new CloudWatchTransportError(
        "protocol",
        `CloudWatch answered HTTP ${response.status} without its error envelope`,
        { status: response.status },
      );
    }
    return new CloudWatchError(envelope.code, envelope.message, {
      status: response.status,
      requestId: envelope.requestId ?? response.headers.get("x-amzn-requestid"),
    });
  }
}
