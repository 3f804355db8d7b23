/**
 * ISO 8601 times as the tags carry them, read strictly: `Date.parse` also
 * takes loose text (`Dec 1` becomes 2001-12-01, `2026-02-30` rolls on to
 * March), which would let a typo in a tag stop an instance.
 *
 * @module
 */

/** `YYYY-MM-DD`, then optionally `THH:MM[:SS[.fraction]]`, then optionally `Z` or `±HH:MM`. */
const ISO_TIME_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Milliseconds since the epoch of `text`, an ISO 8601 date or time; UTC when
 * it names no offset (the original wrote `datetime.utcnow().isoformat()`,
 * UTC without a zone). Null for anything else, impossible dates included.
 */
export function parseIsoTime(text: string): number | null {
  const match = text.trim().match(ISO_TIME_PATTERN);
  if (!match) return null;
  const [, year, month, day, hour = "0", minute = "0", second = "0", fraction = "", zone = "Z"] =
    match;
  const [y, mo, d, h, mi, s] = [year, month, day, hour, minute, second].map(Number);
  if (h > 23 || mi > 59 || s > 59) return null;
  const time = Date.UTC(y, mo - 1, d, h, mi, s, Number(fraction.padEnd(3, "0").slice(0, 3)));
  const date = new Date(time);
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) {
    return null;
  }
  if (zone.toUpperCase() === "Z") return time;
  const offsetHours = Number(zone.slice(1, 3));
  const offsetMinutes = Number(zone.slice(-2));
  if (offsetHours > 23 || offsetMinutes > 59) return null;
  const sign = zone[0] === "-" ? -1 : 1;
  return time - sign * (offsetHours * 60 + offsetMinutes) * 60_000;
}
