/**
 * Signed links (`<PUBLIC_URL>link/<token>`): `GET` shows a page with one
 * button and changes nothing (chat apps and mail scanners open every link);
 * the button's `POST` does what the link names: keep the instance 1 or 4
 * hours (`workwork:hold_until`), stop it, or start it. No API key: the
 * signature is the permission. Every `POST` is audited (`event: "link"`).
 *
 * @module
 */
import type { Context } from "hono";
import { Hono } from "hono/tiny";
import { heldUntil, setHold } from "../../domain/holds.ts";
import { changeState, describeInstance, StartTimeNotWrittenError } from "../../domain/instances.ts";
import { describeFailure } from "../../domain/failures.ts";
import { type InstanceLink, KEEP_MS, type LinkSigner } from "../../domain/links.ts";
import type { Env } from "../env.ts";
import { ApiError } from "../errors.ts";
import { noOptions } from "../action_options.ts";
import { linkDonePage, linkPage, time } from "../link_page.ts";
import { methodNotAllowed } from "../method_not_allowed.ts";
import { securePage } from "../page_headers.ts";
import { inBackground, type RouteDeps } from "./_common.ts";

/** The links' path. */
export const LINK_PATH = "/link/:token";

/** Who `workwork:last_change` names for a change a signed link made. */
export const LINK_BY = "signed link";

/** One audit line per link used. */
export interface LinkAuditEntry {
  event: "link";
  at: string;
  action: InstanceLink["action"];
  region: string;
  instance_id: string;
  /** Until when a keep holds the instance. */
  hold_until?: string;
  /** `done_without_start_time`: EC2 changed the state, its `start_time` tag was not written. */
  outcome: "done" | "done_without_start_time" | "failed";
  error?: string;
}

/** What the link routes need. */
export interface LinkDeps
  extends Pick<RouteDeps, "config" | "ec2" | "now" | "changes" | "notifier"> {
  /** Null without `LINK_SECRET` and `PUBLIC_URL`: every link is refused. */
  links: LinkSigner | null;
  audit?: (entry: LinkAuditEntry) => void;
}

/** The link routes. */
export function linkRoutes(deps: LinkDeps): Hono<Env> {
  const { config, ec2, now, changes } = deps;
  const app = new Hono<Env>();

  async function checked(c: Context<Env>): Promise<InstanceLink> {
    if (!deps.links) throw new ApiError(404, "link", "Links are not configured on this service");
    const result = await deps.links.check(c.req.param("token") ?? "", now().getTime());
    if (!result.valid) {
      if (result.reason === "expired") throw new ApiError(410, "link", "This link has expired");
      throw new ApiError(404, "link", "This link is not valid");
    }
    const { region } = result.link;
    if (config.allowedRegions && !config.allowedRegions.has(region)) {
      throw new ApiError(404, "link", "This link is not valid");
    }
    return result.link;
  }

  app.get(LINK_PATH, async (c) => {
    const link = await checked(c);
    return c.html(linkPage(link, pageHeaders(c)));
  });

  app.post(LINK_PATH, async (c) => {
    const link = await checked(c);
    // The page's form sends nothing: any option (`?dry_run=1`) is refused, not ignored.
    await noOptions(c);
    const { region, instanceId, action } = link;
    const at = now();
    const signal = c.get("deadline");
    const entry: LinkAuditEntry = {
      event: "link",
      at: at.toISOString(),
      action,
      region,
      instance_id: instanceId,
      outcome: "done",
    };
    let said: string;
    try {
      if (action === "keep_1h" || action === "keep_4h") {
        // A keep only extends: a longer hold (set by a key) stays as it is.
        const instance = await describeInstance(ec2(c), region, instanceId, { signal });
        const held = heldUntil(instance.tags, at);
        const wanted = at.getTime() + KEEP_MS[action];
        if (held !== null && held >= wanted) {
          entry.hold_until = new Date(held).toISOString();
          said = `Already held until ${time(held)}: the sweep leaves it running until then.`;
        } else {
          const until = new Date(wanted);
          entry.hold_until = until.toISOString();
          await setHold(ec2(c), { region, instanceId, until }, { signal });
          said = `Kept: the sweep leaves it running until ${time(until.getTime())}.`;
        }
      } else {
        let untagged: StartTimeNotWrittenError | null = null;
        try {
          await changeState(ec2(c), { region, instanceId, action, now: at, by: LINK_BY }, {
            signal,
            queue: changes,
            clock: now,
          });
        } catch (error) {
          if (!(error instanceof StartTimeNotWrittenError)) throw error;
          untagged = error;
        }
        inBackground(
          c,
          deps.notifier?.notify({ action, region, instanceId, by: "a signed link" }),
        );
        said = action === "stop"
          ? "Stopping: EC2 accepted the stop."
          : "Starting: EC2 accepted the start.";
        if (untagged) {
          entry.outcome = "done_without_start_time";
          said = `${untagged.message}.`;
        }
      }
    } catch (error) {
      entry.outcome = "failed";
      entry.error = describeFailure(error).title;
      deps.audit?.(entry);
      throw error;
    }
    deps.audit?.(entry);
    return c.html(linkDonePage(link, said, pageHeaders(c)));
  });

  app.all(LINK_PATH, methodNotAllowed(["GET", "HEAD", "POST"]));
  return app;
}

/**
 * The page's security headers, and the nonce of its style: no script at
 * all, forms only to itself, no referrer (the URL is the permission).
 */
function pageHeaders(c: Context): string {
  const nonce = securePage(c, (nonce) => [`style-src 'nonce-${nonce}'`, "img-src data:"]);
  c.header("x-robots-tag", "noindex");
  return nonce;
}
