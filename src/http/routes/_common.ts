/**
 * What the route modules share: the dependencies the app hands them, the EC2
 * client a request may use, the scope check, work left to run after the answer.
 *
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import type { CloudWatchClient } from "../../aws/cloudwatch.ts";
import type { Ec2Client } from "../../aws/ec2.ts";
import { isRegionName } from "../../aws/endpoints.ts";
import type { LinkSigner } from "../../domain/links.ts";
import type { Config } from "../../config/settings.ts";
import type { InstanceChangeQueue } from "../../domain/change_queue.ts";
import type { DnsSettings } from "../../domain/dns_follow.ts";
import type { Notifier } from "../../domain/notify.ts";
import { type KeyScope, scopeDenial, type ScopeRequest } from "../../domain/scopes.ts";
import type { SweepAuditRecord, SweepSettings } from "../../domain/sweep.ts";
import type { AppContext } from "../env.ts";
import { ApiError } from "../errors.ts";
import type { AuthVariables } from "../middleware/auth.ts";

/** A key middleware: lets the request through with `apiKey` set, or answers itself. */
export type KeyCheck = MiddlewareHandler<{ Variables: AuthVariables }>;

/** What the app hands its route modules; each takes the part it needs. */
export interface RouteDeps {
  config: Pick<Config, "timeoutMs" | "allowedRegions">;
  /** The request's EC2 client; throws 503 when the service has no AWS credentials. */
  ec2: (c: AppContext) => Ec2Client;
  now: () => Date;
  /** Accepts a key only. */
  auth: KeyCheck;
  /** Accepts a key, or the dashboard's session from the dashboard's own pages. */
  dashboardAuth: KeyCheck;
  /** Orders the changes to each instance. */
  changes: InstanceChangeQueue;
  /** Pause between polls of `wait=true`. */
  sleep: (ms: number) => Promise<void>;
  notifier?: Notifier;
  sweep?: SweepSettings;
  /** A sweep run's CloudWatch client, for idle stops. */
  cloudwatch?: () => Promise<CloudWatchClient | null>;
  /** Signs warning links; null without `LINK_SECRET` and `PUBLIC_URL`. */
  links: LinkSigner | null;
  /** The sweep's own audit lines. */
  audit?: (entry: SweepAuditRecord) => void;
  /** The DNS provider and TTL names follow instances with; none: no DNS. */
  dns?: DnsSettings;
}

/**
 * The request's EC2 client, reporting its calls to the request's audit line;
 * with no `client` (no AWS credentials), a 503 naming the settings to set.
 */
export function requestEc2(client: Ec2Client | null): (c: AppContext) => Ec2Client {
  return function ec2(c) {
    if (client) return client.observed((call) => c.get("ec2Calls").push(call));
    throw new ApiError(
      503,
      "aws",
      "AWS credentials are not configured: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or DEMO=true for the built-in simulator",
    );
  };
}

/**
 * The path's `:region`, when it names a region and `allowedRegions` (null:
 * all) has it.
 *
 * @throws {ApiError} 422 `region` otherwise
 */
export function regionParam(c: Context, allowedRegions: ReadonlySet<string> | null): string {
  const region = c.req.param("region") ?? "";
  if (!isRegionName(region) || (allowedRegions && !allowedRegions.has(region))) {
    throw new ApiError(422, "region", "Invalid region");
  }
  return region;
}

/** Refuses, with 403, a request the key's scope does not allow. */
export function requireScope(scope: KeyScope, request: ScopeRequest): void {
  const denial = scopeDenial(scope, request);
  if (denial) throw new ApiError(403, "scope", denial);
}

/**
 * Lets `work` finish after the answer: on Workers through `waitUntil`; on
 * Deno the promise runs on by itself. `work` never rejects.
 */
export function inBackground(c: Context, work: Promise<void> | undefined): void {
  if (!work) return;
  try {
    c.executionCtx.waitUntil(work);
  } catch {
    // Hono throws when the platform gave no execution context: not Workers.
  }
}
