/**
 * The dashboard's routes: `GET /` (the page, or the sign-in form), and the
 * session a browser holds as the `__Host-workwork_session` cookie (a signed,
 * expiring token naming the key entry, never the key: see `../http/session.ts`):
 * `POST /session` signs in, `GET /session` says what the key may do,
 * `DELETE /session` and `POST /session/delete` sign out. `GET /?region=…&next_token=…`
 * renders a region's next page (with `&cards=1`, only its cards, for "Show more").
 *
 * The key travels only in the sign-in form's body: never in a cookie, the
 * page, its script, a URL or a log line. A browser still holding the old
 * `api_key` cookie is moved to a session on its next visit.
 *
 * @module
 */
import type { Context } from "hono";
import { Hono } from "hono/tiny";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { type ApiKeyEntry, matchKey } from "../../domain/keys.ts";
import { actionAllowed } from "../../domain/scopes.ts";
import { API_KEY_FIELD, apiKeyAuth, presentedKey } from "../middleware/auth.ts";
import type { Ec2Client } from "../../aws/ec2.ts";
import type { SweepSettings } from "../../domain/sweep.ts";
import type { Env } from "../env.ts";
import { ApiError } from "../errors.ts";
import { methodNotAllowed } from "../method_not_allowed.ts";
import { requestSite } from "../middleware/origin.ts";
import { clientAddressOf, type FailureLimiter } from "../middleware/rate_limit.ts";
import { SESSION_COOKIE, SESSION_MAX_AGE_SECONDS, type Sessions } from "../session.ts";
import {
  DASHBOARD_PAGE_SIZE,
  regionListing,
  type RegionSettings,
  visibleRegions,
} from "./listing.ts";
import { dashboardPage, moreCards, signInPage } from "./page.ts";
import { PAGE_TOKEN_PATTERN } from "../../domain/instance_pages.ts";
import {
  ICON_PNG_SIZES,
  ICON_SVG,
  ICON_SVG_PATH,
  iconPngPath,
  MANIFEST,
  MANIFEST_PATH,
} from "./manifest.ts";
import { iconPng } from "./icon_png.ts";
import { securePage } from "../page_headers.ts";

/** What the page offers, in the order its buttons appear; `GET /session` lists them. */
export const PAGE_ACTIONS = ["read", "start", "stop", "reboot", "hold"] as const;
/** Hosts where the cookie may go without `Secure`: browsers treat them as secure contexts. */
const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);
const TOO_MANY_TRIES = "Too many wrong keys from this address: wait a minute and try again";
const FORM_TYPE_PATTERN = /^(?:application\/x-www-form-urlencoded|multipart\/form-data)\s*(?:;|$)/i;

/** What the dashboard needs from the app. */
export interface DashboardDeps {
  config: RegionSettings;
  keys: readonly ApiKeyEntry[];
  ec2: Ec2Client | null;
  now: () => Date;
  /** The API's failed-key counter: signing in is guessing too. */
  limiter: FailureLimiter;
  /** Issues and checks the session cookie. */
  sessions: Sessions;
  /** The sweep's regions and default limit, for each instance's `next`. */
  sweep?: SweepSettings;
}

/** What `GET /session` and a JSON sign-in answer. */
export interface SessionInfo {
  /** The key's name, never the key. */
  name: string;
  /** Of `read`, `start`, `stop`, `reboot`, `hold`: what the key may do. */
  actions: string[];
  /** The regions the dashboard lists for this key. */
  regions: string[];
}

/** The dashboard's routes, to mount at `/`. */
export function dashboardRoutes(deps: DashboardDeps): Hono<Env> {
  const app = new Hono<Env>();
  const { limiter, sessions } = deps;
  const auth = apiKeyAuth(deps.keys, { limiter, sessions });

  /**
   * The entry `key` matches, counted as the API counts its key checks: the
   * comparison is paid for before it is made, a match gets its attempt back,
   * and an address out of attempts is told to wait before its key is even
   * looked at.
   */
  async function checkKey(c: Context, key: string): Promise<ApiKeyEntry | "wait" | null> {
    const attempt = await limiter.reserve(clientAddressOf(c));
    if (!attempt) return "wait";
    try {
      const entry = await matchKey(deps.keys, key);
      if (entry) attempt.refund();
      return entry;
    } finally {
      attempt.spend();
    }
  }

  /** The entry a session cookie names, paid for as a key check; an expired one costs nothing. */
  async function checkSession(c: Context, token: string): Promise<ApiKeyEntry | "wait" | null> {
    const attempt = await limiter.reserve(clientAddressOf(c));
    if (!attempt) return "wait";
    try {
      const session = await sessions.check(token);
      if (session === "invalid") return null;
      attempt.refund();
      return session === "expired" ? null : session;
    } finally {
      attempt.spend();
    }
  }

  /** Sets the session cookie for `entry`, and clears the old cookie that held the key. */
  async function startSession(c: Context, entry: ApiKeyEntry): Promise<void> {
    setCookie(c, SESSION_COOKIE, await sessions.issue(entry), {
      ...SESSION_COOKIE_OPTIONS,
      maxAge: SESSION_MAX_AGE_SECONDS,
    });
    if (getCookie(c, API_KEY_FIELD) !== undefined) {
      deleteCookie(c, API_KEY_FIELD, legacyCookieOptions(c.req.url));
    }
  }

  app.get("/", async (c) => {
    const nonce = pageHeaders(c);
    const token = getCookie(c, SESSION_COOKIE, "host");
    const key = token === undefined ? getCookie(c, API_KEY_FIELD) : undefined;
    const entry = token !== undefined
      ? await checkSession(c, token)
      : key === undefined
      ? null
      : await checkKey(c, key);
    // A refused cookie gets the sign-in form, saying why, with the status an
    // API client would get: the audit log counts it as the denial it is.
    if (entry === "wait") {
      c.header("retry-after", String(limiter.retryAfter(clientAddressOf(c))));
      return c.html(signInPage({ nonce, notice: TOO_MANY_TRIES }), 429);
    }
    if (!entry) {
      if (token === undefined && key === undefined) return c.html(signInPage({ nonce }));
      if (token !== undefined) deleteCookie(c, SESSION_COOKIE, SESSION_COOKIE_OPTIONS);
      else deleteCookie(c, API_KEY_FIELD, legacyCookieOptions(c.req.url));
      const notice = token !== undefined
        ? "Your session has ended: sign in again"
        : "Your saved key is no longer accepted";
      return c.html(signInPage({ nonce, notice }), 401);
    }
    // A browser that still holds the key itself gets a session in its place.
    if (token === undefined) await startSession(c, entry);
    const info = sessionInfo(deps.config, entry);
    const region = c.req.query("region");
    const pageToken = c.req.query("next_token");
    if (region !== undefined || pageToken !== undefined) {
      return await nextPage(c, { nonce, info, entry, region, token: pageToken });
    }
    const regions = await Promise.all(
      info.regions.map((region) =>
        regionListing(deps, region, entry.scope, c.get("deadline"), { limit: DASHBOARD_PAGE_SIZE })
      ),
    );
    return c.html(dashboardPage({ nonce, session: info, regions, now: deps.now() }));
  });

  /**
   * `GET /?region=<r>&next_token=<t>`: one region from the page `t` starts,
   * server-rendered: a link that works on its own. With `&cards=1`, only its
   * cards, in the `<ul>` the page's "Show more" appends (`moreCards`), with
   * JSON errors.
   */
  async function nextPage(
    c: Context<Env>,
    request: {
      nonce: string;
      info: SessionInfo;
      entry: ApiKeyEntry;
      region: string | undefined;
      token: string | undefined;
    },
  ): Promise<Response> {
    const { nonce, info, entry, region, token } = request;
    if (region === undefined || !info.regions.includes(region)) {
      throw new ApiError(
        404,
        "region",
        `Region "${region ?? ""}" is not one this page lists: give one of ${
          info.regions.map((r) => `"${r}"`).join(", ")
        }`,
      );
    }
    if (token === undefined || !PAGE_TOKEN_PATTERN.test(token)) {
      throw new ApiError(422, "next_token", "Give the next_token of the page before this one");
    }
    const listing = await regionListing(deps, region, entry.scope, c.get("deadline"), {
      limit: DASHBOARD_PAGE_SIZE,
      token,
    });
    c.header("cache-control", "no-store");
    if (c.req.query("cards") === undefined) {
      const regions = [{ ...listing, token }];
      return c.html(dashboardPage({ nonce, session: info, regions, now: deps.now() }));
    }
    if (listing.failure) throw listing.failure;
    return c.html(moreCards({ session: info, listing, now: deps.now() }));
  }

  app.post("/session", async (c) => {
    refuseCrossSite(c);
    const form = FORM_TYPE_PATTERN.test(c.req.header("content-type") ?? "");
    const key = form ? await formKey(c) : (await presentedKey(c)).key;
    if (form && !key) {
      return c.html(signInPage({ nonce: pageHeaders(c), notice: "Enter your API key" }), 422);
    }
    const entry = await checkKey(c, key);
    if (entry === "wait") {
      const wait = String(limiter.retryAfter(clientAddressOf(c)));
      if (!form) throw new ApiError(429, API_KEY_FIELD, TOO_MANY_TRIES, { "retry-after": wait });
      c.header("retry-after", wait);
      return c.html(signInPage({ nonce: pageHeaders(c), notice: TOO_MANY_TRIES }), 429);
    }
    if (!entry) {
      if (!form) throw new ApiError(401, API_KEY_FIELD, "Invalid api key");
      const notice = "That key is not valid: check it and try again";
      return c.html(signInPage({ nonce: pageHeaders(c), notice }), 401);
    }
    // Signing in is audited, under the key's name, as a change made with a key.
    c.set("apiKey", entry);
    await startSession(c, entry);
    return form ? c.redirect("/", 303) : c.json(sessionInfo(deps.config, entry));
  });

  app.get("/session", auth, (c) => c.json(sessionInfo(deps.config, c.get("apiKey"))));

  function signOut(c: Context) {
    refuseCrossSite(c);
    deleteCookie(c, SESSION_COOKIE, SESSION_COOKIE_OPTIONS);
    if (getCookie(c, API_KEY_FIELD) !== undefined) {
      deleteCookie(c, API_KEY_FIELD, legacyCookieOptions(c.req.url));
    }
    const form = FORM_TYPE_PATTERN.test(c.req.header("content-type") ?? "");
    return form ? c.redirect("/", 303) : c.body(null, 204);
  }
  app.delete("/session", signOut);
  app.post("/session/delete", signOut);

  app.get(MANIFEST_PATH, (c) => {
    c.header("cache-control", "public, max-age=86400");
    return c.body(JSON.stringify(MANIFEST), 200, { "content-type": "application/manifest+json" });
  });
  app.get(ICON_SVG_PATH, (c) => {
    c.header("cache-control", "public, max-age=86400");
    return c.body(ICON_SVG, 200, { "content-type": "image/svg+xml" });
  });
  for (const size of ICON_PNG_SIZES) {
    app.get(iconPngPath(size), async (c) => {
      c.header("cache-control", "public, max-age=86400");
      return c.body(await iconPng(size), 200, { "content-type": "image/png" });
    });
  }

  app.all("/", methodNotAllowed(["GET", "HEAD"]));
  app.all("/session", methodNotAllowed(["GET", "HEAD", "POST", "DELETE"]));
  app.all("/session/delete", methodNotAllowed(["POST"]));
  return app;
}

/** What `entry` may do, and the regions its page lists. */
export function sessionInfo(config: DashboardDeps["config"], entry: ApiKeyEntry): SessionInfo {
  const { scope } = entry;
  return {
    name: entry.name,
    actions: PAGE_ACTIONS.filter((action) => actionAllowed(scope, action)),
    regions: visibleRegions(config, scope),
  };
}

/** The sign-in form's `api_key` field; empty when it has none. */
async function formKey(c: Context): Promise<string> {
  let body;
  try {
    body = await c.req.parseBody();
  } catch {
    // A form body that does not parse (a multipart type without its boundary,
    // say) carries no key: the form again, not a 500.
    return "";
  }
  const value = body[API_KEY_FIELD];
  return typeof value === "string" ? value.trim() : "";
}

/**
 * Signing in or out from another site's page is refused; clients that are not
 * browsers send no Origin and present the key themselves, so they may.
 */
function refuseCrossSite(c: Context): void {
  if (requestSite(c.req.raw) === "cross") {
    throw new ApiError(403, "origin", "Cross-site request refused: sign in and out on this site");
  }
}

/**
 * The session cookie: `__Host-` (so only this host, over https, with `Path=/`,
 * can set it: a sibling subdomain cannot plant one), never read by scripts,
 * never sent with another site's request. Browsers keep `Secure` cookies
 * from http://localhost too.
 */
const SESSION_COOKIE_OPTIONS = {
  prefix: "host",
  path: "/",
  httpOnly: true,
  secure: true,
  sameSite: "Strict",
} as const;

/** The attributes the old `api_key` cookie was set with, to delete it. */
function legacyCookieOptions(url: string) {
  const { protocol, hostname } = new URL(url);
  // Browsers keep a Secure cookie only from https, except on localhost.
  const secure = !(protocol === "http:" && LOCAL_HOSTS.has(hostname));
  return { path: "/", httpOnly: true, secure, sameSite: "Strict" } as const;
}

/**
 * Sets the page's security headers and returns the nonce its inline script
 * and style carry: nothing else may run, load or frame the page.
 */
function pageHeaders(c: Context): string {
  return securePage(c, (nonce) => [
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    "img-src 'self' data:",
    "manifest-src 'self'",
    "connect-src 'self'",
  ]);
}
