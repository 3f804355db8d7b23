/**
 * Finds the instance a chat command names, by its `Name` tag or its id, across
 * the listings of the regions the caller may see: an exact match first, then a
 * unique case-insensitive one. Anything else answers with candidates.
 *
 * @module
 */
import type { Instance } from "../aws/ec2_types.ts";

/** How many candidates an answer carries at most. */
export const MAX_CANDIDATES = 10;
const NAME_TAG = "Name";

/** The listing of one region, already narrowed to what the caller may see. */
export interface RegionListing {
  region: string;
  instances: readonly Instance[];
}

/** One instance as a name lookup reports it. */
export interface NamedInstance {
  region: string;
  id: string;
  /** The `Name` tag, or null when it has none. */
  name: string | null;
  state: string;
}

/** What {@linkcode findInstance} found. */
export type InstanceLookup =
  | { status: "found"; instance: NamedInstance; match: "id" | "name" | "name_ignoring_case" }
  | {
    status: "ambiguous" | "unknown";
    /** For ambiguous: every match; for unknown: names or ids that contain the query, else every instance; at most {@linkcode MAX_CANDIDATES}. */
    candidates: NamedInstance[];
    /** How many candidates there were in all, before the cut. */
    total: number;
  };

/**
 * Finds the one instance `query` names. An id matches exactly (ids are unique);
 * a `Name` tag matches exactly, then ignoring case, and only when one instance
 * carries it. Terminated instances keep their Name tag for a while; they are
 * found by id only, so a replacement with the same name is not ambiguous.
 */
export function findInstance(query: string, listings: readonly RegionListing[]): InstanceLookup {
  const all = listings.flatMap(({ region, instances }) =>
    instances.map((instance): NamedInstance => ({
      region,
      id: instance.id,
      name: instance.tags[NAME_TAG] ?? null,
      state: instance.state,
    }))
  );
  const wanted = query.trim();
  const byId = all.filter((instance) => instance.id === wanted);
  if (byId.length === 1) return { status: "found", instance: byId[0], match: "id" };
  if (byId.length > 1) return several("ambiguous", byId);

  const named = all.filter((instance) => instance.state !== "terminated");
  const exact = named.filter((instance) => instance.name === wanted);
  if (exact.length === 1) return { status: "found", instance: exact[0], match: "name" };
  if (exact.length > 1) return several("ambiguous", exact);

  const folded = wanted.toLowerCase();
  const loose = named.filter((instance) =>
    instance.name?.toLowerCase() === folded || instance.id === folded
  );
  if (loose.length === 1) {
    const match = loose[0].id === folded ? "id" : "name_ignoring_case";
    return { status: "found", instance: loose[0], match };
  }
  if (loose.length > 1) return several("ambiguous", loose);

  const near = all.filter((instance) =>
    instance.id.includes(folded) || instance.name?.toLowerCase().includes(folded)
  );
  return several("unknown", near.length ? near : all);
}

function several(status: "ambiguous" | "unknown", instances: NamedInstance[]): InstanceLookup {
  const sorted = [...instances].sort((a, b) =>
    compare(a.name?.toLowerCase() ?? "\uffff", b.name?.toLowerCase() ?? "\uffff") ||
    compare(a.name ?? "", b.name ?? "") || compare(a.region, b.region) || compare(a.id, b.id)
  );
  return { status, candidates: sorted.slice(0, MAX_CANDIDATES), total: sorted.length };
}

/** Code-unit order: the same on every runtime, unlike `localeCompare`. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
