/**
 * The sweep's tag syntax: durations (`90m`, `4h`, `2d`, `1h30m`) and
 * office-hours schedules (`Mon-Fri 08:00-19:00 Europe/Berlin`), read in the
 * schedule's own IANA time zone with `Intl.DateTimeFormat`, so daylight-saving
 * changes follow the zone's rules with no time-zone library.
 *
 * @module
 */

const DURATION_PATTERN = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$/;
const TIME_PATTERN = /^([01]\d|2[0-4]):([0-5]\d)$/;
const DAY_NAMES = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
const MINUTES_PER_DAY = 24 * 60;
/** The word after the zone that opts in to starting at the window's opening. */
export const AUTOSTART_WORD = "autostart";

/** An office-hours window, every day it applies to. */
export interface Schedule {
  /** Days the window opens on, 0 = Sunday. */
  days: ReadonlySet<number>;
  /** Opening, in minutes after local midnight. */
  opens: number;
  /** Closing, in minutes after local midnight; at or before `opens` means the next day. */
  closes: number;
  /** IANA time zone, e.g. `Europe/Berlin`. */
  timeZone: string;
  /** Start the instance when the window opens, not only stop it after. */
  autostart: boolean;
}

/**
 * Reads a duration: days, hours and minutes in that order, each optional but
 * at least one, e.g. `90m`, `4h`, `2d`, `1d12h`. Null when malformed or zero.
 */
export function parseDuration(text: string): number | null {
  const match = text.trim().toLowerCase().match(DURATION_PATTERN);
  if (!match) return null;
  const [days, hours, minutes] = match.slice(1).map((part) => Number(part ?? 0));
  const ms = ((days * 24 + hours) * 60 + minutes) * 60_000;
  return ms > 0 ? ms : null;
}

/** `4h 10m`, `2d 3h`, `45m`: a duration for people, to the minute. */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  const parts = [
    [Math.floor(minutes / MINUTES_PER_DAY), "d"],
    [Math.floor(minutes / 60) % 24, "h"],
    [minutes % 60, "m"],
  ].filter(([value]) => value !== 0).map(([value, unit]) => `${value}${unit}`);
  return parts.length ? parts.join(" ") : "0m";
}

/**
 * Reads a schedule: `DAYS HH:MM-HH:MM ZONE [autostart]`. DAYS is `daily` or
 * a comma-separated list of days and ranges (`Mon-Fri`, `Sat,Sun`,
 * `Mon,Wed-Fri`, `Fri-Mon`). A closing time at or before the opening time
 * closes the next day (`Fri 18:00-02:00`).
 *
 * @throws {SyntaxError} saying what is wrong
 */
export function parseSchedule(text: string): Schedule {
  const words = text.trim().split(/\s+/);
  const autostart = words.at(-1)?.toLowerCase() === AUTOSTART_WORD;
  if (autostart) words.pop();
  if (words.length !== 3) {
    throw new SyntaxError(
      'Cannot read schedule: expected "DAYS HH:MM-HH:MM ZONE", e.g. "Mon-Fri 08:00-19:00 Europe/Berlin"',
    );
  }
  const [dayText, hoursText, timeZone] = words;
  const [opensText, closesText, extra] = hoursText.split("-");
  if (closesText === undefined || extra !== undefined) {
    throw new SyntaxError(`Cannot read schedule: hours "${hoursText}" are not "HH:MM-HH:MM"`);
  }
  const opens = minutesOf(opensText);
  const closes = minutesOf(closesText);
  if (opens === MINUTES_PER_DAY) {
    throw new SyntaxError("Cannot read schedule: the window cannot open at 24:00");
  }
  if (opens === closes) {
    throw new SyntaxError("Cannot read schedule: the window opens and closes at the same time");
  }
  if (!isTimeZone(timeZone)) {
    throw new SyntaxError(`Cannot read schedule: "${timeZone}" is not an IANA time zone`);
  }
  return { days: daysOf(dayText), opens, closes, timeZone, autostart };
}

/**
 * Whether `at` falls inside the schedule's window. Decided on real instants,
 * not clock readings: when the clocks go back, the repeated hour shows the
 * same clock times twice, and a window opens and closes once, at the first
 * of them. A time the clocks skip forward over opens or closes the window at
 * the moment they jump.
 */
export function isInsideWindow(schedule: Schedule, at: Date): boolean {
  const { days, opens, closes, timeZone } = schedule;
  const time = at.getTime();
  const today = localDate(time, timeZone);
  // A window lasts under a day, so only one opened today or yesterday can hold `at`.
  for (const back of [0, 1]) {
    const day = Date.UTC(today.year, today.month - 1, today.day - back);
    if (!days.has(new Date(day).getUTCDay())) continue;
    const open = instantOf(day + opens * 60_000, timeZone);
    const closeDay = closes > opens ? day : day + MINUTES_PER_DAY * 60_000;
    const close = instantOf(closeDay + closes * 60_000, timeZone);
    if (open <= time && time < close) return true;
  }
  return false;
}

/**
 * The schedule's windows as instants `[opens, closes)`, in order: the one
 * opened the day before `at`'s local date, then each day's for `days` days.
 * What the sweep's plans look ahead with; inside them
 * {@linkcode isInsideWindow} holds, which stays the judge.
 */
export function* windowsFrom(
  schedule: Schedule,
  at: Date,
  days: number,
): Generator<[number, number]> {
  const { opens, closes, timeZone } = schedule;
  const today = localDate(at.getTime(), timeZone);
  for (let ahead = -1; ahead <= days; ahead++) {
    const day = Date.UTC(today.year, today.month - 1, today.day + ahead);
    if (!schedule.days.has(new Date(day).getUTCDay())) continue;
    const closeDay = closes > opens ? day : day + MINUTES_PER_DAY * 60_000;
    yield [
      instantOf(day + opens * 60_000, timeZone),
      instantOf(closeDay + closes * 60_000, timeZone),
    ];
  }
}

/** The local calendar date at `time` in `timeZone`. */
function localDate(time: number, timeZone: string): { year: number; month: number; day: number } {
  const wall = new Date(time + offsetAt(time, timeZone));
  return { year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate() };
}

/**
 * The first instant whose local time in `timeZone` is `wall` (a local time
 * written as if it were UTC); when the clocks skip over `wall`, the instant
 * they jump.
 */
function instantOf(wall: number, timeZone: string): number {
  // The offsets a day before and after cover any change near `wall`.
  const before = offsetAt(wall - 86_400_000, timeZone);
  const after = offsetAt(wall + 86_400_000, timeZone);
  const matches = [wall - before, wall - after]
    .filter((time) => time + offsetAt(time, timeZone) === wall);
  if (matches.length > 0) return Math.min(...matches);
  // Skipped: find the jump between the two offsets, to the minute.
  let low = wall - before - Math.abs(after - before);
  let high = wall - before;
  while (high - low > 60_000) {
    const middle = low + Math.floor((high - low) / 120_000) * 60_000;
    if (offsetAt(middle, timeZone) === before) low = middle;
    else high = middle;
  }
  return high;
}

/** How far `timeZone`'s clocks are ahead of UTC at `time`, in ms. */
function offsetAt(time: number, timeZone: string): number {
  const parts = formatter(timeZone).formatToParts(new Date(time));
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(
    part("year"),
    part("month") - 1,
    part("day"),
    part("hour"),
    part("minute"),
    part("second"),
  );
  return wall - Math.floor(time / 1000) * 1000;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
    });
    formatters.set(timeZone, format);
  }
  return format;
}

function isTimeZone(name: string): boolean {
  try {
    formatter(name);
    return true;
  } catch {
    return false;
  }
}

function minutesOf(text: string): number {
  const match = text.match(TIME_PATTERN);
  const minutes = match ? Number(match[1]) * 60 + Number(match[2]) : NaN;
  if (!(minutes <= MINUTES_PER_DAY)) {
    throw new SyntaxError(`Cannot read schedule: "${text}" is not a time from 00:00 to 24:00`);
  }
  return minutes;
}

function daysOf(text: string): ReadonlySet<number> {
  if (text.toLowerCase() === "daily") return new Set([0, 1, 2, 3, 4, 5, 6]);
  const days = new Set<number>();
  for (const item of text.split(",")) {
    const [first, last = first, extra] = item.split("-").map(dayOf);
    if (extra !== undefined) throw new SyntaxError(`Cannot read schedule: days "${item}"`);
    for (let day = first;; day = (day + 1) % 7) {
      days.add(day);
      if (day === last) break;
    }
  }
  return days;
}

function dayOf(text: string): number {
  const day = DAY_NAMES.indexOf(text.toLowerCase() as typeof DAY_NAMES[number]);
  if (day < 0) {
    throw new SyntaxError(
      `Cannot read schedule: "${text}" is not a day (Mon, Tue, Wed, Thu, Fri, Sat, Sun)`,
    );
  }
  return day;
}
