/**
 * The sweep's subrequest budget: Cloudflare Workers allow 50 subrequests per
 * invocation on the free plan, so one sweep run counts what each step may
 * cost at worst (every attempt of every retry) before taking it, and defers
 * what no longer fits to the next run.
 *
 * @see https://developers.cloudflare.com/workers/platform/limits/#subrequests
 * @module
 */

/** Subrequests one sweep run may make: Workers' free plan. */
export const SWEEP_SUBREQUEST_BUDGET = 50;
/** One EC2 or CloudWatch call, every attempt counted (3, as the clients retry). */
export const CALL_COST = 3;
/**
 * A state change: the change, its `start_time` tag and the read that
 * confirms it, 3 attempts each, and the notification.
 */
export const CHANGE_COST = 3 * CALL_COST + 1;
/** A `start_time` heal: the tag and its confirming read. */
export const HEAL_COST = 2 * CALL_COST;
/** A warning: the notification, then the `workwork:warned` tag. */
export const WARNING_COST = 1 + CALL_COST;

/** What is left of one run's budget. */
export class SweepBudget {
  #left: number;

  constructor(limit: number = SWEEP_SUBREQUEST_BUDGET) {
    this.#left = limit;
  }

  /** Subrequests left. */
  get left(): number {
    return this.#left;
  }

  /** Takes `cost` when it fits and says so; false leaves the budget as it was. */
  take(cost: number): boolean {
    if (cost > this.#left) return false;
    this.#left -= cost;
    return true;
  }
}
