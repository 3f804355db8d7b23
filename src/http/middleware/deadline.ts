/**
 * The request's deadline, as the `deadline` variable.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import type { Env } from "../env.ts";

/**
 * Sets the `deadline` variable, aborted `ms` after the request arrives, and clears
 * its timer when the answer is ready. `AbortSignal.timeout()` cannot be
 * cleared: each request's timer and signal would stay alive for the whole
 * `ms` after the answer, and under load RSS would grow with them.
 */
export function deadline(ms: number): MiddlewareHandler<Env> {
  return async function setDeadline(c, next) {
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new DOMException("The deadline passed", "TimeoutError")),
      ms,
    );
    c.set("deadline", controller.signal);
    try {
      await next();
    } finally {
      clearTimeout(timer);
    }
  };
}
