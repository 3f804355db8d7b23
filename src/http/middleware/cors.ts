/**
 * CORS, off unless `CORS_ORIGINS` lists origins. Browsers on those origins may
 * call the API with the key in a header; cookies are not sent cross-origin
 * (no `Access-Control-Allow-Credentials`), so a page elsewhere cannot ride
 * on a cookie key.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";

/** Request headers a browser may send: the key headers and JSON bodies. */
export const CORS_ALLOW_HEADERS = [
  "api_key",
  "Api-Key",
  "X-Api-Key",
  "Authorization",
  "Content-Type",
  "X-Request-Id",
] as const;
/** Answer headers a browser script may read. */
export const CORS_EXPOSE_HEADERS = ["X-Request-Id", "Retry-After", "Allow"] as const;
/** How long a browser may keep a preflight answer, in seconds. */
export const CORS_MAX_AGE = 600;

/**
 * Middleware answering preflights and marking answers for `origins` (or any
 * origin for `*`); null when CORS is off.
 */
export function corsFor(origins: readonly string[] | null | undefined): MiddlewareHandler | null {
  if (!origins || origins.length === 0) return null;
  return cors({
    origin: origins.includes("*") ? "*" : [...origins],
    allowMethods: ["GET", "HEAD", "POST", "PUT"],
    allowHeaders: [...CORS_ALLOW_HEADERS],
    exposeHeaders: [...CORS_EXPOSE_HEADERS],
    maxAge: CORS_MAX_AGE,
  });
}
