/**
 * Verifies that an interaction comes from Discord: an Ed25519 signature
 * (`X-Signature-Ed25519`) over `X-Signature-Timestamp` followed by the raw body,
 * checked with the application's public key through WebCrypto, which Deno and
 * workerd both implement.
 *
 * @see https://discord.com/developers/docs/interactions/receiving-and-responding#security-and-authorization
 * @module
 */
import { freshSignedRequest, type SigningScheme } from "./_signed_request.ts";
import { ChatRequestError, hexToBytes } from "./errors.ts";

/**
 * How far an interaction's timestamp may be from now, either way. Discord does
 * not ask for the check; it bounds how long a captured request can be replayed.
 */
export const DISCORD_MAX_CLOCK_SKEW_SECONDS = 5 * 60;
const PUBLIC_KEY_PATTERN = /^[0-9a-f]{64}$/i;
const SIGNATURE_PATTERN = /^[0-9a-f]{128}$/i;
const SCHEME: SigningScheme = {
  platform: "Discord",
  timestampHeader: "X-Signature-Timestamp",
  signatureHeader: "X-Signature-Ed25519",
  maxClockSkewSeconds: DISCORD_MAX_CLOCK_SKEW_SECONDS,
};

/** The parts of a request the signature covers. */
export interface DiscordSignedRequest {
  /** The `X-Signature-Timestamp` header, or null when absent. */
  timestamp: string | null;
  /** The `X-Signature-Ed25519` header (hex), or null when absent. */
  signature: string | null;
  /** The raw body, exactly as received. */
  body: string | Uint8Array;
}

/** The headers {@linkcode verifyDiscordRequest} reads, from a request's headers. */
export function discordSignedHeaders(headers: Headers): Omit<DiscordSignedRequest, "body"> {
  return {
    timestamp: headers.get("x-signature-timestamp"),
    signature: headers.get("x-signature-ed25519"),
  };
}

/**
 * Imports the application's public key (`DISCORD_PUBLIC_KEY`, 64 hex digits)
 * for {@linkcode verifyDiscordRequest}; do it once, at start-up.
 *
 * @throws {TypeError} when the key is not 64 hex digits
 */
export function importDiscordPublicKey(hex: string): Promise<CryptoKey> {
  if (!PUBLIC_KEY_PATTERN.test(hex)) {
    throw new TypeError("DISCORD_PUBLIC_KEY must be 64 hex digits, the application's public key");
  }
  return crypto.subtle.importKey("raw", hexToBytes(hex)!, { name: "Ed25519" }, false, ["verify"]);
}

/**
 * Checks an interaction's signature and age.
 *
 * @throws {ChatRequestError} `signature` when a header is missing or malformed,
 *   the timestamp is more than five minutes from `now`, or the signature does not verify
 */
export async function verifyDiscordRequest(
  publicKey: CryptoKey,
  request: DiscordSignedRequest,
  options: { now: Date },
): Promise<void> {
  const { timestamp, signature } = freshSignedRequest(SCHEME, request, options.now);
  if (!SIGNATURE_PATTERN.test(signature)) {
    throw new ChatRequestError("signature", "X-Signature-Ed25519 is not 128 hex digits");
  }
  const prefix = new TextEncoder().encode(timestamp);
  const body = typeof request.body === "string"
    ? new TextEncoder().encode(request.body)
    : request.body;
  const data = new Uint8Array(prefix.byteLength + body.byteLength);
  data.set(prefix);
  data.set(body, prefix.byteLength);
  const valid = await crypto.subtle.verify("Ed25519", publicKey, hexToBytes(signature)!, data);
  if (!valid) throw new ChatRequestError("signature", "Discord request signature does not verify");
}
