/**
 * The HTTP app: middleware in a fixed order (request id and headers, audit,
 * CORS, deadline, body limit), the route modules, and the one error handler.
 *
 * @module
 */
// The tiny preset (PatternRouter) keeps the Workers bundle smaller than the default
// SmartRouter (docs/performance.md); with a handful of routes its speed makes no difference.
import { Hono } from "hono/tiny";
import { bodyLimit } from "hono/body-limit";
import type { Ec2Client } from "../aws/ec2.ts";
import type { Config } from "../config/settings.ts";
import { InstanceChangeQueue } from "../domain/change_queue.ts";
import type { DnsSettings } from "../domain/dns_follow.ts";
import type { Notifier } from "../domain/notify.ts";
import type { SweepSettings } from "../domain/sweep.ts";
import { sleep } from "../domain/wait.ts";
import { dashboardRoutes } from "./dashboard/routes.ts";
import type { Env } from "./env.ts";
import { ApiError, toApiError } from "./errors.ts";
import { auditLog } from "./middleware/audit.ts";
import type { ApiKeyEntry } from "../domain/keys.ts";
import { apiKeyAuth } from "./middleware/auth.ts";
import { commonHeaders } from "./middleware/common_headers.ts";
import { corsFor } from "./middleware/cors.ts";
import { deadline } from "./middleware/deadline.ts";
import { FailureLimiter } from "./middleware/rate_limit.ts";
import { OPENAPI_PATH } from "./openapi.ts";
import { requestEc2, type RouteDeps } from "./routes/_common.ts";
import { CHAT_PATHS, chatRoutes } from "./routes/chat.ts";
import { docsRoutes } from "./routes/docs.ts";
import { healthRoutes } from "./routes/health.ts";
import { instanceRoutes } from "./routes/instances.ts";
import { activeRoutes } from "./routes/active.ts";
import { linkRoutes } from "./routes/links.ts";
import type { CloudWatchClient } from "../aws/cloudwatch.ts";
import type { LinkSigner } from "../domain/links.ts";
import { SWEEP_PATH, sweepRoutes } from "./routes/sweep.ts";
import { wakeRoutes } from "./routes/wake.ts";
import { wakeLinkAuth } from "./middleware/wake_link.ts";
import { Sessions } from "./session.ts";

/** Request bodies larger than this are refused with 413. */
export const MAX_BODY_BYTES = 16 * 1024;

/** What the app needs from its platform. */
export interface AppDeps {
  config:
    & Pick<Config, "timeoutMs" | "allowedRegions">
    & Partial<Pick<Config, "corsOrigins" | "regions" | "slackSigningSecret" | "discordPublicKey">>;
  /** The configured keys. */
  keys: readonly ApiKeyEntry[];
  /** The EC2 client; null when the service has no AWS credentials to act with. */
  ec2: Ec2Client | null;
  /** Clock for `start_time` and uptime. Default: the current time. */
  now?: () => Date;
  /** Where the one line per request goes (JSON: `RequestLogRecord` in `middleware/common_headers.ts`). Default: none. */
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
  /** The provider and TTL names follow instances with (`workwork:dns`). Default: no DNS. */
  dns?: DnsSettings;
  /** Outbound fetch for the chat answers (Slack's `response_url`, Discord's webhook). Default: the global `fetch`. */
  chatFetch?: (request: Request) => Promise<Response>;
  /** Discord's API base; tests only. Default: `https://discord.com/api/v10`. */
  discordApiUrl?: string;
  /** The CloudWatch client of a sweep run, for idle stops. Default: none, no idle stops. */
  cloudwatch?: () => Promise<CloudWatchClient | null>;
  /** Signs and checks warning links. Default: none, links are refused. */
  links?: LinkSigner | null;
}

/** Builds a fresh app; it keeps no state between requests. */
export function createApp(deps: AppDeps): Hono<Env> {
  const { config, keys } = deps;
  const now = deps.now ?? (() => new Date());
  const sink = deps.audit;
  const app = new Hono<Env>({ strict: false });
  const limiter = deps.limiter ?? new FailureLimiter({ now: () => now().getTime() });
  const sessions = new Sessions(keys, () => now().getTime());
  // The sweep's and the links' own audit entries, one JSON line each.
  const auditEntry = sink && ((entry: object) => sink(JSON.stringify(entry)));
  const routeDeps: RouteDeps = {
    config,
    ec2: requestEc2(deps.ec2),
    now,
    auth: apiKeyAuth(keys, { limiter }),
    dashboardAuth: apiKeyAuth(keys, { limiter, sessions }),
    changes: deps.changes ?? new InstanceChangeQueue(),
    sleep: deps.sleep ?? sleep,
    notifier: deps.notifier,
    sweep: deps.sweep,
    audit: auditEntry,
    cloudwatch: deps.cloudwatch,
    links: deps.links ?? null,
    dns: deps.dns,
  };

  app.use(commonHeaders(now, deps.log));
  app.use(auditLog({ sink: sink ?? (() => {}), now }));
  const cors = corsFor(config.corsOrigins);
  // The API's routes, not the dashboard's: its cookie never goes cross-origin.
  if (cors) { for (const path of ["/instance/*", SWEEP_PATH, OPENAPI_PATH]) app.use(path, cors); }
  app.use(deadline(config.timeoutMs));
  const limit = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new ApiError(413, "request", `Request body is larger than ${MAX_BODY_BYTES} bytes`);
    },
  });
  // The chat routes read their own bodies, up to their own limit, raw for the signature.
  app.use((c, next) => CHAT_PATHS.has(c.req.path) ? next() : limit(c, next));

  // Each module registers its routes, then its 405s; their paths do not overlap.
  // Mounting copies the routes into this app, after the middleware, as they are
  // (the same handlers, matched with this app's `strict: false`), as long as a
  // module sets no `onError` of its own, which would wrap each of its handlers.
  // A new module is one more line here.
  const modules: Hono<Env>[] = [
    // Before the instance routes, whose `/instance/:region/:id/:action` would take `active`.
    activeRoutes(routeDeps),
    instanceRoutes(routeDeps),
    linkRoutes({ ...routeDeps, audit: auditEntry }),
    sweepRoutes(routeDeps),
    docsRoutes(),
    healthRoutes(),
    wakeRoutes(routeDeps, {
      authorize: wakeLinkAuth({ links: routeDeps.links, now, otherwise: routeDeps.dashboardAuth }),
      linkAudit: auditEntry,
    }),
    dashboardRoutes({ config, keys, ec2: deps.ec2, now, limiter, sessions, sweep: deps.sweep }),
    chatRoutes({
      ...routeDeps,
      config: { ...config, regions: config.regions ?? null },
      keys,
      fetch: deps.chatFetch ?? ((request) => fetch(request)),
      discordApiUrl: deps.discordApiUrl,
      log: deps.log,
    }),
  ];
  for (const routes of modules) app.route("/", routes);
  app.notFound(() => new ApiError(404, "path", "Not found").toResponse());
  app.onError((error) => toApiError(error).toResponse());
  return app;
}
