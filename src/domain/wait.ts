/**
 * Waiting for an instance to reach `running` or `stopped` after a change:
 * bounded polls of DescribeInstances with backoff, stopping early when the
 * state moves the wrong way, as the AWS CLI's waiters do.
 *
 * @module
 */
import type { Ec2Client } from "../aws/ec2.ts";
import type { Instance } from "../aws/ec2_types.ts";
import { describeInstance } from "./instances.ts";

/**
 * DescribeInstances calls per wait at most. With EC2's 3 attempts per call,
 * a wait costs at most 36 subrequests; with the change (3), its tag (3), the
 * read confirming it (3), a tag-scoped key's describe (3) and the
 * notification (1), one request stays at 49, under the 50 subrequests
 * Cloudflare Workers' free plan allows (a correction after an overlapping
 * change, which is rare, adds up to 6).
 * @see https://developers.cloudflare.com/workers/platform/limits/#subrequests
 */
export const MAX_WAIT_POLLS = 12;
/** The first pause between polls; it doubles up to {@linkcode MAX_POLL_DELAY_MS}. */
export const FIRST_POLL_DELAY_MS = 2_000;
/** The longest pause between polls: the AWS CLI waiters' 15 seconds. */
export const MAX_POLL_DELAY_MS = 15_000;

/** The states a wait ends in, and those that mean it never will. */
const WAITERS = {
  // botocore's InstanceRunning and InstanceStopped waiters fail on these states.
  // https://github.com/boto/botocore/blob/develop/botocore/data/ec2/2016-11-15/waiters-2.json
  running: { wrongWay: new Set(["shutting-down", "terminated", "stopping"]) },
  stopped: { wrongWay: new Set(["pending", "terminated"]) },
} as const;

/** A state a client can wait for. */
export type WaitTarget = keyof typeof WAITERS;

/** How a wait ended. */
export interface WaitResult {
  /** `reached`: the target state; `timeout`: the deadline passed; `wrong_way`: it never will. */
  outcome: "reached" | "timeout" | "wrong_way";
  /** The instance as the last poll described it. */
  instance: Instance;
  /** DescribeInstances calls made. */
  polls: number;
}

/** What {@linkcode waitForState} needs. */
export interface WaitOptions {
  region: string;
  instanceId: string;
  target: WaitTarget;
  /** How long to wait in all, in ms. */
  waitMs: number;
  /** Deadline of each poll's EC2 call, in ms (`EC2_TIMEOUT_MS`). */
  pollTimeoutMs: number;
  /** The clock, in ms since the epoch. */
  now: () => number;
  /** Pauses between polls; tests pass one that moves their clock. */
  sleep: (ms: number) => Promise<void>;
  /**
   * The polls allowed, given the instance as the last poll saw it; default
   * {@linkcode MAX_WAIT_POLLS}. Fewer leave subrequests for work after the
   * wait (DNS that follows the instance).
   */
  maxPollsFor?: (instance: Instance) => number;
}

/**
 * Polls the instance until it is in `target`, moves away from it, or
 * `waitMs` has passed. The first poll is immediate; then the pauses double
 * from {@linkcode FIRST_POLL_DELAY_MS} to {@linkcode MAX_POLL_DELAY_MS}; a
 * wait longer than that schedule covers spreads its polls evenly, so the
 * {@linkcode MAX_WAIT_POLLS} polls always reach the deadline. Each poll has its own EC2 deadline, so a long wait is not cut
 * short by the request's.
 */
export async function waitForState(ec2: Ec2Client, options: WaitOptions): Promise<WaitResult> {
  const { region, instanceId, target, now, sleep } = options;
  const deadline = now() + options.waitMs;
  const wrongWay: ReadonlySet<string> = WAITERS[target].wrongWay;
  let delay = FIRST_POLL_DELAY_MS;
  for (let polls = 1;; polls++) {
    const signal = AbortSignal.timeout(options.pollTimeoutMs);
    const instance = await describeInstance(ec2, region, instanceId, { signal });
    if (instance.state === target) return { outcome: "reached", instance, polls };
    if (wrongWay.has(instance.state)) return { outcome: "wrong_way", instance, polls };
    const remaining = deadline - now();
    const maxPolls = options.maxPollsFor?.(instance) ?? MAX_WAIT_POLLS;
    if (polls >= maxPolls || remaining <= 0) return { outcome: "timeout", instance, polls };
    const pollsLeft = maxPolls - polls;
    // Past what the capped backoff can cover, the polls left spread evenly.
    const spread = remaining > pollsLeft * MAX_POLL_DELAY_MS ? Math.ceil(remaining / pollsLeft) : 0;
    await sleep(Math.min(remaining, Math.max(delay, spread)));
    delay = Math.min(MAX_POLL_DELAY_MS, delay * 2);
  }
}

/** A pause of `ms` on the platform's timers. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
