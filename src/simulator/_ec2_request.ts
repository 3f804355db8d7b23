/**
 * Reading an EC2 Query request: its parameters, the shape of its SigV4
 * signature, and the flattened lists, structures and page tokens inside it.
 * What cannot be read is thrown as the `SimulatedEc2Error` EC2 would answer.
 *
 * @module
 */

import { isRegionName } from "../aws/endpoints.ts";
import { AUTH_FAILURE_MESSAGE, missingParameter, SimulatedEc2Error } from "./_ec2_errors.ts";

const SIGV4_HEADER =
  /^AWS4-HMAC-SHA256 Credential=([^,\s]+), ?SignedHeaders=([^,\s]+), ?Signature=([0-9a-f]{64})$/;
const SIGNATURE_PATTERN = /^[0-9a-f]{64}$/;
const AMZ_DATE_PATTERN = /^\d{8}T\d{6}Z$/;
const DRY_RUN_MESSAGE = "Request would have succeeded, but DryRun flag is set.";
/** @see https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstances.html */
const MIN_MAX_RESULTS = 5;
const MAX_MAX_RESULTS = 1000;

/**
 * The parameters each action takes, besides `Action`, `Version`, `DryRun` and
 * a presigned query's `X-Amz-*`; EC2 refuses any other with `UnknownParameter`.
 * Names are case-sensitive; lists are 1-based.
 * @see https://docs.aws.amazon.com/AWSEC2/latest/APIReference/CommonParameters.html
 */
const ACTION_PARAMETERS: Readonly<Record<string, RegExp>> = {
  DescribeInstances:
    /^(?:InstanceId\.[1-9]\d*|Filter\.[1-9]\d*\.(?:Name|Value\.[1-9]\d*)|MaxResults|NextToken)$/,
  StartInstances: /^(?:InstanceId\.[1-9]\d*|AdditionalInfo)$/,
  StopInstances: /^(?:InstanceId\.[1-9]\d*|Hibernate|Force)$/,
  RebootInstances: /^InstanceId\.[1-9]\d*$/,
  CreateTags: /^(?:ResourceId\.[1-9]\d*|Tag\.[1-9]\d*\.(?:Key|Value))$/,
  DeleteTags: /^(?:ResourceId\.[1-9]\d*|Tag\.[1-9]\d*\.(?:Key|Value))$/,
};
const COMMON_PARAMETER = /^(?:Action|Version|DryRun|X-Amz-[A-Za-z-]+)$/;
/** Boolean parameters: EC2 takes `true` or `false` and refuses anything else. */
const BOOLEAN_PARAMETERS = ["DryRun", "Hibernate", "Force"];

/** A request's parameters, name to value. */
export type Params = Readonly<Record<string, string>>;

/** What the signature says about the caller, read before anything else. */
export interface Credential {
  /** The region of the credential scope, when one could be read. */
  region: string | null;
  /** Why the signature is refused, or null when its shape is right. */
  problem: string | null;
}

/**
 * Checks the shape of the SigV4 signature, in the `Authorization` header or
 * presigned in the query; the secret is unknown, so the signature itself
 * cannot be verified.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-signing-elements.html
 */
export function checkCredential(headers: Headers, query: URLSearchParams): Credential {
  let scope: string;
  let signedHeaders: string;
  let date: string | null;
  const authorization = headers.get("authorization");
  if (authorization !== null) {
    const match = SIGV4_HEADER.exec(authorization);
    if (match === null) return { region: null, problem: AUTH_FAILURE_MESSAGE };
    [, scope, signedHeaders] = match;
    date = headers.get("x-amz-date");
  } else if (query.has("X-Amz-Signature")) {
    if (
      query.get("X-Amz-Algorithm") !== "AWS4-HMAC-SHA256" ||
      !SIGNATURE_PATTERN.test(query.get("X-Amz-Signature") ?? "")
    ) {
      return { region: null, problem: AUTH_FAILURE_MESSAGE };
    }
    scope = query.get("X-Amz-Credential") ?? "";
    signedHeaders = query.get("X-Amz-SignedHeaders") ?? "";
    date = query.get("X-Amz-Date");
  } else {
    return { region: null, problem: AUTH_FAILURE_MESSAGE };
  }
  const [accessKeyId, scopeDate, region, service, terminator, ...rest] = scope
    .split("/");
  if (
    !accessKeyId || !/^\d{8}$/.test(scopeDate ?? "") || !region ||
    terminator !== "aws4_request" || rest.length > 0
  ) {
    return { region: null, problem: AUTH_FAILURE_MESSAGE };
  }
  if (service !== "ec2") {
    return {
      region,
      problem: "Credential should be scoped to correct service: 'ec2'.",
    };
  }
  if (!isRegionName(region)) {
    return {
      region: null,
      problem: `Credential should be scoped to a valid region, not '${region}'.`,
    };
  }
  if (!signedHeaders.split(";").includes("host")) {
    return {
      region,
      problem: "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
    };
  }
  if (date === null) {
    return {
      region,
      problem:
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
    };
  }
  if (!AMZ_DATE_PATTERN.test(date) || !date.startsWith(scopeDate)) {
    return {
      region,
      problem:
        `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${
          date.slice(0, 8)
        }'.`,
    };
  }
  return { region, problem: null };
}

/**
 * The query parameters, and the form body's when the request is a form POST;
 * another content type leaves the body unread, so a body sent as `text/plain`
 * (aws4fetch's default for a string) lacks its `Action`.
 */
export async function readParams(request: Request): Promise<Record<string, string>> {
  const entries = [...new URL(request.url).searchParams];
  const type = request.headers.get("content-type") ?? "";
  if (
    request.method === "POST" &&
    /^application\/x-www-form-urlencoded(?:;|$)/i.test(type.trim())
  ) {
    entries.push(...new URLSearchParams(await request.text()));
  }
  return Object.fromEntries(entries);
}

/** `Name.1`, `Name.2`… (1-based, in numeric order) of a flattened Query list. */
export function listParam(params: Params, name: string): string[] {
  return indexedParams(params, name)
    .filter(({ field }) => field === "")
    .map(({ value }) => value);
}

/** `Name.N.Field` entries grouped by N, in numeric order: `[{ Key, Value }, …]`. */
export function structParam(params: Params, name: string): Params[] {
  const members = new Map<number, Record<string, string>>();
  for (const { index, field, value } of indexedParams(params, name)) {
    if (field === "") continue;
    const member = members.get(index) ?? {};
    member[field] = value;
    members.set(index, member);
  }
  return [...members.values()];
}

function indexedParams(params: Params, name: string) {
  const prefix = `${name}.`;
  const found: { index: number; field: string; value: string }[] = [];
  for (const [key, value] of Object.entries(params)) {
    if (!key.startsWith(prefix)) continue;
    const match = /^([1-9]\d*)(?:\.(.+))?$/.exec(key.slice(prefix.length));
    if (match === null) continue;
    found.push({ index: Number(match[1]), field: match[2] ?? "", value });
  }
  return found.sort((a, b) => a.index - b.index);
}

/** `listParam`, or `MissingParameter` when the list is empty. */
export function requiredList(params: Params, name: string): string[] {
  const list = listParam(params, name);
  if (list.length === 0) throw missingParameter(name);
  return list;
}

/** A `Tag.N` member's `Key`, or `MissingParameter` when it has none. */
export function requiredTagKey(tag: Params): string {
  if (tag.Key === undefined) throw missingParameter("Tag.N.Key");
  return tag.Key;
}

/** Throws `DryRunOperation` when the request sets `DryRun`; call it once every check has passed. */
export function dryRun(params: Params): void {
  if (params.DryRun === "true") {
    throw new SimulatedEc2Error("DryRunOperation", DRY_RUN_MESSAGE);
  }
}

/** DescribeInstances' `MaxResults`, or `InvalidParameterValue` when outside 5 to 1000. */
export function parseMaxResults(raw: string): number {
  const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (value >= MIN_MAX_RESULTS && value <= MAX_MAX_RESULTS) return value;
  const expecting = value > MAX_MAX_RESULTS
    ? `less than ${MAX_MAX_RESULTS}`
    : `greater than ${MIN_MAX_RESULTS}`;
  throw new SimulatedEc2Error(
    "InvalidParameterValue",
    `Value ( ${raw} ) for parameter maxResults is invalid. Expecting a value ${expecting}.`,
  );
}

/** The page token: opaque to clients, tied to the region it was issued in. */
export function encodeNextToken(offset: number, region: string): string {
  return btoa(JSON.stringify({ v: 1, region, offset }));
}

/** The offset inside `token`, or `InvalidParameterValue` when it was not issued for `region`. */
export function decodeNextToken(token: string, region: string): number {
  try {
    const decoded = JSON.parse(atob(token));
    if (
      decoded?.v === 1 && decoded.region === region &&
      Number.isInteger(decoded.offset) && decoded.offset >= 0
    ) {
      return decoded.offset;
    }
  } catch {
    // Not base64 JSON: reported below like any other foreign token.
  }
  throw new SimulatedEc2Error(
    "InvalidParameterValue",
    `Invalid value '${token}' for nextToken`,
  );
}

/**
 * Refuses what EC2 refuses before acting: a parameter `action` does not take
 * (`UnknownParameter`), a boolean that is not `true` or `false`
 * (`InvalidParameterValue`). An action the simulator does not know is left to
 * its `InvalidAction`.
 */
export function checkParameters(action: string, params: Params): void {
  const own = ACTION_PARAMETERS[action];
  if (own === undefined) return;
  const unknown = Object.keys(params).find((name) =>
    !COMMON_PARAMETER.test(name) && !own.test(name)
  );
  if (unknown !== undefined) {
    throw new SimulatedEc2Error("UnknownParameter", `The parameter ${unknown} is not recognized`);
  }
  for (const name of BOOLEAN_PARAMETERS) {
    const value = params[name];
    if (value !== undefined && value !== "true" && value !== "false") {
      throw new SimulatedEc2Error(
        "InvalidParameterValue",
        `Value (${value}) for parameter ${name} is invalid. Expected: 'true' or 'false'.`,
      );
    }
  }
}
