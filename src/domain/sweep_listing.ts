/**
 * What the sweep lists: only what it may act on. Running instances (any of
 * them may be past a limit), and stopped ones only where a schedule may start
 * them (tag `workwork:schedule`), each by server-side filters, page by page
 * within the run's budget.
 *
 * @module
 */
import type { CallOptions, Ec2Client, InstanceFilters } from "../aws/ec2.ts";
import type { Instance } from "../aws/ec2_types.ts";
import { MAX_LIST_PAGES } from "./instances.ts";
import { CALL_COST, type SweepBudget } from "./sweep_budget.ts";

/** The schedule tag; a stopped instance without it is never started by the sweep. */
const SCHEDULE_TAG = "workwork:schedule";
const PAGE_SIZE = 1000;

/** The two listings of one region, as EC2 filters. */
export const SWEEP_FILTERS: readonly InstanceFilters[] = [
  { "instance-state-name": ["running"] },
  { "instance-state-name": ["stopped"], "tag-key": [SCHEDULE_TAG] },
];

/** The listing, and whether the budget ran out before it ended. */
export interface SweepListing {
  instances: Instance[];
  /** True when a page was left unread for want of budget: the region is not fully swept. */
  cut: boolean;
}

/** The instances of `region` the sweep may act on; each page costs {@linkcode CALL_COST}. */
export async function listSweepCandidates(
  ec2: Ec2Client,
  region: string,
  budget: SweepBudget,
  options: CallOptions = {},
): Promise<SweepListing> {
  const instances: Instance[] = [];
  for (const filters of SWEEP_FILTERS) {
    let nextToken: string | undefined;
    for (let page = 0; page < MAX_LIST_PAGES; page++) {
      if (!budget.take(CALL_COST)) return { instances, cut: true };
      const answer = await ec2.describeInstances(region, {
        ...options,
        filters,
        maxResults: PAGE_SIZE,
        nextToken,
      });
      instances.push(...answer.instances);
      if (!answer.nextToken) break;
      nextToken = answer.nextToken;
    }
  }
  return { instances, cut: false };
}
