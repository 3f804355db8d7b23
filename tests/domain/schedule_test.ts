import { assertEquals, assertThrows } from "@std/assert";
import {
  formatDuration,
  isInsideWindow,
  parseDuration,
  parseSchedule,
} from "../../src/domain/schedule.ts";

function inside(schedule: string, at: string): boolean {
  return isInsideWindow(parseSchedule(schedule), new Date(at));
}

const BERLIN = "Mon-Fri 08:00-19:00 Europe/Berlin";

Deno.test("durations read as minutes, hours and days", () => {
  assertEquals(parseDuration("90m"), 90 * 60_000);
  assertEquals(parseDuration("4h"), 4 * 3_600_000);
  assertEquals(parseDuration("2d"), 48 * 3_600_000);
  assertEquals(parseDuration("1d12h"), 36 * 3_600_000);
  assertEquals(parseDuration(" 1H30M "), 90 * 60_000);
  for (const bad of ["", "0m", "4", "h", "4 h", "-1h", "1.5h", "30m1h", "4hours"]) {
    assertEquals(parseDuration(bad), null, bad);
  }
  assertEquals(formatDuration(4 * 3_600_000 + 10 * 60_000 + 59_000), "4h 10m");
  assertEquals(formatDuration(49 * 3_600_000), "2d 1h");
});

Deno.test("office hours in Berlin follow the spring change on 2026-03-29", () => {
  // Friday before: CET, UTC+1. 08:00 local is 07:00 UTC.
  assertEquals(inside(BERLIN, "2026-03-27T06:30:00Z"), false);
  assertEquals(inside(BERLIN, "2026-03-27T07:30:00Z"), true);
  assertEquals(inside(BERLIN, "2026-03-27T17:59:00Z"), true);
  assertEquals(inside(BERLIN, "2026-03-27T18:00:00Z"), false);
  // Monday after: CEST, UTC+2. 08:00 local is 06:00 UTC.
  assertEquals(inside(BERLIN, "2026-03-30T05:30:00Z"), false);
  assertEquals(inside(BERLIN, "2026-03-30T06:30:00Z"), true);
  assertEquals(inside(BERLIN, "2026-03-30T16:30:00Z"), true);
  assertEquals(inside(BERLIN, "2026-03-30T17:30:00Z"), false);
  // The weekend in between is outside.
  assertEquals(inside(BERLIN, "2026-03-28T10:00:00Z"), false);
  assertEquals(inside(BERLIN, "2026-03-29T10:00:00Z"), false);
});

Deno.test("office hours in Berlin follow the autumn change on 2026-10-25", () => {
  assertEquals(inside(BERLIN, "2026-10-23T06:30:00Z"), true);
  assertEquals(inside(BERLIN, "2026-10-26T06:30:00Z"), false);
  assertEquals(inside(BERLIN, "2026-10-26T07:30:00Z"), true);
  assertEquals(inside(BERLIN, "2026-10-26T17:30:00Z"), true);
  assertEquals(inside(BERLIN, "2026-10-26T18:30:00Z"), false);
});

Deno.test("a window through the skipped hour of the spring night still opens and closes", () => {
  const night = "daily 01:00-04:00 Europe/Berlin";
  assertEquals(inside(night, "2026-03-28T23:30:00Z"), false); // 00:30 CET
  assertEquals(inside(night, "2026-03-29T00:30:00Z"), true); // 01:30 CET
  assertEquals(inside(night, "2026-03-29T01:30:00Z"), true); // 03:30 CEST
  assertEquals(inside(night, "2026-03-29T02:30:00Z"), false); // 04:30 CEST
});

Deno.test("New York office hours follow its own change on 2026-03-08, not Europe's", () => {
  const newYork = "Mon-Fri 09:00-17:00 America/New_York";
  assertEquals(inside(newYork, "2026-03-06T13:30:00Z"), false); // 08:30 EST
  assertEquals(inside(newYork, "2026-03-06T14:30:00Z"), true); // 09:30 EST
  assertEquals(inside(newYork, "2026-03-09T13:30:00Z"), true); // 09:30 EDT
  assertEquals(inside(newYork, "2026-03-09T21:30:00Z"), false); // 17:30 EDT
  assertEquals(inside(newYork, "2026-11-02T13:30:00Z"), false); // 08:30 EST again
});

Deno.test("a window past midnight belongs to the day it opens", () => {
  const friday = "Fri 18:00-02:00 America/New_York";
  assertEquals(inside(friday, "2026-03-06T23:30:00Z"), true); // Fri 18:30 EST
  assertEquals(inside(friday, "2026-03-07T06:30:00Z"), true); // Sat 01:30 EST
  assertEquals(inside(friday, "2026-03-07T07:30:00Z"), false); // Sat 02:30 EST
  assertEquals(inside(friday, "2026-03-06T06:30:00Z"), false); // Fri 01:30: Thursday closed
});

Deno.test("days read as lists and ranges, wrapping over the weekend", () => {
  assertEquals([...parseSchedule("Mon,Wed-Fri 08:00-18:00 UTC").days].sort(), [1, 3, 4, 5]);
  assertEquals([...parseSchedule("fri-mon 08:00-18:00 UTC").days].sort(), [0, 1, 5, 6]);
  assertEquals(parseSchedule("daily 00:00-24:00 UTC").days.size, 7);
  assertEquals(inside("daily 00:00-24:00 UTC", "2026-03-06T23:59:00Z"), true);
  assertEquals(parseSchedule(`${BERLIN} autostart`).autostart, true);
  assertEquals(parseSchedule(BERLIN).autostart, false);
});

Deno.test("a malformed schedule is refused with what is wrong", () => {
  const cases: [string, string][] = [
    ["Mon-Fri 08:00-19:00", "expected"],
    ["Mon-Fri 08:00-19:00 Europe/Nowhere", "is not an IANA time zone"],
    ["Mon-Fry 08:00-19:00 UTC", '"Fry" is not a day'],
    ["Mon-Fri 8-19 UTC", "is not a time"],
    ["Mon-Fri 08:00 UTC", "are not"],
    ["Mon-Fri 25:00-26:00 UTC", "is not a time"],
    ["Mon-Fri 08:00-08:00 UTC", "same time"],
  ];
  for (const [text, message] of cases) {
    assertThrows(() => parseSchedule(text), SyntaxError, message);
  }
});

Deno.test("in the repeated hour of an autumn change a window opens and closes once", () => {
  // Berlin, 2026-10-25: 03:00 CEST goes back to 02:00 CET, so 02:00-03:00 shows twice.
  // Opened at 02:15 CEST (00:15Z); at 01:05Z the clock reads 02:05 again: still inside.
  assertEquals(inside("daily 02:15-10:00 Europe/Berlin", "2026-10-25T01:05:00Z"), true);
  assertEquals(inside("daily 02:15-10:00 Europe/Berlin", "2026-10-25T00:05:00Z"), false);
  // Closed at the first 02:30 (00:30Z); the second 02:05 (01:05Z) does not open it again.
  assertEquals(inside("daily 00:00-02:30 Europe/Berlin", "2026-10-25T00:05:00Z"), true);
  assertEquals(inside("daily 00:00-02:30 Europe/Berlin", "2026-10-25T01:05:00Z"), false);
  assertEquals(inside("Sat 22:00-02:30 Europe/Berlin", "2026-10-25T01:05:00Z"), false);
  // New York, 2026-11-01: 02:00 EDT goes back to 01:00 EST.
  assertEquals(inside("daily 01:30-08:00 America/New_York", "2026-11-01T06:10:00Z"), true);
  // Lord Howe moves half an hour: 02:00 LHDT (+11) back to 01:30 LHST (+10:30), 2026-04-05.
  assertEquals(inside("daily 01:45-08:00 Australia/Lord_Howe", "2026-04-04T15:05:00Z"), true);
});

Deno.test("a window opening in the skipped hour of a spring change opens as the clocks jump", () => {
  // Berlin, 2026-03-29: 02:00 CET jumps to 03:00 CEST at 01:00Z; 02:30 never shows.
  assertEquals(inside("daily 02:30-10:00 Europe/Berlin", "2026-03-29T00:59:00Z"), false);
  assertEquals(inside("daily 02:30-10:00 Europe/Berlin", "2026-03-29T01:00:00Z"), true);
  // Offsets that are not whole hours.
  assertEquals(inside("daily 09:00-17:00 Asia/Kolkata", "2026-11-26T03:30:00Z"), true);
  assertEquals(inside("daily 09:00-17:00 Asia/Kolkata", "2026-11-26T03:29:00Z"), false);
  assertEquals(inside("daily 09:00-17:00 Pacific/Chatham", "2026-11-25T19:15:00Z"), true);
});
