/**
 * The one Hono environment of the app, its middleware and its route modules:
 * what the platform passes with each request (`c.env`) and the variables the
 * middleware sets (`c.get()`).
 *
 * @module
 */
import type { Context } from "hono";
import type { AuditVariables } from "./middleware/audit.ts";
import type { AuthVariables } from "./middleware/auth.ts";
import type { ClientBindings } from "./middleware/rate_limit.ts";

/** Variables set for every request, before any route runs. */
export interface RequestVariables {
  /** The request's `X-Request-Id`, made by the service, never the client's. */
  requestId: string;
  /** When the request arrived: the time of its log line and of its audit line. */
  arrived: Date;
  /** Aborted when the request's `EC2_TIMEOUT_MS` has passed. */
  deadline: AbortSignal;
}

/**
 * The app's environment. `apiKey` and `apiKeySource` are set only once a key
 * middleware let the request through: code that may run before (the audit
 * line) reads them as possibly absent.
 */
export type Env = {
  Bindings: ClientBindings;
  Variables: RequestVariables & AuditVariables & AuthVariables;
};

/** A request's context in this app. */
export type AppContext = Context<Env>;
