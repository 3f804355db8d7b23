/**
 * The first middleware: the request's id, the headers every answer carries,
 * and the one log line per request.
 *
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { isRegionName } from "../../aws/endpoints.ts";
import { isAction, isInstanceId } from "../../domain/instances.ts";
import type { Env } from "../env.ts";

/** Path segments of this service's own routes, logged as they are. */
const KNOWN_SEGMENTS = new Set(["instance", "sweep", "openapi.json", "docs", "session", "delete"]);

/**
 * Middleware setting the `requestId` variable, the common headers on the
 * answer, and writing one line per request to `log`.
 */
export function commonHeaders(log?: (line: string) => void): MiddlewareHandler<Env> {
  return async function responseHeaders(c, next) {
    // Always made here, never the client's own X-Request-Id: echoing or
    // auditing what a client sent would copy a key sent there, and refusing
    // only the ids equal to a key would tell a guesser which guess was right.
    const requestId = crypto.randomUUID();
    c.set("requestId", requestId);
    const started = performance.now();
    await next();
    setCommonHeaders(c, requestId);
    const elapsed = (performance.now() - started).toFixed(1);
    log?.(`${c.req.method} ${loggablePath(c.req.path)} ${c.res.status} ${elapsed}ms`);
  };
}

/**
 * The headers every answer carries, set on the answer itself. Hono's
 * `c.header()` copies a finished response (body, status, every header) each
 * time; only an answer whose headers cannot change (`Response.redirect()`)
 * needs that copy.
 */
function setCommonHeaders(c: Context, requestId: string): void {
  try {
    c.res.headers.set("x-request-id", requestId);
  } catch {
    c.header("x-request-id", requestId);
  }
  c.res.headers.set("x-content-type-options", "nosniff");
  c.res.headers.set("cache-control", "no-store");
}

/**
 * The request path as logged: segments that are not the shape of something
 * this service knows become `*`, so a key a client put in the path never
 * reaches a log.
 */
export function loggablePath(path: string): string {
  return path.split("/").map((segment) =>
    segment === "" || KNOWN_SEGMENTS.has(segment) || isRegionName(segment) ||
      isInstanceId(segment) || isAction(segment)
      ? segment
      : "*"
  ).join("/");
}
