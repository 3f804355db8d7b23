/**
 * The security headers of the HTML pages the service serves outside the
 * dashboard (the signed link's page, the wake-up page): a content security
 * policy that allows nothing but what the page names, with a fresh nonce for
 * its inline style and script; no referrer (a page's URL may be the
 * permission); and no caching.
 *
 * @module
 */
import type { Context } from "hono";

/**
 * Sets the headers on `c` and returns the nonce. The policy is
 * `default-src 'none'`, then what `allow(nonce)` names, then forms only to
 * this origin, no `<base>`, no framing.
 */
export function securePage(c: Context, allow: (nonce: string) => string[]): string {
  const nonce = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
  c.header(
    "content-security-policy",
    [
      "default-src 'none'",
      ...allow(nonce),
      "form-action 'self'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
    ].join("; "),
  );
  c.header("referrer-policy", "no-referrer");
  c.header("cache-control", "no-store");
  return nonce;
}
