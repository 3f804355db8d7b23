/**
 * Reading a CloudWatch Query request for the simulator: the shape of its
 * SigV4 signature and its GetMetricData parameters. What cannot be read is
 * thrown as the `SimulatedCloudWatchError` CloudWatch would answer.
 *
 * @module
 */
import { isRegionName } from "../aws/endpoints.ts";

const SIGV4_HEADER =
  /^AWS4-HMAC-SHA256 Credential=([^,\s]+), ?SignedHeaders=([^,\s]+), ?Signature=([0-9a-f]{64})$/;
/** @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricDataQuery.html */
const QUERY_ID = /^[a-z][a-zA-Z0-9_]{0,254}$/;
const MAX_QUERIES = 500;
/** The statistics the simulator computes; CloudWatch has more (percentiles). */
export const STATS = ["Maximum", "Minimum", "Average", "Sum", "SampleCount"] as const;
/** One of {@linkcode STATS}. */
export type Stat = typeof STATS[number];

/**
 * A request's parameters, the first value of each name kept, looked up in
 * constant time: a GetMetricData of 500 queries carries ~3,500 of them.
 */
export class Params {
  readonly #values = new Map<string, string>();

  constructor(...sources: Iterable<[string, string]>[]) {
    for (const source of sources) this.add(source);
  }

  /** Adds the parameters of `source` whose names are not there yet. */
  add(source: Iterable<[string, string]>): void {
    for (const [name, value] of source) {
      if (!this.#values.has(name)) this.#values.set(name, value);
    }
  }

  get(name: string): string | null {
    return this.#values.get(name) ?? null;
  }

  has(name: string): boolean {
    return this.#values.has(name);
  }

  keys(): string[] {
    return [...this.#values.keys()];
  }

  entries(): [string, string][] {
    return [...this.#values];
  }
}

/** An error CloudWatch would answer with; `status` is its HTTP status. */
export class SimulatedCloudWatchError extends Error {
  readonly code: string;
  readonly status: number;
  /** `Sender` for the caller's fault, `Receiver` for the service's. */
  readonly type: "Sender" | "Receiver";

  constructor(code: string, message: string, status = 400) {
    super(message);
    this.name = "SimulatedCloudWatchError";
    this.code = code;
    this.status = status;
    this.type = status >= 500 ? "Receiver" : "Sender";
  }
}

/**
 * The region of the request's credential scope; throws the error CloudWatch
 * answers when the signature is missing or scoped to another service.
 */
export function signedRegion(headers: Headers): string {
  const authorization = headers.get("authorization");
  if (authorization === null) {
    throw new SimulatedCloudWatchError(
      "MissingAuthenticationToken",
      "Request is missing Authentication Token",
      403,
    );
  }
  const match = SIGV4_HEADER.exec(authorization);
  const [accessKeyId, date, region, service, terminator, ...rest] = (match?.[1] ?? "").split("/");
  if (
    !match || !accessKeyId || !/^\d{8}$/.test(date ?? "") || !region ||
    terminator !== "aws4_request" || rest.length > 0 || !headers.get("x-amz-date")
  ) {
    throw new SimulatedCloudWatchError(
      "IncompleteSignature",
      "The request signature does not conform to AWS standards.",
      403,
    );
  }
  if (service !== "monitoring") {
    throw new SimulatedCloudWatchError(
      "SignatureDoesNotMatch",
      "Credential should be scoped to correct service: 'monitoring'.",
      403,
    );
  }
  if (!isRegionName(region)) {
    throw new SimulatedCloudWatchError(
      "SignatureDoesNotMatch",
      `Credential should be scoped to a valid region, not '${region}'.`,
      403,
    );
  }
  return region;
}

/** One MetricStat query of a GetMetricData request. */
export interface StatQuery {
  id: string;
  label: string | null;
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  periodMs: number;
  stat: Stat;
  returnData: boolean;
}

/** A GetMetricData request, read and checked. */
export interface MetricDataRequest {
  queries: StatQuery[];
  startTime: number;
  endTime: number;
  ascending: boolean;
  maxDatapoints: number | null;
  nextToken: string | null;
}

/** Reads GetMetricData's parameters as CloudWatch checks them. */
export function readMetricDataRequest(params: Params): MetricDataRequest {
  const startTime = requiredTime(params, "StartTime");
  const endTime = requiredTime(params, "EndTime");
  if (endTime <= startTime) {
    throw new SimulatedCloudWatchError(
      "InvalidParameterValue",
      "The parameter StartTime must be less than the parameter EndTime.",
    );
  }
  const scanBy = params.get("ScanBy") ?? "TimestampDescending";
  if (scanBy !== "TimestampDescending" && scanBy !== "TimestampAscending") {
    throw new SimulatedCloudWatchError(
      "ValidationError",
      `1 validation error detected: Value '${scanBy}' at 'scanBy' failed to satisfy constraint: Member must satisfy enum value set: [TimestampDescending, TimestampAscending]`,
    );
  }
  let maxDatapoints: number | null = null;
  const max = params.get("MaxDatapoints");
  if (max !== null) {
    maxDatapoints = /^\d{1,9}$/.test(max) ? Number(max) : 0;
    if (maxDatapoints < 1) {
      throw new SimulatedCloudWatchError(
        "InvalidParameterValue",
        `The value ${max} for parameter MaxDatapoints is not valid.`,
      );
    }
  }
  return {
    queries: readQueries(params),
    startTime,
    endTime,
    ascending: scanBy === "TimestampAscending",
    maxDatapoints,
    nextToken: params.get("NextToken"),
  };
}

function readQueries(params: Params): StatQuery[] {
  const prefix = "MetricDataQueries.member.";
  let count = 0;
  for (const name of params.keys()) {
    if (!name.startsWith(prefix)) continue;
    const index = Number(name.slice(prefix.length, name.indexOf(".", prefix.length)));
    if (Number.isInteger(index) && index > count) count = index;
  }
  if (count === 0) {
    throw new SimulatedCloudWatchError(
      "MissingParameter",
      "The parameter MetricDataQueries is required.",
    );
  }
  if (count > MAX_QUERIES) {
    throw new SimulatedCloudWatchError(
      "ValidationError",
      `The collection MetricDataQueries must not have a size greater than ${MAX_QUERIES}.`,
    );
  }
  const queries: StatQuery[] = [];
  const ids = new Set<string>();
  for (let n = 1; n <= count; n++) {
    const at = `${prefix}${n}.`;
    const get = (name: string) => params.get(at + name);
    const id = get("Id");
    if (id === null) {
      throw new SimulatedCloudWatchError(
        "MissingParameter",
        `The parameter MetricDataQueries.member.${n}.Id is required.`,
      );
    }
    if (!QUERY_ID.test(id)) {
      throw new SimulatedCloudWatchError(
        "ValidationError",
        `Invalid MetricDataQueries.member.${n}.Id: '${id}' must start with a lowercase letter and contain only letters, numbers and underscores.`,
      );
    }
    if (ids.has(id)) {
      throw new SimulatedCloudWatchError(
        "ValidationError",
        `The value ${id} for parameter MetricDataQueries.member.${n}.Id is not unique.`,
      );
    }
    ids.add(id);
    if (get("Expression") !== null) {
      throw new SimulatedCloudWatchError(
        "InvalidParameterValue",
        `The simulator answers MetricStat queries only: MetricDataQueries.member.${n} has an Expression.`,
      );
    }
    const namespace = get("MetricStat.Metric.Namespace");
    const metricName = get("MetricStat.Metric.MetricName");
    const period = get("MetricStat.Period");
    const stat = get("MetricStat.Stat");
    if (namespace === null || metricName === null || period === null || stat === null) {
      throw new SimulatedCloudWatchError(
        "ValidationError",
        `The parameter MetricDataQueries.member.${n}.MetricStat is required.`,
      );
    }
    const periodSeconds = /^\d{1,7}$/.test(period) ? Number(period) : 0;
    if (periodSeconds < 60 || periodSeconds % 60 !== 0) {
      throw new SimulatedCloudWatchError(
        "InvalidParameterValue",
        `The parameter MetricDataQueries.member.${n}.MetricStat.Period must be a multiple of 60.`,
      );
    }
    if (!(STATS as readonly string[]).includes(stat)) {
      throw new SimulatedCloudWatchError(
        "InvalidParameterValue",
        `The parameter MetricDataQueries.member.${n}.MetricStat.Stat must be one of ${
          STATS.join(", ")
        } in the simulator.`,
      );
    }
    const dimensions: Record<string, string> = {};
    for (let d = 1;; d++) {
      const name = get(`MetricStat.Metric.Dimensions.member.${d}.Name`);
      if (name === null) break;
      dimensions[name] = get(`MetricStat.Metric.Dimensions.member.${d}.Value`) ?? "";
    }
    queries.push({
      id,
      label: get("Label"),
      namespace,
      metricName,
      dimensions,
      periodMs: periodSeconds * 1000,
      stat: stat as Stat,
      returnData: get("ReturnData") !== "false",
    });
  }
  return queries;
}

function requiredTime(params: Params, name: string): number {
  const value = params.get(name);
  if (value === null) {
    throw new SimulatedCloudWatchError("MissingParameter", `The parameter ${name} is required.`);
  }
  const ms = /^\d{4}-\d\d-\d\dT/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new SimulatedCloudWatchError(
      "InvalidParameterValue",
      `The value ${value} for parameter ${name} is not a valid timestamp.`,
    );
  }
  return ms;
}
