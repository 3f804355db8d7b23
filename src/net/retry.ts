/**
 * What every outbound client (EC2, CloudWatch, Route53, Cloudflare DNS)
 * shares: the injected `fetch`'s shape, the deadline of a call, exponential
 * backoff with full jitter cut short by that deadline, and the attempt loop.
 * Which failures are worth another attempt stays with each client: that
 * differs by service and by call (docs/consistency.md, docs/dns.md).
 *
 * This is the bottom layer of src/: it imports nothing of ours.
 *
 * @module
 */

/** How a client sends a request: the global `fetch`'s shape, always with a URL string. */
export type Fetch = (url: string, init: RequestInit) => Promise<Response>;

/** The options every outbound client takes, besides its own. */
export interface OutboundOptions {
  /** Where requests go; the global `fetch` when absent. */
  fetch?: Fetch;
  /** Deadline for a call made without a signal, all attempts together. */
  timeoutMs?: number;
  /** Jitter source in [0, 1). Default `Math.random`. */
  random?: () => number;
}

/** How long to wait between attempts, and how many to make. */
export interface RetryPolicy {
  /** Attempts per call, the first included. */
  maxAttempts: number;
  /** The ceiling of the first wait; it doubles with each attempt. */
  baseDelayMs: number;
  /** The ceiling no wait goes above. */
  maxDelayMs: number;
}

/** Options of {@linkcode backoff}. */
export interface BackoffOptions {
  /** Jitter source in [0, 1). */
  random: () => number;
  /** The call's deadline: its abort ends the wait. */
  signal: AbortSignal;
  /** The error the wait is rejected with when the deadline passes. */
  onTimeout: () => Error;
}

/** The signal of a call: the caller's, or one that aborts after `timeoutMs`. */
export function deadline(signal: AbortSignal | undefined, timeoutMs: number): AbortSignal {
  return signal ?? AbortSignal.timeout(timeoutMs);
}

/**
 * Waits before attempt `attempt + 1`: a random time below
 * `min(maxDelayMs, baseDelayMs · 2^(attempt-1))` ("full jitter"), rejected
 * with `onTimeout()` as soon as the signal aborts (at once when it already has).
 */
export function backoff(
  attempt: number,
  policy: Pick<RetryPolicy, "baseDelayMs" | "maxDelayMs">,
  { random, signal, onTimeout }: BackoffOptions,
): Promise<void> {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const delay = Math.floor(random() * ceiling);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(onTimeout());
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, delay);
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** Options of {@linkcode withRetries}. */
export interface AttemptLoopOptions<E extends Error> extends BackoffOptions {
  policy: RetryPolicy;
  /** Whether another attempt may help after `error`; the client's own rule. */
  retryable: (error: E) => boolean;
}

/**
 * Makes attempts until one succeeds: `send(n)` resolves to the answer, or to
 * the failure (an `Error`) it met; what it throws ends the call at once. The
 * last failure is thrown when attempts run out or it is not
 * {@linkcode AttemptLoopOptions.retryable}; between attempts, {@linkcode backoff}.
 * An answer must therefore never be an `Error` itself.
 */
export async function withRetries<T, E extends Error>(
  send: (attempt: number) => Promise<T | E>,
  options: AttemptLoopOptions<E>,
): Promise<T> {
  for (let attempt = 1;; attempt++) {
    const outcome = await send(attempt);
    if (!(outcome instanceof Error)) return outcome as T;
    if (attempt >= options.policy.maxAttempts || !options.retryable(outcome as E)) throw outcome;
    await backoff(attempt, options.policy, options);
  }
}
