/**
 * Where a browser says a request comes from, for the cross-site request
 * forgery check on requests a cookie authenticates.
 *
 * Browsers send `Sec-Fetch-Site` and, on every POST, PUT and DELETE, `Origin`;
 * a page on another site can set neither. Clients other than browsers send
 * neither. See https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Sec-Fetch-Site
 * and https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html
 *
 * @module
 */

/** `same`: this site's own page sent it; `cross`: another site did; `unknown`: not a browser, or one that says nothing. */
export type RequestSite = "same" | "cross" | "unknown";

/** Methods that change nothing, so need no origin check. */
export const SAFE_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Whether `request` came from a page of its own origin. `Sec-Fetch-Site` wins
 * when present: behind a proxy that ends TLS, the URL the service sees
 * (`http://internal:8000`) differs from the `Origin` the browser sends.
 */
export function requestSite(request: Request): RequestSite {
  const site = request.headers.get("sec-fetch-site");
  if (site !== null) return site === "same-origin" ? "same" : "cross";
  const origin = request.headers.get("origin");
  if (origin !== null) return origin === new URL(request.url).origin ? "same" : "cross";
  return "unknown";
}
