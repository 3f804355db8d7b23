/**
 * What Slack's and Discord's request signatures share: two headers that must
 * both be there, and a Unix-time timestamp that must be close to now.
 *
 * @module
 */
import { ChatRequestError } from "./errors.ts";

const TIMESTAMP_PATTERN = /^\d{1,12}$/;

/** How one platform signs: its name and header names, and the clock skew it allows. */
export interface SigningScheme {
  platform: "Slack" | "Discord";
  timestampHeader: string;
  signatureHeader: string;
  maxClockSkewSeconds: number;
}

/**
 * The timestamp and signature, checked for presence and the timestamp for age.
 *
 * @throws {ChatRequestError} `signature` when a header is missing, the
 *   timestamp is not Unix time, or it is more than the allowed skew from `now`
 */
export function freshSignedRequest(
  scheme: SigningScheme,
  request: { timestamp: string | null; signature: string | null },
  now: Date,
): { timestamp: string; signature: string } {
  const { platform, timestampHeader, signatureHeader, maxClockSkewSeconds } = scheme;
  const { timestamp, signature } = request;
  if (timestamp === null || signature === null) {
    throw new ChatRequestError(
      "signature",
      `${platform} request is not signed: ${timestampHeader} and ${signatureHeader} are required`,
    );
  }
  if (!TIMESTAMP_PATTERN.test(timestamp)) {
    throw new ChatRequestError("signature", `${timestampHeader} is not a Unix time`);
  }
  const skew = Math.abs(now.getTime() / 1000 - Number(timestamp));
  if (!(skew <= maxClockSkewSeconds)) {
    throw new ChatRequestError(
      "signature",
      `${platform} request timestamp is more than ${maxClockSkewSeconds} seconds from now`,
    );
  }
  return { timestamp, signature };
}
