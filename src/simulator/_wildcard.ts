/**
 * EC2's filter wildcards, matched without a regular expression: `*` is any
 * run of characters (none included), `?` is exactly one, `\` escapes either
 * (and itself). Characters are code points, as EC2 counts them.
 *
 * The pattern is cut at its stars into segments; the first must start the
 * value, the last must end it, and each one between is taken at its leftmost
 * place after the one before (leftmost is never worse: what follows it only
 * has more room). No choice is ever revisited, so the work is at most the
 * value's length times the pattern's, whatever the stars: linear in the
 * client's pattern, for values as short as EC2's tags (256 characters).
 *
 * @see https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Filtering.html
 * @module
 */

/** `?`: any one character. */
const ANY = null;
type Segment = (string | typeof ANY)[];

/** Counts character comparisons, for tests that bound the work. */
export interface WorkMeter {
  steps: number;
}

/** A compiled wildcard pattern. */
export type WildcardMatcher = (value: string, meter?: WorkMeter) => boolean;

/** Compiles `pattern`; compiling is one pass over it. */
export function wildcardMatcher(pattern: string): WildcardMatcher {
  const segments: Segment[] = [[]];
  let escaped = false;
  for (const char of pattern) {
    const current = segments[segments.length - 1];
    if (escaped) {
      current.push(char);
      escaped = false;
    } else if (char === "\\") escaped = true;
    else if (char === "*") segments.push([]);
    else current.push(char === "?" ? ANY : char);
  }
  if (escaped) segments[segments.length - 1].push("\\");
  return (value, meter = { steps: 0 }) => matches(segments, Array.from(value), meter);
}

function matches(segments: readonly Segment[], value: readonly string[], meter: WorkMeter) {
  const first = segments[0];
  if (segments.length === 1) {
    return first.length === value.length && segmentAt(first, value, 0, meter);
  }
  const last = segments[segments.length - 1];
  const end = value.length - last.length;
  if (end < first.length) return false;
  if (!segmentAt(first, value, 0, meter) || !segmentAt(last, value, end, meter)) return false;
  let position = first.length;
  for (let i = 1; i < segments.length - 1; i++) {
    const segment = segments[i];
    const found = leftmost(segment, value, position, end, meter);
    if (found < 0) return false;
    position = found + segment.length;
  }
  return true;
}

/** The first place at or after `from` where `segment` fits wholly before `end`; -1 if none. */
function leftmost(
  segment: Segment,
  value: readonly string[],
  from: number,
  end: number,
  meter: WorkMeter,
): number {
  for (let start = from; start + segment.length <= end; start++) {
    if (segmentAt(segment, value, start, meter)) return start;
  }
  return -1;
}

function segmentAt(segment: Segment, value: readonly string[], start: number, meter: WorkMeter) {
  for (let i = 0; i < segment.length; i++) {
    meter.steps++;
    const char = segment[i];
    if (char !== ANY && char !== value[start + i]) return false;
  }
  return true;
}
