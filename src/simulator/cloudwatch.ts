/**
 * An in-memory CloudWatch that answers `GetMetricData` in the Query API's
 * wire format: signed form requests in, CloudWatch's XML, error envelope and
 * `NextToken` pages out. It serves `AWS/EC2` `CPUUtilization` for instances
 * whose running intervals it is told, so demo mode and tests see metrics
 * that follow each instance's state.
 *
 * **The seam.** The simulator keeps no instances of its own: it asks
 * {@linkcode RunningHistory} for the intervals an instance was running. The
 * EC2 simulator will answer it from its state changes, recorded in a
 * {@linkcode RunLog} (`runLog.changed(region, id, state, at)` on each change,
 * `history: runLog.history`); a test may pass a function over a fixed list. Timer-free, as the EC2 simulator:
 * every answer is computed from the injected clock.
 *
 * A point exists for each 5-minute period that overlaps a running interval
 * and ended at least `publishDelayMs` before now (basic EC2 metrics arrive
 * late); periods when the box was stopped have none, as in CloudWatch.
 *
 * @example
 * ```ts
 * const cloudwatch = new CloudWatchSimulator({
 *   now: () => clock,
 *   history: (region, id) => id === "i-0a1b2c3d4e5f60718" ? [{ start: t0, end: null }] : null,
 * });
 * cloudwatch.setCpu("i-0a1b2c3d4e5f60718", 2.5);
 * const client = new CloudWatchClient({ credentials, fetch: cloudwatch.fetch });
 * ```
 *
 * @module
 */
import {
  type MetricDataRequest,
  Params,
  readMetricDataRequest,
  signedRegion,
  SimulatedCloudWatchError,
  type Stat,
  type StatQuery,
} from "./_cloudwatch_request.ts";
import type { RunningInterval } from "./_cloudwatch_runs.ts";

export { RunLog, type RunningInterval } from "./_cloudwatch_runs.ts";

/** The period of EC2's basic monitoring, ms. */
export const SAMPLE_PERIOD_MS = 5 * 60_000;
/** How late a period's point arrives, by default: basic metrics come several minutes late. */
export const DEFAULT_PUBLISH_DELAY_MS = 4 * 60_000;
/** Data points per answer, CloudWatch's default for `MaxDatapoints`. */
export const DEFAULT_MAX_DATAPOINTS = 100_800;
const NAMESPACE = "http://monitoring.amazonaws.com/doc/2010-08-01/";
const API_VERSION = "2010-08-01";
const XML_CONTENT_TYPE = "text/xml";

/**
 * The seam to the instances: the intervals `instanceId` in `region` was
 * running, oldest first, or null for an instance that does not exist there
 * (CloudWatch then answers an empty result, as it does for any unknown metric).
 */
export type RunningHistory = (
  region: string,
  instanceId: string,
) => readonly RunningInterval[] | null;

/** The CPU percentage of `instanceId` in the 5-minute period starting at `timestamp`. */
export type CpuSource = (instanceId: string, timestamp: number) => number;

/** How a simulator is built. */
export interface CloudWatchSimulatorOptions {
  /** The running intervals of each instance; see {@linkcode RunningHistory}. */
  history: RunningHistory;
  /** The clock, ms since the epoch; default `Date.now`. */
  now?: () => number;
  /** How long after a period ends its point appears; default {@linkcode DEFAULT_PUBLISH_DELAY_MS}. */
  publishDelayMs?: number;
  /** Points per page when the request names no smaller `MaxDatapoints`. */
  maxDatapoints?: number;
  /** Source of request ids, in [0, 1); default `Math.random`. */
  random?: () => number;
}

/** One request the simulator received. */
export interface CloudWatchCall {
  /** The `Action` parameter, or "" when missing. */
  action: string;
  /** The region of the credential scope, or "" when unsigned. */
  region: string;
  /** The number of `MetricDataQueries`. */
  queries: number;
  /** Whether the request carried a `NextToken`. */
  paged: boolean;
  status: number;
}

/** An error to answer instead of the next requests; see {@linkcode CloudWatchSimulator.failNext}. */
export interface CloudWatchFault {
  code: string;
  message?: string;
  /** Default 400. */
  status?: number;
  /** How many requests in a row; default 1. */
  times?: number;
}

/**
 * Busy-looking CPU: a level per instance, an hourly swell and noise per
 * period, all derived from the id and time, so the same question gets the
 * same answer. What demo boxes show unless told otherwise.
 */
export function busyCpu(instanceId: string, timestamp: number): number {
  const level = 12 + 30 * unit(instanceId, 0);
  const swell = 10 * Math.sin((2 * Math.PI * timestamp) / 3_600_000 + 6 * unit(instanceId, 1));
  const noise = 18 * unit(instanceId, timestamp);
  return round(Math.min(100, Math.max(0.5, level + swell + noise)));
}

/** A box nobody uses: 0.2–3 % with noise, below the default 5 % threshold. */
export function idleCpu(instanceId: string, timestamp: number): number {
  return round(0.2 + 2.8 * unit(instanceId, timestamp));
}

/** An in-memory CloudWatch for demo mode and tests. Hand its `fetch` to the CloudWatch client. */
export class CloudWatchSimulator {
  /** Answers one CloudWatch request; bound, so it can stand in for the global `fetch`. */
  readonly fetch: (input: Request | string | URL, init?: RequestInit) => Promise<Response>;
  /** Every request received, in order of arrival. */
  readonly calls: CloudWatchCall[] = [];

  readonly #history: RunningHistory;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #publishDelayMs: number;
  readonly #maxDatapoints: number;
  readonly #cpu = new Map<string, CpuSource>();
  readonly #faults: CloudWatchFault[] = [];

  constructor(options: CloudWatchSimulatorOptions) {
    this.#history = options.history;
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
    this.#publishDelayMs = options.publishDelayMs ?? DEFAULT_PUBLISH_DELAY_MS;
    this.#maxDatapoints = options.maxDatapoints ?? DEFAULT_MAX_DATAPOINTS;
    if (!(this.#publishDelayMs >= 0) || !(this.#maxDatapoints >= 1)) {
      throw new RangeError(
        "Cannot create CloudWatch simulator: publishDelayMs must be ≥ 0 and maxDatapoints ≥ 1",
      );
    }
    this.fetch = (input, init) => this.#answer(new Request(input, init));
  }

  /**
   * Sets the CPU of `instanceId`: a fixed percentage, a function of the
   * period's start, or null for the default ({@linkcode busyCpu}).
   */
  setCpu(instanceId: string, cpu: number | CpuSource | null): void {
    if (cpu === null) this.#cpu.delete(instanceId);
    else this.#cpu.set(instanceId, typeof cpu === "number" ? () => cpu : cpu);
  }

  /** Answers the next requests (`times`, default 1) with CloudWatch's error `code`. */
  failNext(fault: CloudWatchFault): void {
    this.#faults.push({ ...fault, times: fault.times ?? 1 });
  }

  async #answer(request: Request): Promise<Response> {
    const requestId = this.#requestId();
    const call: CloudWatchCall = { action: "", region: "", queries: 0, paged: false, status: 0 };
    this.calls.push(call);
    let response: Response;
    try {
      const params = new Params(new URL(request.url).searchParams);
      if (request.method === "POST") params.add(new URLSearchParams(await request.text()));
      call.action = params.get("Action") ?? "";
      call.paged = params.has("NextToken");
      call.queries = [...params.keys()].filter((name) =>
        /^MetricDataQueries\.member\.\d+\.Id$/.test(name)
      ).length;
      call.region = signedRegion(request.headers);
      const fault = this.#faults[0];
      if (fault) {
        if (--fault.times! <= 0) this.#faults.shift();
        throw new SimulatedCloudWatchError(
          fault.code,
          fault.message ?? `Simulated ${fault.code}`,
          fault.status ?? 400,
        );
      }
      if (call.action !== "GetMetricData" || params.get("Version") !== API_VERSION) {
        throw new SimulatedCloudWatchError(
          "InvalidAction",
          `Could not find operation ${call.action} for version ${params.get("Version") ?? ""}`,
        );
      }
      const body = this.#getMetricData(call.region, readMetricDataRequest(params), params);
      response = xmlResponse(200, requestId, metricDataXml(body, requestId));
    } catch (error) {
      if (!(error instanceof SimulatedCloudWatchError)) throw error;
      response = xmlResponse(error.status, requestId, errorXml(error, requestId));
    }
    call.status = response.status;
    return response;
  }

  #getMetricData(region: string, request: MetricDataRequest, params: Params): Page {
    const fingerprint = requestFingerprint(params);
    const offset = request.nextToken === null ? 0 : readToken(request.nextToken, fingerprint);
    const limit = Math.min(request.maxDatapoints ?? this.#maxDatapoints, this.#maxDatapoints);
    const all = request.queries.filter((query) => query.returnData).map((query) => ({
      query,
      points: this.#points(region, query, request),
    }));
    let before = 0;
    const results: PageResult[] = all.map(({ query, points }) => {
      const from = Math.min(points.length, Math.max(0, offset - before));
      const to = Math.min(points.length, Math.max(0, offset + limit - before));
      before += points.length;
      return {
        id: query.id,
        label: query.label ?? query.metricName,
        points: points.slice(from, to),
        complete: to >= points.length,
      };
    });
    const next = offset + limit < before ? offset + limit : null;
    return { results, nextToken: next === null ? null : writeToken(next, fingerprint) };
  }

  /** The points of one query, in the order asked. */
  #points(region: string, query: StatQuery, request: MetricDataRequest): Point[] {
    const instanceId = query.dimensions["InstanceId"];
    if (
      query.namespace !== "AWS/EC2" || query.metricName !== "CPUUtilization" ||
      instanceId === undefined || Object.keys(query.dimensions).length !== 1
    ) {
      return [];
    }
    const intervals = this.#history(region, instanceId);
    if (!intervals) return [];
    const cpu = this.#cpu.get(instanceId) ?? busyCpu;
    const published = this.#now() - this.#publishDelayMs;
    const buckets = new Map<number, number[]>();
    const first = Math.ceil(request.startTime / SAMPLE_PERIOD_MS) * SAMPLE_PERIOD_MS;
    for (let t = first; t < request.endTime; t += SAMPLE_PERIOD_MS) {
      if (t + SAMPLE_PERIOD_MS > published) break;
      const ran = intervals.some((interval) =>
        interval.start < t + SAMPLE_PERIOD_MS && (interval.end === null || interval.end > t)
      );
      if (!ran) continue;
      const bucket = Math.floor(t / query.periodMs) * query.periodMs;
      const samples = buckets.get(bucket) ?? [];
      samples.push(Math.min(100, Math.max(0, cpu(instanceId, t))));
      buckets.set(bucket, samples);
    }
    const points = [...buckets].map(([timestamp, samples]) => ({
      timestamp,
      value: statistic(query.stat, samples),
    }));
    points.sort((a, b) =>
      request.ascending ? a.timestamp - b.timestamp : b.timestamp - a.timestamp
    );
    return points;
  }

  #requestId(): string {
    const hex = Array.from({ length: 32 }, () => Math.floor(this.#random() * 16).toString(16))
      .join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${
      hex.slice(20)
    }`;
  }
}

interface Point {
  timestamp: number;
  value: number;
}

interface PageResult {
  id: string;
  label: string;
  points: Point[];
  complete: boolean;
}

interface Page {
  results: PageResult[];
  nextToken: string | null;
}

function statistic(stat: Stat, samples: number[]): number {
  switch (stat) {
    case "Maximum":
      return Math.max(...samples);
    case "Minimum":
      return Math.min(...samples);
    case "Sum":
      return round(samples.reduce((sum, value) => sum + value, 0));
    case "Average":
      return round(samples.reduce((sum, value) => sum + value, 0) / samples.length);
    case "SampleCount":
      return samples.length;
  }
}

function metricDataXml(page: Page, requestId: string): string {
  const results = page.results.map((result) =>
    "<member>" +
    `<Timestamps>${
      result.points.map((point) => `<member>${isoSeconds(point.timestamp)}</member>`).join("")
    }</Timestamps>` +
    `<Label>${escapeXml(result.label)}</Label>` +
    `<Id>${escapeXml(result.id)}</Id>` +
    `<StatusCode>${result.complete ? "Complete" : "PartialData"}</StatusCode>` +
    `<Values>${result.points.map((point) => `<member>${point.value}</member>`).join("")}</Values>` +
    "</member>"
  ).join("");
  const token = page.nextToken === null ? "" : `<NextToken>${page.nextToken}</NextToken>`;
  return `<GetMetricDataResponse xmlns="${NAMESPACE}"><GetMetricDataResult>` +
    `<MetricDataResults>${results}</MetricDataResults>${token}<Messages/>` +
    `</GetMetricDataResult><ResponseMetadata><RequestId>${requestId}</RequestId>` +
    "</ResponseMetadata></GetMetricDataResponse>";
}

function errorXml(error: SimulatedCloudWatchError, requestId: string): string {
  return `<ErrorResponse xmlns="${NAMESPACE}"><Error><Type>${error.type}</Type>` +
    `<Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message>` +
    `</Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
}

function xmlResponse(status: number, requestId: string, body: string): Response {
  return new Response(`<?xml version="1.0" encoding="UTF-8"?>\n${body}\n`, {
    status,
    headers: { "content-type": XML_CONTENT_TYPE, "x-amzn-requestid": requestId },
  });
}

/** The parameters that define a result, so a token is refused for another request. */
function requestFingerprint(params: Params): string {
  const kept = params.entries().filter(([name]) => name !== "NextToken" && name !== "MaxDatapoints")
    .map(([name, value]) => `${name}=${value}`).sort().join("&");
  return hash(kept).toString(36);
}

function writeToken(offset: number, fingerprint: string): string {
  return btoa(`${offset}.${fingerprint}`);
}

function readToken(token: string, fingerprint: string): number {
  let text = "";
  try {
    text = atob(token);
  } catch {
    // Not base64: refused below, as any other token not ours.
  }
  const [offset, mark, ...rest] = text.split(".");
  if (!/^\d{1,9}$/.test(offset ?? "") || mark !== fingerprint || rest.length > 0) {
    throw new SimulatedCloudWatchError(
      "InvalidNextToken",
      "The service couldn't process the token.",
    );
  }
  return Number(offset);
}

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/** FNV-1a of `text`, 32 bits. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A number in [0, 1) fixed by the instance and `salt`. */
function unit(instanceId: string, salt: number): number {
  let h = hash(`${instanceId}@${salt}`);
  h ^= h >>> 16;
  h = Math.imul(h, 0x45d9f3b);
  h ^= h >>> 16;
  return (h >>> 0) / 2 ** 32;
}
