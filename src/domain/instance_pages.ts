/**
 * A region's instances one page at a time, so a request does bounded work
 * at any fleet size: one DescribeInstances per page. The page token handed
 * to clients wraps EC2's `NextToken` with how many instances of that EC2
 * page were already given out, because EC2's `MaxResults` starts at 5 and a
 * client may ask for fewer.
 *
 * @module
 */
import type { CallOptions, Ec2Client, InstanceFilters } from "../aws/ec2.ts";
import { Ec2Error } from "../aws/ec2_errors.ts";
import type { Instance } from "../aws/ec2_types.ts";

/** The largest page a client may ask for: EC2's own largest `MaxResults`. */
export const MAX_PAGE_LIMIT = 1000;
/** EC2's smallest `MaxResults`; a smaller page is cut from a page of this size. */
export const EC2_MIN_MAX_RESULTS = 5;
/** Longest page token accepted: EC2's own tokens are a few hundred characters. */
export const MAX_PAGE_TOKEN_LENGTH = 4096;
/** A page token's form: base64url, at most {@linkcode MAX_PAGE_TOKEN_LENGTH} characters. */
export const PAGE_TOKEN_PATTERN = /^[A-Za-z0-9_-]{1,4096}$/;
/** EC2 codes for a `NextToken` it did not issue, or no longer honours. */
const REFUSED_TOKEN_CODES = new Set([
  "InvalidParameterValue",
  "InvalidNextToken",
  "InvalidPaginationToken",
]);

/** The page token could not be read, or EC2 refused the token inside it. */
export class PageTokenError extends Error {
  constructor() {
    super("The next_token is not one this listing gave, or has expired: list again without it");
    this.name = "PageTokenError";
  }
}

/** Which page to read. */
export interface PageRequest {
  /** 1 to {@linkcode MAX_PAGE_LIMIT}. */
  limit: number;
  /** A token from an earlier page's `nextToken`; absent for the first page. */
  token?: string;
}

/** One page of a listing. */
export interface InstancePageView {
  instances: Instance[];
  /** Where the next page starts; null when this was the last. */
  nextToken: string | null;
}

interface Position {
  /** EC2's token of the page this one is cut from; null for the first. */
  ec2: string | null;
  /** Instances of that EC2 page already given out. */
  skip: number;
}

/**
 * One page of `region`'s instances matching `filters`: one DescribeInstances
 * with `MaxResults` of at least {@linkcode EC2_MIN_MAX_RESULTS}. The page may
 * hold fewer than `limit` instances (EC2 may answer short pages) while a
 * next token is given.
 *
 * @throws {PageTokenError} when `page.token` is malformed or EC2 refuses the token in it
 */
export async function listInstancePage(
  ec2: Ec2Client,
  region: string,
  filters: InstanceFilters,
  page: PageRequest,
  options: CallOptions = {},
): Promise<InstancePageView> {
  const at = page.token === undefined ? { ec2: null, skip: 0 } : decodePageToken(page.token);
  const maxResults = Math.min(MAX_PAGE_LIMIT, Math.max(EC2_MIN_MAX_RESULTS, at.skip + page.limit));
  let answer;
  try {
    answer = await ec2.describeInstances(region, {
      ...options,
      filters,
      maxResults,
      nextToken: at.ec2 ?? undefined,
    });
  } catch (error) {
    if (at.ec2 !== null && error instanceof Ec2Error && REFUSED_TOKEN_CODES.has(error.code)) {
      throw new PageTokenError();
    }
    throw error;
  }
  const end = at.skip + page.limit;
  const instances = answer.instances.slice(at.skip, end);
  let next: Position | null = null;
  if (end < answer.instances.length) next = { ec2: at.ec2, skip: end };
  else if (answer.nextToken) next = { ec2: answer.nextToken, skip: 0 };
  return { instances, nextToken: next === null ? null : encodePageToken(next) };
}

function encodePageToken(position: Position): string {
  const json = JSON.stringify([1, position.ec2, position.skip]);
  const bytes = new TextEncoder().encode(json);
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_")
    .replace(/=+$/, "");
}

/**
 * Reads a token {@linkcode encodePageToken} wrote: base64url of
 * `[1, ec2Token | null, skip]`. Its length is bounded before it is decoded.
 */
function decodePageToken(token: string): Position {
  if (token.length > MAX_PAGE_TOKEN_LENGTH || !PAGE_TOKEN_PATTERN.test(token)) {
    throw new PageTokenError();
  }
  let value: unknown;
  try {
    const binary = atob(token.replaceAll("-", "+").replaceAll("_", "/"));
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(
      Uint8Array.from(binary, (c) => c.charCodeAt(0)),
    ));
  } catch {
    throw new PageTokenError();
  }
  if (!Array.isArray(value) || value.length !== 3 || value[0] !== 1) throw new PageTokenError();
  const [, ec2, skip] = value;
  if (ec2 !== null && (typeof ec2 !== "string" || ec2 === "")) throw new PageTokenError();
  if (!Number.isInteger(skip) || skip < 0 || skip >= MAX_PAGE_LIMIT) throw new PageTokenError();
  return { ec2, skip };
}

/** EC2 takes at most this many values in one filter. */
const MAX_FILTER_VALUES = 200;

/**
 * `filters` narrowed to what `scope` lets the key see, so EC2 pages hold the
 * key's instances rather than pages thinned out after the read: each scope
 * tag as `tag:KEY` (its `*`, `?` and `\` escaped, EC2's wildcards), the
 * scope's instances as `instance-id`. A filter the client set on the same
 * name is left as it is (their intersection is not one filter); the scope
 * is still checked on every instance read, so this only saves work.
 */
export function scopedFilters(
  filters: InstanceFilters,
  scope: {
    tags: Readonly<Record<string, string>> | null;
    instances: ReadonlySet<string> | null;
  },
): InstanceFilters {
  const narrowed: Record<string, readonly string[]> = { ...filters };
  for (const [key, value] of Object.entries(scope.tags ?? {})) {
    const name = `tag:${key}`;
    if (!Object.hasOwn(narrowed, name)) narrowed[name] = [value.replace(/[\\*?]/g, "\\$&")];
  }
  if (
    scope.instances && scope.instances.size <= MAX_FILTER_VALUES &&
    !Object.hasOwn(narrowed, "instance-id")
  ) {
    narrowed["instance-id"] = [...scope.instances];
  }
  return narrowed;
}
