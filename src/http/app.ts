/**
 * The HTTP app: middleware in a fixed order (request id and headers, log,
 * body limit, API key), the routes, and the one error handler.
 *
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
// The tiny preset (PatternRouter) keeps the Workers bundle ~2.5 KB gzipped smaller than
// the default SmartRouter; with a handful of routes its matching speed makes no difference.
import { Hono } from "hono/tiny";
import { bodyLimit } from "hono/body-limit";
import { auditLog, type AuditVariables } from "./middleware/audit.ts";
import { apiKeyAuth, type ApiKeyEntry, type AuthVariables } from "./middleware/auth.ts";
import { dashboardRoutes } from "./dashboard/routes.ts";
import { Sessions } from "./session.ts";
import type { Config } from "../config/settings.ts";
import { corsFor } from "./middleware/cors.ts";
import type { Ec2Client } from "../aws/ec2.ts";
import { isRegionName } from "../aws/endpoints.ts";
import { ApiError, toApiError } from "./errors.ts";
import type { InstanceFilters } from "../aws/ec2.ts";
import { INSTANCE_STATES } from "../aws/ec2_types.ts";
import {
  changeState,
  describeInstance,
  instanceView,
  isAction,
  isInstanceId,
  listInstances,
  StartTimeNotWrittenError,
} from "../domain/instances.ts";
import { type ClientBindings, FailureLimiter } from "./middleware/rate_limit.ts";
import {
  instanceAllowed,
  type KeyScope,
  scopeDenial,
  type ScopeRequest,
} from "../domain/scopes.ts";
import { actionOptions, dryRunOption } from "./action_options.ts";
import type { Notifier } from "../domain/notify.ts";
import { DOCS_PATH, HEALTH_PATH, OPENAPI_DOCUMENT, OPENAPI_PATH } from "./openapi.ts";
import { SERVICE_VERSION } from "./version.ts";
import { renderDocs } from "./docs_page.ts";
import {
  runSweep,
  type SweepAuditEntry,
  type SweepHealAuditEntry,
  type SweepSettings,
  visibleReport,
} from "../domain/sweep.ts";
import { sleep, waitAnswerStatus, waitForState } from "../domain/wait.ts";
import { InstanceChangeQueue } from "../domain/change_queue.ts";

/** Request bodies larger than this are refused with 413. */
export const MAX_BODY_BYTES = 16 * 1024;
const LIST_PATH = "/instance/:region";
const READ_PATH = "/instance/:region/:instance_id";
const CHANGE_PATH = "/instance/:region/:instance_id/:action";
const SWEEP_PATH = "/sweep";
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

/** What the app needs from its platform. */
export interface AppDeps {
  config:
    & Pick<Config, "timeoutMs" | "allowedRegions">
    & Partial<Pick<Config, "corsOrigins" | "regions">>;
  /** The configured keys. */
  keys: readonly ApiKeyEntry[];
  /** The EC2 client; null when the service has no AWS credentials to act with. */
  ec2: Ec2Client | null;
  /** Clock for `start_time` and uptime. Default: the current time. */
  now?: () => Date;
  /** Where the one line per request goes (JSON, {@linkcode RequestLogRecord}). Default: none. */
  log?: (line: string) => void;
  /** Where the audit lines go (JSON, one per line). Default: none. */
  audit?: (line: string) => void;
  /** Counts failed key checks per client address. Default: one on `now`. */
  limiter?: FailureLimiter;
  /** Pause between polls of `wait=true`. Default: a timer. */
  sleep?: (ms: number) => Promise<void>;
  /** Posts state changes to `NOTIFY_WEBHOOK_URL`. Default: none. */
  notifier?: Notifier;
  /** The sweep's regions and default limit. Default: no regions. */
  sweep?: SweepSettings;
  /**
   * Orders the changes to each instance; share it with a sweep run outside
   * the app (the cron). Default: a queue of this app's own.
   */
  changes?: InstanceChangeQueue;
}

type Env = {
  Bindings: ClientBindings;
  Variables: AuthVariables & AuditVariables & {
    requestId: string;
    arrived: Date;
    deadline: AbortSignal;
  };
};

/** Builds a fresh app; it keeps no state between requests. */
export function createApp(deps: AppDeps): Hono<Env> {
  const { config, keys, log } = deps;
  const now = deps.now ?? (() => new Date());
  const sink = deps.audit;
  /** The sweep's own audit lines, next to the request's. */
  const audit = sink &&
    ((entry: SweepAuditEntry | SweepHealAuditEntry) => sink(JSON.stringify(entry)));
  const app = new Hono<Env>({ strict: false });
  const limiter = deps.limiter ?? new FailureLimiter({ now: () => now().getTime() });
  const sessions = new Sessions(keys, () => now().getTime());
  const auth = apiKeyAuth(keys, { limiter });
  /** The routes the dashboard's script calls: its session is good there, from its own pages. */
  const dashboardAuth = apiKeyAuth(keys, { limiter, sessions });
  const changes = deps.changes ?? new InstanceChangeQueue();

  app.use(async function responseHeaders(c, next) {
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
  });
  app.use(auditLog({ sink: sink ?? (() => {}), now }));
  const cors = corsFor(config.corsOrigins);
  // The API's routes, not the dashboard's: its cookie never goes cross-origin.
  if (cors) { for (const path of ["/instance/*", SWEEP_PATH, OPENAPI_PATH]) app.use(path, cors); }
  app.use(deadline(config.timeoutMs));
  app.use(bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new ApiError(413, "request", `Request body is larger than ${MAX_BODY_BYTES} bytes`);
    },
  }));

  /** The EC2 client, reporting its calls to the request's audit line. */
  function ec2(c: Context<Env>): Ec2Client {
    if (deps.ec2) return deps.ec2.observed((call) => c.get("ec2Calls").push(call));
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
    return { region, instanceId, signal: c.get("deadline") };
  }

  app.get(LIST_PATH, dashboardAuth, async (c) => {
    const region = regionOf(c);
    const filters = listFilters(new URL(c.req.url).searchParams);
    const scope = c.get("apiKey").scope;
    requireScope(scope, { action: "read", region });
    const instances = await listInstances(ec2(c), region, filters, { signal: c.get("deadline") });
    const at = now();
    return c.json({
      instances: instances
        .filter((instance) => instanceAllowed(scope, instance))
        .map((instance) => instanceView(instance, at)),
    });
  });

  app.get(READ_PATH, dashboardAuth, async (c) => {
    const { region, instanceId, signal } = target(c);
    const scope = c.get("apiKey").scope;
    requireScope(scope, { action: "read", region, instanceId });
    const instance = await describeInstance(ec2(c), region, instanceId, { signal });
    requireTags(scope, instance);
    return c.json(instanceView(instance, now()));
  });

  app.on(["POST", "PUT"], CHANGE_PATH, dashboardAuth, async (c) => {
    const { region, instanceId, signal } = target(c);
    const action = c.req.param("action");
    if (!isAction(action)) throw new ApiError(422, "action", "Invalid action");
    const options = await actionOptions(c, action);
    const scope = c.get("apiKey").scope;
    requireScope(scope, { action, region, instanceId });
    // The answer to a wait is the instance itself: a read.
    if (options.waitSeconds !== null) requireScope(scope, { action: "read", region, instanceId });
    if (scope.tags) {
      // Only a key limited by tags costs a DescribeInstances before the change.
      requireTags(scope, await describeInstance(ec2(c), region, instanceId, { signal }));
    }
    const { hibernate, force, dryRun } = options;
    const by = `key ${c.get("apiKey").name}`;
    const notify = () =>
      inBackground(c, deps.notifier?.notify({ action, region, instanceId, by, hibernate, force }));
    let outcome;
    try {
      outcome = await changeState(
        ec2(c),
        { region, instanceId, action, now: now(), hibernate, force, dryRun },
        { signal, queue: changes, clock: now },
      );
    } catch (error) {
      // The state changed; only its tag was not written: the change is still news.
      if (error instanceof StartTimeNotWrittenError) notify();
      throw error;
    }
    if (outcome.dryRun) {
      return c.json({ dry_run: true, would_succeed: true, action, instance_id: instanceId });
    }
    notify();
    if (options.waitSeconds === null || action === "reboot") return c.body(null, 204);
    const result = await waitForState(ec2(c), {
      region,
      instanceId,
      target: action === "start" ? "running" : "stopped",
      waitMs: options.waitSeconds * 1000,
      pollTimeoutMs: config.timeoutMs,
      now: () => now().getTime(),
      sleep: deps.sleep ?? sleep,
    });
    return c.json(instanceView(result.instance, now()), waitAnswerStatus(result, action));
  });

  app.post(SWEEP_PATH, auth, async (c) => {
    const scope = c.get("apiKey").scope;
    requireScope(scope, { action: "sweep" });
    const dryRun = await dryRunOption(c);
    const regions = (deps.sweep?.regions ?? []).filter((r) =>
      !scope.regions || scope.regions.has(r)
    );
    const report = await runSweep(ec2(c), { maxRuntimeMs: null, ...deps.sweep, regions }, {
      now: now(),
      dryRun,
      timeoutMs: config.timeoutMs,
      allows: (instance) => instanceAllowed(scope, instance),
      by: `key ${c.get("apiKey").name}`,
      audit,
      notifier: deps.notifier,
      changes,
      clock: now,
    });
    inBackground(c, deps.notifier?.settled());
    // A key that may sweep but not read learns what was done, not to which instances.
    return c.json(
      visibleReport(
        report,
        (region, instanceId) => scopeDenial(scope, { action: "read", region, instanceId }) === null,
      ),
    );
  });

  app.get(HEALTH_PATH, (c) => c.json({ status: "ok", version: SERVICE_VERSION }));
  app.get(OPENAPI_PATH, (c) => c.json(OPENAPI_DOCUMENT));
  app.get(DOCS_PATH, (c) => c.html(renderDocs(OPENAPI_DOCUMENT)));
  app.route("/", dashboardRoutes({ config, keys, ec2: deps.ec2, now, limiter, sessions }));

  app.all(LIST_PATH, methodNotAllowed(["GET", "HEAD"]));
  app.all(READ_PATH, methodNotAllowed(["GET", "HEAD"]));
  app.all(CHANGE_PATH, methodNotAllowed(["POST", "PUT"]));
  app.all(SWEEP_PATH, methodNotAllowed(["POST"]));
  app.notFound(() => new ApiError(404, "path", "Not found").toResponse());
  app.onError((error) => toApiError(error).toResponse());
  return app;
}

/**
 * Lets `work` finish after the answer: on Workers through `waitUntil`; on
 * Deno the promise runs on by itself. `work` never rejects.
 */
function inBackground(c: Context, work: Promise<void> | undefined): void {
  if (!work) return;
  try {
    c.executionCtx.waitUntil(work);
  } catch {
    // Hono throws when the platform gave no execution context: not Workers.
  }
}

/**
 * Sets the `deadline` variable, aborted `ms` after the request arrives, and clears
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
    segment === "" || KNOWN_SEGMENTS.has(segment) || isRegionName(segment) ||
      isInstanceId(segment) || isAction(segment)
      ? segment
      : "*"
  ).join("/");
}
