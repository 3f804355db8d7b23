/**
 * Host names as the DNS rules read them, and the zone lookup by longest
 * matching name that both providers share.
 *
 * @module
 */

/** The longest host name DNS allows, without its final dot. */
export const MAX_NAME_LENGTH = 253;
const MAX_LABEL_LENGTH = 63;
/** How long a zone lookup (found or not) is kept. */
export const ZONE_CACHE_MS = 10 * 60_000;

/**
 * `name` lowercased without its final dot, or a sentence saying why it is not
 * a host name: RFC 1123 labels (letters, digits, inner hyphens, 1–63
 * characters), at least two of them, 253 characters in all. One pass over the
 * characters, no backtracking.
 */
export function checkHostName(name: string): { name: string } | { problem: string } {
  const bare = (name.endsWith(".") ? name.slice(0, -1) : name).toLowerCase();
  if (bare.length === 0) return { problem: "it is empty" };
  if (bare.length > MAX_NAME_LENGTH) {
    return { problem: `it is longer than ${MAX_NAME_LENGTH} characters` };
  }
  let labels = 1;
  let labelLength = 0;
  let previous = ".";
  for (let i = 0; i < bare.length; i++) {
    const c = bare[i];
    if (c === ".") {
      if (labelLength === 0) return { problem: "it has an empty label" };
      if (previous === "-") return { problem: "a label ends with a hyphen" };
      labels++;
      labelLength = 0;
    } else if ((c >= "a" && c <= "z") || (c >= "0" && c <= "9") || c === "-") {
      if (c === "-" && labelLength === 0) return { problem: "a label starts with a hyphen" };
      if (++labelLength > MAX_LABEL_LENGTH) {
        return { problem: `a label is longer than ${MAX_LABEL_LENGTH} characters` };
      }
    } else {
      return { problem: `it has the character "${c}", outside letters, digits, "-" and "."` };
    }
    previous = c;
  }
  if (labelLength === 0) return { problem: "it has an empty label" };
  if (previous === "-") return { problem: "a label ends with a hyphen" };
  if (labels < 2) return { problem: "it has one label; a public name has at least two" };
  return { name: bare };
}

/** Whether `name` is `zone` or inside it (both bare, lowercase). */
export function isInZone(name: string, zone: string): boolean {
  return name === zone || name.endsWith(`.${zone}`);
}

/**
 * The names a zone holding `name` may have, longest first, down to two
 * labels: `a.b.example.com` → itself, `b.example.com`, `example.com`.
 */
export function zoneCandidates(name: string): string[] {
  const labels = name.split(".");
  const candidates: string[] = [];
  for (let i = 0; i <= labels.length - 2; i++) candidates.push(labels.slice(i).join("."));
  return candidates;
}

/** Looks zones up by exact name and keeps the answers for {@linkcode ZONE_CACHE_MS}. */
export class ZoneCache<Z> {
  readonly #lookup: (zoneName: string) => Promise<Z | null>;
  readonly #now: () => number;
  readonly #entries = new Map<string, { at: number; zone: Promise<Z | null> }>();

  constructor(lookup: (zoneName: string) => Promise<Z | null>, now: () => number = Date.now) {
    this.#lookup = lookup;
    this.#now = now;
  }

  /** The zone named exactly `zoneName`, or null; a failed lookup is not kept. */
  named(zoneName: string): Promise<Z | null> {
    const now = this.#now();
    const kept = this.#entries.get(zoneName);
    if (kept && now - kept.at < ZONE_CACHE_MS) return kept.zone;
    const zone = this.#lookup(zoneName);
    this.#entries.set(zoneName, { at: now, zone });
    zone.catch(() => {
      if (this.#entries.get(zoneName)?.zone === zone) this.#entries.delete(zoneName);
    });
    return zone;
  }

  /** The zone with the longest name that holds `name`, or null. */
  async longestMatch(name: string): Promise<Z | null> {
    for (const candidate of zoneCandidates(name)) {
      const zone = await this.named(candidate);
      if (zone !== null) return zone;
    }
    return null;
  }
}
