/**
 * The HTTP app: middleware in a fixed order (request id and headers, log,
 * body limit, API key), the routes, and the one error handler.
 *
 * @module
 */
import { type Context, Hono, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { apiKeyAuth, type ApiKeyEntry, type AuthVariables } from "./auth.ts";
import type { Config } from "./config.ts";
import type { Ec2Client } from "./ec2/client.ts";
import { isRegionName } from "./ec2/endpoints.ts";
import { ApiError, toApiError } from "./errors.ts";
import type { InstanceFilters } from "./ec2/client.ts";
import { INSTANCE_STATES } from "./ec2/types.ts";
import {
  changeState,
  describeInstance,
  instanceView,
  isAction,
  isInstanceId,
  listInstances,
} from "./instances.ts";
import { instanceAllowed, type KeyScope, scopeDenial, type ScopeRequest } from "./scopes.ts";

/** Request bodies larger than this are refused with 413. */
export const MAX_BODY_BYTES = 16 * 1024;
const LIST_PATH = "/instance/:region";
const READ_PATH = "/instance/:region/:instance_id";
const CHANGE_PATH = "/instance/:region/:instance_id/:action";
const REQUEST_ID_PATTERN = /^[\w.:-]{1,128}$/;

/** What the app needs from its platform. */
export interface AppDeps {
  config: Pick<Config, "timeoutMs" | "allowedRegions">;
  /** The configured keys. */
  keys: readonly ApiKeyEntry[];
  /** The EC2 client; null when the service has no AWS credentials to act with. */
  ec2: Ec2Client | null;
  /** Clock for `start_time` and uptime. Default: the current time. */
  now?: () => Date;
  /** Where the one line per request goes. Default: none. */
  log?: (line: string) => void;
}

type Env = { Variables: AuthVariables & { requestId: string; deadline: AbortSignal } };

/** Builds a fresh app; it keeps no state between requests. */
export function createApp(deps: AppDeps): Hono<Env> {
  const { config, keys, log } = deps;
  const now = deps.now ?? (() => new Date());
  const app = new Hono<Env>({ strict: false });
  const auth = apiKeyAuth(keys);

  app.use(async function responseHeaders(c, next) {
    const sent = c.req.header("x-request-id");
    const requestId = sent && REQUEST_ID_PATTERN.test(sent) ? sent : crypto.randomUUID();
    c.set("requestId", requestId);
    const started = performance.now();
    await next();
    // Hono copies a finished response on every c.header(): one copy, then set on it.
    c.header("x-request-id", requestId);
    c.res.headers.set("x-content-type-options", "nosniff");
    c.res.headers.set("cache-control", "no-store");
    const elapsed = (performance.now() - started).toFixed(1);
    log?.(`${c.req.method} ${loggablePath(c.req.path)} ${c.res.status} ${elapsed}ms`);
  });
  app.use(deadline(config.timeoutMs));
  app.use(bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new ApiError(413, "request", `Request body is larger than ${MAX_BODY_BYTES} bytes`);
    },
  }));

  function ec2(): Ec2Client {
    if (deps.ec2) return deps.ec2;
    throw new ApiError(
      503,
      "aws",
      "AWS credentials are not configured: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or DEMO=true for the built-in simulator",
    );
  }

  function regionOf(c: Context): string {
    const region = c.req.param("region") ?? "";
    if (!isRegionName(region) || (config.allowedRegions && !config.allowedRegions.has(region))) {
      throw new ApiError(422, "region", "Invalid region");
    }
    return region;
  }

  function target(c: Context) {
    const region = regionOf(c);
    const instanceId = c.req.param("instance_id") ?? "";
    if (!isInstanceId(instanceId)) {
      throw new ApiError(422, "instance_id", "Invalid instance_id");
    }
    return { region, instanceId, signal: c.var.deadline };
  }

  app.get(LIST_PATH, auth, async (c) => {
    const region = regionOf(c);
    const filters = listFilters(new URL(c.req.url).searchParams);
    const scope = c.var.apiKey.scope;
    requireScope(scope, { action: "read", region });
    const instances = await listInstances(ec2(), region, filters, { signal: c.var.deadline });
    const at = now();
    return c.json({
      instances: instances
        .filter((instance) => instanceAllowed(scope, instance))
        .map((instance) => instanceView(instance, at)),
    });
  });

  app.get(READ_PATH, auth, async (c) => {
    const { region, instanceId, signal } = target(c);
    const scope = c.var.apiKey.scope;
    requireScope(scope, { action: "read", region, instanceId });
    const instance = await describeInstance(ec2(), region, instanceId, { signal });
    requireTags(scope, instance);
    return c.json(instanceView(instance, now()));
  });

  app.on(["POST", "PUT"], CHANGE_PATH, auth, async (c) => {
    const { region, instanceId, signal } = target(c);
    const action = c.req.param("action");
    if (!isAction(action)) throw new ApiError(422, "action", "Invalid action");
    const scope = c.var.apiKey.scope;
    requireScope(scope, { action, region, instanceId });
    if (scope.tags) {
      // Only a key limited by tags costs a DescribeInstances before the change.
      requireTags(scope, await describeInstance(ec2(), region, instanceId, { signal }));
    }
    await changeState(ec2(), { region, instanceId, action, now: now() }, { signal });
    return c.body(null, 204);
  });

  app.all(LIST_PATH, methodNotAllowed(["GET", "HEAD"]));
  app.all(READ_PATH, methodNotAllowed(["GET", "HEAD"]));
  app.all(CHANGE_PATH, methodNotAllowed(["POST", "PUT"]));
  app.notFound(() => new ApiError(404, "path", "Not found").toResponse());
  app.onError((error) => toApiError(error).toResponse());
  return app;
}

/**
 * Sets `c.var.deadline`, aborted `ms` after the request arrives, and clears
 * its timer when the answer is ready. `AbortSignal.timeout()` cannot be
 * cleared: each request's timer and signal would stay alive for the whole
 * `ms` after the answer, and under load RSS would grow with them.
 */
function deadline(ms: number): MiddlewareHandler<Env> {
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

function requireScope(scope: KeyScope, request: ScopeRequest): void {
  const denial = scopeDenial(scope, request);
  if (denial) throw new ApiError(403, "scope", denial);
}

function requireTags(scope: KeyScope, instance: { id: string; tags: Record<string, string> }) {
  if (!instanceAllowed(scope, instance)) {
    const tags = Object.entries(scope.tags ?? {}).map(([key, value]) => `${key}=${value}`);
    throw new ApiError(
      403,
      "scope",
      `This key may only act on instances tagged ${tags.join(", ")}`,
    );
  }
}

/**
 * The listing's filters from the query: `state=running,stopped` and
 * `tag:KEY=VALUE` (repeat a parameter to accept several values).
 */
function listFilters(query: URLSearchParams): InstanceFilters {
  const filters: Record<string, string[]> = {};
  for (const [name, value] of query) {
    if (name === "state") {
      const states = value.split(",").map((state) => state.trim());
      if (!states.every((state) => (INSTANCE_STATES as readonly string[]).includes(state))) {
        throw new ApiError(422, "state", `Invalid state: use ${INSTANCE_STATES.join(", ")}`);
      }
      (filters["instance-state-name"] ??= []).push(...states);
    } else if (name.startsWith("tag:")) {
      if (name.length === 4) throw new ApiError(422, "tag", "Invalid tag filter: name the tag");
      (filters[name] ??= []).push(value);
    }
  }
  return filters;
}

function methodNotAllowed(allowed: readonly string[]) {
  return function answerMethodNotAllowed(): never {
    throw new ApiError(405, "method", "Method not allowed", { allow: allowed.join(", ") });
  };
}

/**
 * The request path as logged: segments that are not the shape of something
 * this service knows become `*`, so a key a client put in the path never
 * reaches a log.
 */
export function loggablePath(path: string): string {
  return path.split("/").map((segment) =>
    segment === "" || segment === "instance" || isRegionName(segment) ||
      isInstanceId(segment) || isAction(segment)
      ? segment
      : "*"
  ).join("/");
}
