/**
 * What the dashboard lists for a key: which regions, and in each the
 * instances the key's scope lets it see. A region that cannot be listed
 * carries the reason instead, so one failing region leaves the others shown.
 *
 * @module
 */
import type { Ec2Client } from "../../aws/ec2.ts";
import { ApiError, toApiError } from "../errors.ts";
import { instanceView, listInstances } from "../../domain/instances.ts";
import {
  listInstancePage,
  type PageRequest,
  PageTokenError,
  scopedFilters,
} from "../../domain/instance_pages.ts";
import { type PlanSettings, regionPlanner } from "../../domain/plans.ts";
import { instanceAllowed, type KeyScope, scopeDenial } from "../../domain/scopes.ts";
import type { RegionListing } from "./page.ts";

/** Regions listed when neither the key's scope nor `REGIONS` nor `ALLOWED_REGIONS` names any. */
export const DEFAULT_REGIONS: readonly string[] = ["us-east-1"];
/** The instances of a region the page shows at first; the script asks for the rest a page at a time. */
export const DASHBOARD_PAGE_SIZE = 50;
/** Instances without a name sort after the named ones. */
const UNNAMED_LAST = "\uffff";

/** The settings that choose the regions. */
export interface RegionSettings {
  allowedRegions: ReadonlySet<string> | null;
  /** `REGIONS`, or the demo's regions; null or absent: the default. */
  regions?: readonly string[] | null;
}

/**
 * The regions the page lists for `scope`: the scope's own, else `REGIONS`
 * (or the demo's), else `ALLOWED_REGIONS`, else {@linkcode DEFAULT_REGIONS};
 * never one outside `ALLOWED_REGIONS`.
 */
export function visibleRegions(settings: RegionSettings, scope: KeyScope): string[] {
  const { allowedRegions, regions } = settings;
  const chosen = scope.regions ?? regions ?? allowedRegions ?? DEFAULT_REGIONS;
  return [...chosen].filter((region) => !allowedRegions || allowedRegions.has(region));
}

/** Where the listing comes from. */
export interface ListingSource {
  ec2: Ec2Client | null;
  now: () => Date;
  /** The sweep's regions and default limit, for each instance's `next`. */
  sweep?: PlanSettings & { regions: readonly string[] };
}

/** A region's listing with where its next page starts. */
export interface PagedRegionListing extends RegionListing {
  /** For `GET /instance/<region>?limit=…&next_token=…`; null when this is all. */
  next_token: string | null;
  /** Why the region could not be listed, as the API would answer it; absent when it was. */
  failure?: ApiError;
}

/**
 * The instances of `region` that `scope` may see, by name; or why there are
 * none to show. With `page`, one page of the listing (one DescribeInstances),
 * as `GET /instance/<region>?limit=…` reads it; without, all of it.
 * `signal` is the request's deadline; without one the EC2 client sets its own.
 */
export async function regionListing(
  source: ListingSource,
  region: string,
  scope: KeyScope,
  signal?: AbortSignal,
  page?: PageRequest,
): Promise<PagedRegionListing> {
  const denial = scopeDenial(scope, { action: "read", region });
  if (denial) {
    const failure = new ApiError(403, "scope", denial);
    return { region, instances: [], error: denial, next_token: null, failure };
  }
  if (!source.ec2) {
    const error = "AWS credentials are not configured on the server";
    const failure = new ApiError(503, "aws", error);
    return { region, instances: [], error, next_token: null, failure };
  }
  try {
    const filters = scopedFilters({}, scope);
    const { instances, nextToken } = page
      ? await listInstancePage(source.ec2, region, filters, page, { signal })
      : {
        instances: await listInstances(source.ec2, region, filters, { signal }),
        nextToken: null,
      };
    const at = source.now();
    // One planner for the listing: its forecasts are shared by the instances.
    const planner = regionPlanner(source.sweep, region);
    return {
      region,
      instances: instances
        .filter((instance) => instanceAllowed(scope, instance))
        .map((instance) => instanceView(instance, at, planner))
        .sort((a, b) => (a.name ?? UNNAMED_LAST).localeCompare(b.name ?? UNNAMED_LAST)),
      next_token: nextToken,
    };
  } catch (error) {
    const failure = error instanceof PageTokenError
      ? new ApiError(422, "next_token", error.message)
      : toApiError(error);
    return { region, instances: [], error: failure.title, next_token: null, failure };
  }
}
