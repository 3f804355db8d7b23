/**
 * The wake-up page: `GET /wake/<region>/<instance id or Name>` is a page a
 * person opens on a phone; its script reads `GET …/status` and offers one
 * Start button, `POST …/start`. Both are authorised by the dashboard's
 * session cookie (sent only by the page's own same-origin requests) or a
 * key. The page itself reads nothing and changes nothing, so link previews
 * and crawlers can neither wake a box nor learn about it.
 *
 * Once started, the page polls the status until the instance runs and each
 * `workwork:dns` name's records at the DNS provider hold its address, then
 * sends the browser on to `workwork:url`.
 *
 * @module
 */
import type { Context } from "hono";
import { Hono } from "hono/tiny";
import type { Instance } from "../../aws/ec2_types.ts";
import { followChange } from "../../domain/dns_follow.ts";
import { findInstance } from "../../domain/instance_names.ts";
import {
  changeState,
  describeInstance,
  isInstanceId,
  listInstances,
  StartTimeNotWrittenError,
} from "../../domain/instances.ts";
import { instanceAllowed, scopeDenial } from "../../domain/scopes.ts";
import { wakeStatus } from "../../domain/wake.ts";
import type { Env } from "../env.ts";
import { ApiError } from "../errors.ts";
import { noOptions } from "../action_options.ts";
import { methodNotAllowed } from "../method_not_allowed.ts";
import { securePage } from "../page_headers.ts";
import {
  inBackground,
  type KeyCheck,
  regionParam,
  requireScope,
  type RouteDeps,
} from "./_common.ts";
import { LINK_BY, type LinkAuditEntry } from "./links.ts";
import { describeFailure } from "../../domain/failures.ts";
import { wakePage } from "./_wake_page.ts";

/** Where the page lives: `/wake/us-west-2/game-server`. */
export const WAKE_PATH = "/wake/:region/:target";
const STATUS_PATH = `${WAKE_PATH}/status`;
const START_PATH = `${WAKE_PATH}/start`;
/** The longest Name the path may carry: EC2's limit for a tag value. */
const MAX_TARGET_LENGTH = 256;

/** Options of {@linkcode wakeRoutes}. */
export interface WakeOptions {
  /**
   * Who may read the status and start: the dashboard's session or a key by
   * default. The app passes `wakeLinkAuth` (`middleware/wake_link.ts`): a
   * signed `start` link for this region and instance, tried before the
   * session, sets `apiKey` to an entry scoped to just that.
   */
  authorize?: KeyCheck;
  /** Gets an `event: "link"` line for each start a signed link authorised. */
  linkAudit?: (entry: LinkAuditEntry) => void;
}

/** The wake-up routes. */
export function wakeRoutes(
  deps: Pick<
    RouteDeps,
    "config" | "ec2" | "now" | "dashboardAuth" | "changes" | "notifier" | "sleep" | "dns"
  >,
  options: WakeOptions = {},
): Hono<Env> {
  const { config, ec2, now, changes } = deps;
  const authorize = options.authorize ?? deps.dashboardAuth;
  const app = new Hono<Env>();

  function pathOf(c: Context<Env>): { region: string; target: string } {
    const region = regionParam(c, config.allowedRegions);
    const target = (c.req.param("target") ?? "").trim();
    if (target === "" || target.length > MAX_TARGET_LENGTH) {
      throw new ApiError(
        422,
        "target",
        `Name an instance by its id or its Name tag, at most ${MAX_TARGET_LENGTH} characters`,
      );
    }
    return { region, target };
  }

  /** The instance the path names, by id or by an exact Name tag, that the key may read. */
  async function instanceOf(c: Context<Env>): Promise<{ region: string; instance: Instance }> {
    const { region, target } = pathOf(c);
    const scope = c.get("apiKey").scope;
    const signal = c.get("deadline");
    let instance: Instance;
    if (isInstanceId(target)) {
      requireScope(scope, { action: "read", region, instanceId: target });
      instance = await describeInstance(ec2(c), region, target, { signal });
    } else {
      requireScope(scope, { action: "read", region });
      // EC2 reads `*` and `?` as wildcards and `\` as their escape: escaped, the Name matches exactly.
      const exact = target.replace(/[\\*?]/g, "\\$&");
      const named = await listInstances(ec2(c), region, { "tag:Name": [exact] }, { signal });
      const visible = named.filter((candidate) => instanceAllowed(scope, candidate));
      const found = findInstance(target, [{ region, instances: visible }]);
      if (found.status === "ambiguous") {
        throw new ApiError(
          409,
          "instance_id",
          `Several instances in "${region}" are named "${target}": use the instance id`,
        );
      }
      if (found.status !== "found") {
        throw new ApiError(404, "instance_id", "instance_id not found");
      }
      instance = visible.find((candidate) => candidate.id === found.instance.id)!;
      requireScope(scope, { action: "read", region, instanceId: instance.id });
    }
    if (!instanceAllowed(scope, instance)) {
      throw new ApiError(403, "scope", "This key may not act on this instance");
    }
    return { region, instance };
  }

  app.get(WAKE_PATH, (c) => {
    const { target } = pathOf(c);
    const nonce = securePage(c, (nonce) => [
      `script-src 'nonce-${nonce}'`,
      `style-src 'nonce-${nonce}'`,
      "connect-src 'self'",
    ]);
    return c.html(wakePage({ nonce, target }));
  });

  app.get(STATUS_PATH, authorize, async (c) => {
    const { region, instance } = await instanceOf(c);
    const scope = c.get("apiKey").scope;
    const mayStart = scopeDenial(scope, { action: "start", region, instanceId: instance.id }) ===
      null;
    c.header("cache-control", "no-store");
    return c.json(
      await wakeStatus(region, instance, { dns: deps.dns, mayStart, signal: c.get("deadline") }),
    );
  });

  app.post(START_PATH, authorize, async (c) => {
    // The page posts nothing: an option (`?dry_run=true`) is refused, never ignored.
    await noOptions(c);
    const { region, instance } = await instanceOf(c);
    const instanceId = instance.id;
    requireScope(c.get("apiKey").scope, { action: "start", region, instanceId });
    const byLink = c.get("apiKeySource") === "link";
    const by = byLink ? "a signed link" : `key ${c.get("apiKey").name}`;
    const notify = () =>
      inBackground(c, deps.notifier?.notify({ action: "start", region, instanceId, by }));
    const at = now();
    const audit = (outcome: LinkAuditEntry["outcome"], error?: unknown) => {
      if (!byLink) return;
      options.linkAudit?.({
        event: "link",
        at: at.toISOString(),
        action: "start",
        region,
        instance_id: instanceId,
        outcome,
        ...(error !== undefined && { error: describeFailure(error).title }),
      });
    };
    try {
      await changeState(ec2(c), {
        region,
        instanceId,
        action: "start",
        now: at,
        by: byLink ? LINK_BY : by,
      }, {
        signal: c.get("deadline"),
        queue: changes,
        clock: now,
      });
    } catch (error) {
      // EC2 started it; only the tag is missing: the error's title says both.
      if (error instanceof StartTimeNotWrittenError) {
        notify();
        audit("done_without_start_time");
      } else audit("failed", error);
      throw error;
    }
    audit("done");
    notify();
    const dns = deps.dns;
    if (dns) {
      const follow = followChange(ec2(c), dns, {
        region,
        instanceId,
        timeoutMs: config.timeoutMs,
        sleep: deps.sleep,
      });
      inBackground(c, follow.then(() => {}));
    }
    return c.json({ action: "start", region, instance_id: instanceId, accepted: true }, 202);
  });

  app.all(WAKE_PATH, methodNotAllowed(["GET", "HEAD"]));
  app.all(STATUS_PATH, methodNotAllowed(["GET", "HEAD"]));
  app.all(START_PATH, methodNotAllowed(["POST"]));
  return app;
}
