/**
 * The API key: where a request carries it, and whether it matches.
 *
 * Sources, in order; the first present wins even when wrong, as in the
 * original: the JSON body field `api_key` (POST and PUT with a JSON content
 * type), the headers `api_key`, `Api-Key`, `X-Api-Key`, `Authorization:
 * Bearer`, the cookie `api_key`; then, on the routes the dashboard calls and
 * only from its own pages, the dashboard's session cookie (which holds no
 * key: see `http/session.ts`). Never the query string: it ends up in logs.
 *
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { ApiError } from "../errors.ts";
import { isJsonType, requestBody } from "../request_body.ts";
import { SESSION_COOKIE, type Sessions } from "../session.ts";
import { requestSite, SAFE_METHODS } from "./origin.ts";
import {
  type Attempt,
  clientAddressOf,
  type FailureLimiter,
  tooManyFailures,
} from "./rate_limit.ts";
import { type ApiKeyEntry, matchKey } from "../../domain/keys.ts";

/** The name of the key in bodies, headers and cookies, as the original had it. */
export const API_KEY_FIELD = "api_key";
const KEY_HEADERS = ["api_key", "api-key", "x-api-key"] as const;
/** The 403 title for a cookie-authenticated change a browser says another site sent. */
export const CROSS_SITE_TITLE =
  "Cross-site request refused: a change authenticated by the api_key cookie must come from this site's own pages";

/** Where a request carried its key; `link`: a signed link on the wake page, no key at all. */
export type KeySource = "body" | "header" | "bearer" | "cookie" | "session" | "link";

/**
 * The key a request carries and its source, from the first source that has
 * one. With `session`, the dashboard's session cookie comes last, as source
 * `session` (its `key` is the session token), and only when the browser says
 * this site's own page sent the request (`Sec-Fetch-Site: same-origin`).
 *
 * @throws {ApiError} 422 when no source has one, or the JSON field is not a string
 */
export async function presentedKey(
  c: Context,
  options: { session?: boolean } = {},
): Promise<{ key: string; source: KeySource }> {
  if (c.req.method === "POST" || c.req.method === "PUT") {
    const fromBody = await keyFromJsonBody(c);
    if (fromBody !== undefined) return { key: fromBody, source: "body" };
  }
  for (const name of KEY_HEADERS) {
    const value = c.req.header(name);
    if (value !== undefined) return { key: value, source: "header" };
  }
  const bearer = bearerToken(c.req.header("authorization"));
  if (bearer !== undefined) return { key: bearer, source: "bearer" };
  const cookie = getCookie(c, API_KEY_FIELD);
  if (cookie !== undefined) return { key: cookie, source: "cookie" };
  if (options.session && c.req.header("sec-fetch-site") === "same-origin") {
    const token = getCookie(c, SESSION_COOKIE, "host");
    if (token !== undefined) return { key: token, source: "session" };
  }
  throw new ApiError(422, API_KEY_FIELD, "Missing data for required field.");
}

/**
 * The token of `Authorization: Bearer <token>` (scheme in any case, white
 * space around), read in one pass; undefined for any other value.
 */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (value.length < 8 || value.slice(0, 6).toLowerCase() !== "bearer") return undefined;
  let start = 6;
  while (start < value.length && isSpace(value[start])) start++;
  if (start === 6) return undefined;
  const token = value.slice(start);
  for (const char of token) if (isSpace(char)) return undefined;
  return token === "" ? undefined : token;
}

function isSpace(char: string): boolean {
  return char === " " || char === "\t";
}

/** The body's `api_key`, or undefined when the body has none (malformed JSON included). */
async function keyFromJsonBody(c: Context): Promise<string | undefined> {
  if (!isJsonType(c.req.header("content-type") ?? "")) return undefined;
  const read = await requestBody(c);
  if (read.kind !== "json") return undefined;
  const body = read.value;
  if (typeof body !== "object" || body === null || Array.isArray(body)) return undefined;
  if (!Object.hasOwn(body, API_KEY_FIELD)) return undefined;
  const value = (body as Record<string, unknown>)[API_KEY_FIELD];
  if (value === null) throw new ApiError(422, API_KEY_FIELD, "Field may not be null.");
  if (typeof value !== "string") throw new ApiError(422, API_KEY_FIELD, "Not a valid string.");
  return value;
}

/** Variables the key middleware sets. */
export interface AuthVariables {
  /** The entry the request's key matched. */
  apiKey: ApiKeyEntry;
  /** Where the request carried the key. */
  apiKeySource: KeySource;
}

/** Options of {@linkcode apiKeyAuth}. */
export interface AuthOptions {
  /** Pays for each key check before it is made. */
  limiter?: FailureLimiter;
  /** Accepts the dashboard's session cookie, from the dashboard's own pages. */
  sessions?: Sessions;
}

/**
 * Middleware that resolves the request's key and lets it through only when it
 * matches one of `entries`; otherwise the handler never runs. With a
 * `limiter`, an address out of attempts gets 429 before its key is read, and
 * each comparison is paid for first (see {@linkcode FailureLimiter.reserve}):
 * a wrong key keeps its attempt spent, a match gets it back. A state change
 * authenticated by the cookie is refused when the browser says another site
 * sent it (a browser sends the cookie along with a form another site posts
 * here, and says so in `Sec-Fetch-Site` or `Origin`). A client that is no
 * browser sends neither and keeps working, as the original's did.
 */
export function apiKeyAuth(
  entries: readonly ApiKeyEntry[],
  options: AuthOptions = {},
): MiddlewareHandler<{ Variables: AuthVariables }> {
  const { limiter, sessions } = options;
  if (entries.length === 0) throw new TypeError("Cannot check API keys: none configured");
  // Keys that matched once, as presented: the next request with one costs a
  // lookup instead of a SHA-256 (a costly WebCrypto call on Deno: docs/performance.md).
  // Only matching keys enter, so it holds at most one string per entry; a
  // wrong key always takes the digest path and its constant-time compare.
  const matched = new Map<string, ApiKeyEntry>();
  return async function checkApiKey(c, next) {
    const address = clientAddressOf(c);
    // Nobody has failed lately, which is nearly always: refuses answers at once.
    if (limiter?.refuses(address)) throw tooManyFailures(limiter, address);
    const { key, source } = await presentedKey(c, { session: sessions !== undefined });
    if (
      (source === "cookie" || source === "session") && !SAFE_METHODS.has(c.req.method) &&
      requestSite(c.req.raw) === "cross"
    ) {
      throw new ApiError(403, "origin", CROSS_SITE_TITLE);
    }
    // Paid for here, after every await that reads the request: requests held
    // back together still each find the attempt of the one before spent.
    const attempt = limiter && await limiter.reserve(address);
    if (attempt === null) throw tooManyFailures(limiter!, address);
    let entry: ApiKeyEntry | null;
    try {
      entry = await checkedEntry(key, source, attempt);
    } finally {
      // Not refunded by a match: the attempt stays spent, and the checks waiting on it go on.
      attempt?.spend();
    }
    if (!entry) throw new ApiError(401, API_KEY_FIELD, "Invalid api key");
    c.set("apiKey", entry);
    c.set("apiKeySource", source);
    await next();
  };

  /** The entry `key` names, refunding `attempt` on a match (or an expired session). */
  async function checkedEntry(
    key: string,
    source: KeySource,
    attempt: Attempt | undefined,
  ): Promise<ApiKeyEntry | null> {
    let entry: ApiKeyEntry | null;
    if (source === "session") {
      const session = await sessions!.check(key);
      if (session === "expired") {
        // Signed by this service: the browser's session ran out, nobody guessed.
        attempt?.refund();
        throw new ApiError(401, API_KEY_FIELD, "Your dashboard session has expired: sign in again");
      }
      entry = session === "invalid" ? null : session;
    } else {
      entry = matched.get(key) ?? null;
      if (!entry) {
        entry = await matchKey(entries, key);
        if (entry && matched.size < entries.length) matched.set(key, entry);
      }
    }
    if (entry) attempt?.refund();
    return entry;
  }
}
