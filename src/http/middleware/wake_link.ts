/**
 * Signed `start` links for the wake-up page: the page's script reads the
 * link's token from the URL's fragment (`/wake/<region>/<id>#link=<token>`,
 * never sent to the server with the page) and sends it in the
 * {@linkcode WAKE_LINK_HEADER} header of its status and start calls. This
 * middleware checks it and lets the request through with a key entry scoped
 * to that one instance, `read` and `start` only, source `link`. A request
 * without the header goes on to the usual check (session or key).
 *
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import type { ApiKeyEntry } from "../../domain/keys.ts";
import type { LinkSigner } from "../../domain/links.ts";
import { isInstanceId } from "../../domain/instances.ts";
import type { AuthVariables } from "./auth.ts";
import { ApiError } from "../errors.ts";

/** The header the wake page sends a link's token in. */
export const WAKE_LINK_HEADER = "x-workwork-link";
/** The name a link's requests go by in the audit line, where a key's name would be. */
export const LINK_ENTRY_NAME = "signed link";

/** What {@linkcode wakeLinkAuth} needs. */
export interface WakeLinkOptions {
  /** Null without `LINK_SECRET` and `PUBLIC_URL`: every link is refused. */
  links: LinkSigner | null;
  now: () => Date;
  /** The check for requests without a link: the dashboard's session or a key. */
  otherwise: MiddlewareHandler<{ Variables: AuthVariables }>;
}

/**
 * Middleware for `/wake/:region/:target/…`: a valid `start` link for the
 * path's region and instance authorises the request; a link that is not
 * answers 401 (not valid, or links not configured), 403 (another instance,
 * region or action) or 410 (expired), and never falls back to the session.
 */
export function wakeLinkAuth(
  options: WakeLinkOptions,
): MiddlewareHandler<{ Variables: AuthVariables }> {
  const { links, now, otherwise } = options;
  return async function checkWakeLink(c: Context<{ Variables: AuthVariables }>, next) {
    const token = c.req.header(WAKE_LINK_HEADER)?.trim();
    if (token === undefined) return await otherwise(c, next);
    if (!links) throw new ApiError(401, "link", "Links are not configured on this service");
    const result = await links.check(token, now().getTime());
    if (!result.valid) {
      if (result.reason === "expired") throw new ApiError(410, "link", "This link has expired");
      throw new ApiError(401, "link", "This link is not valid");
    }
    const { action, region, instanceId } = result.link;
    if (action !== "start") {
      throw new ApiError(403, "link", `This link may "${action}", not start`);
    }
    const target = c.req.param("target") ?? "";
    if (c.req.param("region") !== region || (isInstanceId(target) && target !== instanceId)) {
      throw new ApiError(403, "link", "This link is for another instance");
    }
    // A Name in the path is looked up within this scope: only the link's instance is visible.
    c.set("apiKey", linkEntry(region, instanceId));
    c.set("apiKeySource", "link");
    await next();
  };
}

function linkEntry(region: string, instanceId: string): ApiKeyEntry {
  return {
    name: LINK_ENTRY_NAME,
    digest: new Uint8Array(0),
    scope: {
      regions: new Set([region]),
      instances: new Set([instanceId]),
      tags: null,
      actions: new Set(["read", "start"]),
    },
  };
}
