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
const KNOWN_SEGMENTS = new Set([
  "instance",
  "sweep",
  "openapi.json",
  "docs",
  "session",
  "delete",
  "healthz",
]);

/**
 * The one log line of each request, as JSON. `time` and `request_id` are
 * those of the request's audit line, when it has one, so the two join.
 */
export interface RequestLogRecord {
  event: "request";
  /** When the request arrived, UTC ISO 8601. */
  time: string;
  /** The answer's `X-Request-Id`. */
  request_id: string;
  method: string;
  /** The path, each segment that is not one of this service's kept, others as `*`. */
  path: string;
  status: number;
  duration_ms: number;
}

/**
 * Middleware setting the `requestId` and `arrived` variables, the common
 * headers on the answer, and writing one JSON line per request to `log`.
 */
export function commonHeaders(
  now: () => Date,
  log?: (line: string) => void,
): MiddlewareHandler<Env> {
  return async function responseHeaders(c, next) {
    // Always made here, never the client's own X-Request-Id: echoing or
    // auditing what a client sent would copy a key sent there, and refusing
    // only the ids equal to a key would tell a guesser which guess was right.
    const requestId = crypto.randomUUID();
    c.set("requestId", requestId);
    const arrived = now();
    c.set("arrived", arrived);
    const started = performance.now();
    await next();
    setCommonHeaders(c, requestId);
    if (!log) return;
    const record: RequestLogRecord = {
      event: "request",
      time: arrived.toISOString(),
      request_id: requestId,
      method: c.req.method,
      path: loggablePath(c.req.path),
      status: c.res.status,
      duration_ms: Math.round((performance.now() - started) * 10) / 10,
    };
    log(JSON.stringify(record));
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
