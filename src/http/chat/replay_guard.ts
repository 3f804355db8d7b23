/**
 * Remembers the signed chat requests already accepted, so that one captured
 * and sent again within the five minutes its timestamp stays fresh is refused
 * like a forged one. The memory is a cache of the running isolate, bounded in
 * time (a signature is forgotten once its timestamp could no longer pass the
 * age check) and in size: across isolates, or past the cap, the timestamp's
 * age remains the bound.
 *
 * @module
 */
import { ChatRequestError } from "./errors.ts";

/** How many signatures one guard remembers at most; past it the oldest is forgotten. */
export const REPLAY_GUARD_MAX_ENTRIES = 4096;

/** What a guard answers for a request it was shown. */
export type ReplayVerdict = "new" | "seen";

/** A per-app memory of accepted signatures; see {@linkcode createReplayGuard}. */
export interface ReplayGuard {
  /**
   * Records a verified request's signature. `"seen"` when the same platform,
   * timestamp and signature were recorded before and are still fresh.
   */
  check(
    request: { platform: "Slack" | "Discord"; timestamp: string; signature: string },
    now: Date,
  ): ReplayVerdict;
  /** How many signatures are remembered now. */
  readonly size: number;
}

/**
 * A guard remembering signatures for `windowSeconds` past their timestamp (the
 * age check's window: a timestamp may be that far ahead of the clock, too).
 */
export function createReplayGuard(
  options: { windowSeconds: number; maxEntries?: number },
): ReplayGuard {
  const { windowSeconds } = options;
  const maxEntries = options.maxEntries ?? REPLAY_GUARD_MAX_ENTRIES;
  /** Signature key → the request's timestamp in seconds; in insertion order. */
  const seen = new Map<string, number>();

  function prune(nowSeconds: number): void {
    for (const [key, timestamp] of seen) {
      if (timestamp + windowSeconds < nowSeconds) seen.delete(key);
    }
  }

  return {
    check({ platform, timestamp, signature }, now) {
      const nowSeconds = now.getTime() / 1000;
      prune(nowSeconds);
      const key = `${platform}:${timestamp}:${signature.toLowerCase()}`;
      if (seen.has(key)) return "seen";
      while (seen.size >= maxEntries) seen.delete(seen.keys().next().value!);
      seen.set(key, Number(timestamp));
      return "new";
    },
    get size() {
      return seen.size;
    },
  };
}

/**
 * Refuses a request the guard has seen, as a bad signature is refused (401).
 *
 * @throws {ChatRequestError} `signature` when the request was already accepted
 */
export function refuseReplay(
  guard: ReplayGuard,
  request: { platform: "Slack" | "Discord"; timestamp: string | null; signature: string | null },
  now: Date,
): void {
  const { platform, timestamp, signature } = request;
  // Only called after verification, which made sure both headers are there.
  if (timestamp === null || signature === null) return;
  if (guard.check({ platform, timestamp, signature }, now) === "seen") {
    throw new ChatRequestError(
      "signature",
      `${platform} request was already received: a replayed request is refused`,
    );
  }
}
