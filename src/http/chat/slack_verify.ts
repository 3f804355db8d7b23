/**
 * Verifies that a request comes from Slack: the `v0` signature, an HMAC-SHA256
 * of `v0:{timestamp}:{raw body}` keyed with the app's signing secret, compared
 * in constant time, and a timestamp within five minutes of now.
 *
 * @see https://api.slack.com/authentication/verifying-requests-from-slack
 * @module
 */
import { freshSignedRequest, type SigningScheme } from "./_signed_request.ts";
import { ChatRequestError, hexToBytes } from "./errors.ts";

/** How far a request's timestamp may be from now, either way: Slack's five minutes. */
export const SLACK_MAX_CLOCK_SKEW_SECONDS = 5 * 60;
/** The only signature version Slack sends. */
const VERSION = "v0";
const SIGNATURE_PATTERN = /^v0=([0-9a-f]{64})$/;
const SCHEME: SigningScheme = {
  platform: "Slack",
  timestampHeader: "X-Slack-Request-Timestamp",
  signatureHeader: "X-Slack-Signature",
  maxClockSkewSeconds: SLACK_MAX_CLOCK_SKEW_SECONDS,
};

/** The parts of a request the signature covers. */
export interface SlackSignedRequest {
  /** The `X-Slack-Request-Timestamp` header, or null when absent. */
  timestamp: string | null;
  /** The `X-Slack-Signature` header, or null when absent. */
  signature: string | null;
  /** The raw body, exactly as received. */
  body: string | Uint8Array;
}

/** The headers {@linkcode verifySlackRequest} reads, from a request's headers. */
export function slackSignedHeaders(headers: Headers): Omit<SlackSignedRequest, "body"> {
  return {
    timestamp: headers.get("x-slack-request-timestamp"),
    signature: headers.get("x-slack-signature"),
  };
}

/**
 * The `X-Slack-Signature` value Slack would send for `body` at `timestamp`:
 * `v0=` and the hex HMAC-SHA256 of `v0:{timestamp}:{body}`.
 */
export async function slackSignature(
  signingSecret: string,
  timestamp: string,
  body: string | Uint8Array,
): Promise<string> {
  const key = await hmacKey(signingSecret, "sign");
  const mac = await crypto.subtle.sign("HMAC", key, baseString(timestamp, body));
  return `${VERSION}=${
    Array.from(new Uint8Array(mac), (b) => b.toString(16).padStart(2, "0")).join("")
  }`;
}

/**
 * Checks a request's signature and age. The comparison is WebCrypto's HMAC
 * `verify`, which runs in constant time.
 *
 * @throws {ChatRequestError} `signature` when a header is missing or malformed,
 *   the timestamp is more than five minutes from `now`, or the signature does not match
 */
export async function verifySlackRequest(
  signingSecret: string,
  request: SlackSignedRequest,
  options: { now: Date },
): Promise<void> {
  const { timestamp, signature } = freshSignedRequest(SCHEME, request, options.now);
  const hex = signature.match(SIGNATURE_PATTERN)?.[1];
  if (hex === undefined) {
    throw new ChatRequestError("signature", 'X-Slack-Signature is not "v0=" and 64 hex digits');
  }
  const key = await hmacKey(signingSecret, "verify");
  const valid = await crypto.subtle.verify(
    "HMAC",
    key,
    hexToBytes(hex)!,
    baseString(timestamp, request.body),
  );
  if (!valid) throw new ChatRequestError("signature", "Slack request signature does not match");
}

function hmacKey(secret: string, usage: "sign" | "verify"): Promise<CryptoKey> {
  if (secret === "") throw new TypeError("Slack signing secret is empty");
  return crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    [usage],
  );
}

function baseString(timestamp: string, body: string | Uint8Array): Uint8Array<ArrayBuffer> {
  const prefix = new TextEncoder().encode(`${VERSION}:${timestamp}:`);
  const rest = typeof body === "string" ? new TextEncoder().encode(body) : body;
  const data = new Uint8Array(prefix.byteLength + rest.byteLength);
  data.set(prefix);
  data.set(rest, prefix.byteLength);
  return data;
}
