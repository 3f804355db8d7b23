/**
 * `POST /sweep`: stops what ran past its limit, in the regions the key may act in.
 *
 * @module
 */
import { Hono } from "hono/tiny";
import { instanceAllowed, scopeDenial } from "../../domain/scopes.ts";
import { runSweep, visibleReport } from "../../domain/sweep.ts";
import { dryRunOption } from "../action_options.ts";
import type { Env } from "../env.ts";
import { methodNotAllowed } from "../method_not_allowed.ts";
import { inBackground, requireScope, type RouteDeps } from "./_common.ts";

/** The sweep's path. */
export const SWEEP_PATH = "/sweep";

/** The sweep route, taking a key (never the dashboard's session). */
export function sweepRoutes(
  deps: Pick<
    RouteDeps,
    | "config"
    | "ec2"
    | "now"
    | "auth"
    | "changes"
    | "notifier"
    | "sweep"
    | "audit"
    | "cloudwatch"
    | "links"
    | "dns"
  >,
): Hono<Env> {
  const { config, ec2, now, changes, notifier, audit } = deps;
  const app = new Hono<Env>();
  app.post(SWEEP_PATH, deps.auth, async (c) => {
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
      notifier,
      changes,
      clock: now,
      cloudwatch: await deps.cloudwatch?.().catch(() => null),
      links: deps.links,
      dns: deps.dns,
    });
    inBackground(c, notifier?.settled());
    // A key that may sweep but not read learns what was done, not to which instances.
    return c.json(
      visibleReport(
        report,
        (region, instanceId) => scopeDenial(scope, { action: "read", region, instanceId }) === null,
      ),
    );
  });
  app.all(SWEEP_PATH, methodNotAllowed(["POST"]));
  return app;
}
