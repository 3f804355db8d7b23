/**
 * The dashboard's routes: `GET /` (the page, or the sign-in form), and the
 * session a browser holds as the `api_key` cookie: `POST /session` signs in,
 * `GET /session` says what the key may do, `DELETE /session` and
 * `POST /session/delete` sign out.
 *
 * The key travels only in the sign-in form's body and the `HttpOnly` cookie:
 * never in the page, its script, a URL or a log line.
 *
 * @module
 */
import { type Context, Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import {
  API_KEY_FIELD,
  apiKeyAuth,
  type ApiKeyEntry,
  type AuthVariables,
  matchKey,
  presentedKey,
} from "../auth.ts";
import type { Ec2Client } from "../ec2/client.ts";
import { ApiError, toApiError } from "../errors.ts";
import { instanceView, listInstances } from "../instances.ts";
import { requestSite } from "../origin.ts";
import { instanceAllowed, type KeyScope, scopeDenial } from "../scopes.ts";
import { dashboardPage, type RegionListing, signInPage } from "./page.ts";

/** How long a sign-in lasts: a month, so a phone stays signed in. */
export const SESSION_MAX_AGE_SECONDS = 30 * 24 * 3600;
/** Regions listed when neither the key's scope nor `REGIONS` nor `ALLOWED_REGIONS` names any. */
export const DEFAULT_REGIONS: readonly string[] = ["us-east-1"];
/** What the page offers, in the order its buttons appear. */
const PAGE_ACTIONS = ["read", "start", "stop", "reboot"] as const;
/** Hosts where the cookie may go without `Secure`: browsers treat them as secure contexts. */
const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);
const FORM_TYPE_PATTERN = /^(?:application\/x-www-form-urlencoded|multipart\/form-data)\s*(?:;|$)/i;

/** What the dashboard needs from the app. */
export interface DashboardDeps {
  config: {
    timeoutMs: number;
    allowedRegions: ReadonlySet<string> | null;
    /** `REGIONS`, or the demo's regions; null or absent: the default. */
    regions?: readonly string[] | null;
  };
  keys: readonly ApiKeyEntry[];
  ec2: Ec2Client | null;
  now: () => Date;
}

/** What `GET /session` and a JSON sign-in answer. */
export interface SessionInfo {
  /** The key's name, never the key. */
  name: string;
  /** Of `read`, `start`, `stop`, `reboot`: what the key may do. */
  actions: string[];
  /** The regions the dashboard lists for this key. */
  regions: string[];
}

/** The dashboard's routes, to mount at `/`. */
export function dashboardRoutes(deps: DashboardDeps): Hono<{ Variables: AuthVariables }> {
  const app = new Hono<{ Variables: AuthVariables }>();
  const auth = apiKeyAuth(deps.keys);

  function session(entry: ApiKeyEntry): SessionInfo {
    return {
      name: entry.name,
      actions: PAGE_ACTIONS.filter((action) =>
        !entry.scope.actions || entry.scope.actions.has(action)
      ),
      regions: regionsFor(entry.scope),
    };
  }

  function regionsFor(scope: KeyScope): string[] {
    const { allowedRegions, regions } = deps.config;
    const chosen = scope.regions ?? regions ?? allowedRegions ?? DEFAULT_REGIONS;
    return [...chosen].filter((region) => !allowedRegions || allowedRegions.has(region));
  }

  async function listing(region: string, scope: KeyScope): Promise<RegionListing> {
    const denial = scopeDenial(scope, { action: "read", region });
    if (denial) return { region, instances: [], error: denial };
    if (!deps.ec2) {
      return { region, instances: [], error: "AWS credentials are not configured on the server" };
    }
    try {
      const signal = AbortSignal.timeout(deps.config.timeoutMs);
      const instances = await listInstances(deps.ec2, region, {}, { signal });
      const at = deps.now();
      return {
        region,
        instances: instances
          .filter((instance) => instanceAllowed(scope, instance))
          .map((instance) => instanceView(instance, at))
          .sort((a, b) => (a.name ?? "\uffff").localeCompare(b.name ?? "\uffff")),
      };
    } catch (error) {
      return { region, instances: [], error: toApiError(error).title };
    }
  }

  app.get("/", async (c) => {
    const nonce = pageHeaders(c);
    const key = getCookie(c, API_KEY_FIELD);
    const entry = key === undefined ? null : await matchKey(deps.keys, key);
    if (!entry) {
      if (key !== undefined) deleteCookie(c, API_KEY_FIELD, cookieOptions(c.req.url));
      const notice = key === undefined ? undefined : "Your saved key is no longer accepted";
      return c.html(signInPage({ nonce, notice }));
    }
    const info = session(entry);
    const regions = await Promise.all(info.regions.map((region) => listing(region, entry.scope)));
    return c.html(dashboardPage({ nonce, session: info, regions }));
  });

  app.post("/session", async (c) => {
    refuseCrossSite(c);
    const form = FORM_TYPE_PATTERN.test(c.req.header("content-type") ?? "");
    const key = form ? await formKey(c) : (await presentedKey(c)).key;
    if (form && !key) {
      return c.html(signInPage({ nonce: pageHeaders(c), notice: "Enter your API key" }), 422);
    }
    const entry = await matchKey(deps.keys, key);
    if (!entry) {
      if (!form) throw new ApiError(401, API_KEY_FIELD, "Invalid api key");
      const notice = "That key is not valid: check it and try again";
      return c.html(signInPage({ nonce: pageHeaders(c), notice }), 401);
    }
    setCookie(c, API_KEY_FIELD, key, {
      ...cookieOptions(c.req.url),
      maxAge: SESSION_MAX_AGE_SECONDS,
    });
    return form ? c.redirect("/", 303) : c.json(session(entry));
  });

  app.get("/session", auth, (c) => c.json(session(c.var.apiKey)));

  function signOut(c: Context) {
    refuseCrossSite(c);
    deleteCookie(c, API_KEY_FIELD, cookieOptions(c.req.url));
    const form = FORM_TYPE_PATTERN.test(c.req.header("content-type") ?? "");
    return form ? c.redirect("/", 303) : c.body(null, 204);
  }
  app.delete("/session", signOut);
  app.post("/session/delete", signOut);

  app.all("/", methodNotAllowed("GET, HEAD"));
  app.all("/session", methodNotAllowed("GET, HEAD, POST, DELETE"));
  app.all("/session/delete", methodNotAllowed("POST"));
  return app;
}

/** The sign-in form's `api_key` field; empty when it has none. */
async function formKey(c: Context): Promise<string> {
  const body = await c.req.parseBody();
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

function cookieOptions(url: string) {
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
  const nonce = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
  c.header(
    "content-security-policy",
    [
      "default-src 'none'",
      `script-src 'nonce-${nonce}'`,
      `style-src 'nonce-${nonce}'`,
      "img-src data:",
      "connect-src 'self'",
      "form-action 'self'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
    ].join("; "),
  );
  c.header("referrer-policy", "no-referrer");
  return nonce;
}

function methodNotAllowed(allow: string) {
  return function answerMethodNotAllowed(): never {
    throw new ApiError(405, "method", "Method not allowed", { allow });
  };
}
