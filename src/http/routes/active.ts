/**
 * `POST /instance/<region>/<id>/active`: a heartbeat from the box itself (a
 * cron line, an SSH login hook), with a key whose scope allows `active`. It
 * writes `workwork:last_active`, at most once per
 * {@linkcode HEARTBEAT_INTERVAL_MS}: every call reads the tag first (one
 * DescribeInstances), and only a tag older than that costs a CreateTags.
 *
 * @module
 */
import { Hono } from "hono/tiny";
import { LAST_ACTIVE_TAG } from "../../domain/idle.ts";
import { describeInstance, isInstanceId } from "../../domain/instances.ts";
import { instanceAllowed } from "../../domain/scopes.ts";
import { parseIsoTime } from "../../domain/times.ts";
import type { Env } from "../env.ts";
import { ApiError } from "../errors.ts";
import { methodNotAllowed } from "../method_not_allowed.ts";
import { regionParam, requireScope, type RouteDeps } from "./_common.ts";

/** The heartbeat's path. */
export const ACTIVE_PATH = "/instance/:region/:instance_id/active";
/** A heartbeat tag younger than this is left as it is: 5 minutes, the metrics' period. */
export const HEARTBEAT_INTERVAL_MS = 5 * 60_000;

/** The heartbeat route; a key only, never the dashboard's session. */
export function activeRoutes(deps: Pick<RouteDeps, "config" | "ec2" | "now" | "auth">): Hono<Env> {
  const { config, ec2, now } = deps;
  const app = new Hono<Env>();
  app.post(ACTIVE_PATH, deps.auth, async (c) => {
    const region = regionParam(c, config.allowedRegions);
    const instanceId = c.req.param("instance_id") ?? "";
    if (!isInstanceId(instanceId)) throw new ApiError(422, "instance_id", "Invalid instance_id");
    const scope = c.get("apiKey").scope;
    requireScope(scope, { action: "active", region, instanceId });
    const signal = c.get("deadline");
    const instance = await describeInstance(ec2(c), region, instanceId, { signal });
    if (!instanceAllowed(scope, instance)) {
      throw new ApiError(
        403,
        "scope",
        "This key may not act on this instance: its tags are outside the key's scope",
      );
    }
    const at = now();
    const last = parseIsoTime(instance.tags[LAST_ACTIVE_TAG] ?? "");
    const fresh = last !== null && last <= at.getTime() &&
      at.getTime() - last < HEARTBEAT_INTERVAL_MS;
    if (!fresh) {
      await ec2(c).createTags(region, [instanceId], { [LAST_ACTIVE_TAG]: at.toISOString() }, {
        signal,
      });
    }
    return c.body(null, 204);
  });
  app.all(ACTIVE_PATH, methodNotAllowed(["POST"]));
  return app;
}
