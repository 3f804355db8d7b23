/**
 * Signed, expiring tokens: `{subject, purpose, expires}` and an HMAC-SHA256
 * over them, so a holder can neither change what a token says nor make one.
 * The dashboard's session is one; signed links are another. Nothing is
 * stored: a token is valid while its signature checks out, its purpose is
 * the one asked for and its time has not passed.
 *
 * Form: `base64url(JSON claims) "." base64url(HMAC-SHA256(secret, first part))`.
 * Verifying looks at the text once (one `.` found by `indexOf`, a length cap
 * first), compares the signature in constant time, and parses the claims
 * only once the signature matched.
 *
 * @module
 */

/** What a token says. */
export interface TokenClaims {
  /** Whom or what the token names, e.g. a key entry's name. */
  subject: string;
  /** What it is for, e.g. `dashboard-session`: a token made for one purpose never passes for another. */
  purpose: string;
  /** Until when it is valid, in ms since the epoch. */
  expires: number;
}

/** Why a token was refused, or its claims. `expired` tokens were signed right. */
export type TokenCheck =
  | { valid: true; claims: TokenClaims }
  | { valid: false; reason: "malformed" | "forged" | "wrong purpose" | "expired" };

/** Tokens longer than this are refused before any work. */
export const MAX_TOKEN_LENGTH = 2048;

const encoder = new TextEncoder();

/**
 * A signing key for `purpose`, derived from `secret` (HMAC-SHA256 of a fixed
 * label), so one secret can sign several kinds of token without one ever
 * passing for another, and the secret itself never signs anything.
 */
export async function derivedSigningKey(
  secret: Uint8Array | string,
  label: string,
): Promise<CryptoKey> {
  const raw = typeof secret === "string" ? encoder.encode(secret) : secret;
  const parent = await hmacKey(raw);
  const derived = await crypto.subtle.sign("HMAC", parent, encoder.encode(label));
  return hmacKey(new Uint8Array(derived));
}

/** The token for `claims`, signed with `key` (from {@linkcode derivedSigningKey}). */
export async function signToken(claims: TokenClaims, key: CryptoKey): Promise<string> {
  const payload = base64url(
    encoder.encode(JSON.stringify({
      sub: claims.subject,
      pur: claims.purpose,
      exp: claims.expires,
    })),
  );
  const signature = await crypto.subtle.sign("HMAC", key, encoder.encode(payload));
  return `${payload}.${base64url(new Uint8Array(signature))}`;
}

/**
 * Checks `token` against `key`, for `purpose`, at `now` (ms since the epoch).
 * Never throws for what a client sent.
 */
export async function verifyToken(
  token: string,
  key: CryptoKey,
  purpose: string,
  now: number,
): Promise<TokenCheck> {
  if (token.length > MAX_TOKEN_LENGTH) return { valid: false, reason: "malformed" };
  const dot = token.indexOf(".");
  if (dot < 1 || token.indexOf(".", dot + 1) !== -1) return { valid: false, reason: "malformed" };
  const payload = token.slice(0, dot);
  const given = fromBase64url(token.slice(dot + 1));
  if (!given) return { valid: false, reason: "malformed" };
  const expected = new Uint8Array(
    await crypto.subtle.sign("HMAC", key, encoder.encode(payload)),
  );
  if (!constantTimeEqual(given, expected)) return { valid: false, reason: "forged" };
  const claims = parseClaims(payload);
  if (!claims) return { valid: false, reason: "malformed" };
  if (claims.purpose !== purpose) return { valid: false, reason: "wrong purpose" };
  if (!(now < claims.expires)) return { valid: false, reason: "expired" };
  return { valid: true, claims };
}

/** The subject a token claims, unverified: which key to check it with. Null when unreadable. */
export function claimedSubject(token: string): string | null {
  if (token.length > MAX_TOKEN_LENGTH) return null;
  const dot = token.indexOf(".");
  return dot < 1 ? null : parseClaims(token.slice(0, dot))?.subject ?? null;
}

/** Whether `a` and `b` hold the same bytes, in time that depends only on their length. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i] ^ b[i];
  return difference === 0;
}

function parseClaims(payload: string): TokenClaims | null {
  const bytes = fromBase64url(payload);
  if (!bytes) return null;
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null) return null;
  const { sub, pur, exp } = value as Record<string, unknown>;
  if (typeof sub !== "string" || typeof pur !== "string" || typeof exp !== "number") return null;
  return { subject: sub, purpose: pur, expires: exp };
}

function hmacKey(raw: Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey(
    "raw",
    raw as Uint8Array<ArrayBuffer>,
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
}

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", "");
}

function fromBase64url(text: string): Uint8Array | null {
  const standard = text.replaceAll("-", "+").replaceAll("_", "/");
  try {
    const binary = atob(standard + "=".repeat((4 - (standard.length % 4)) % 4));
    return Uint8Array.from(binary, (char) => char.charCodeAt(0));
  } catch {
    return null;
  }
}
