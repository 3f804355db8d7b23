/**
 * The 405 answer, with the `Allow` header listing the methods a path takes.
 *
 * @module
 */
import { ApiError } from "./errors.ts";

/**
 * A handler refusing any method: register it with `app.all()` after the
 * path's own routes, which answer first for the methods in `allowed`.
 */
export function methodNotAllowed(allowed: readonly string[]): () => never {
  const allow = allowed.join(", ");
  return function answerMethodNotAllowed(): never {
    throw new ApiError(405, "method", "Method not allowed", { allow });
  };
}
