import { assertEquals } from "@std/assert";
import { parseIsoTime } from "../../src/domain/times.ts";

Deno.test("ISO 8601 times read with Z, an offset, or none (UTC), to the millisecond", () => {
  assertEquals(parseIsoTime("2026-12-01T18:00:00Z"), Date.UTC(2026, 11, 1, 18));
  assertEquals(parseIsoTime("2026-12-01T19:00:00+01:00"), Date.UTC(2026, 11, 1, 18));
  assertEquals(parseIsoTime("2026-12-01T13:00:00-0500"), Date.UTC(2026, 11, 1, 18));
  assertEquals(parseIsoTime("2026-12-01T18:00"), Date.UTC(2026, 11, 1, 18));
  assertEquals(parseIsoTime("2026-12-01"), Date.UTC(2026, 11, 1));
  // The original's datetime.utcnow().isoformat(): microseconds, no zone.
  assertEquals(parseIsoTime("2016-02-16T18:04:09.006739"), Date.UTC(2016, 1, 16, 18, 4, 9, 6));
  assertEquals(parseIsoTime("2026-11-26T19:36:55.7z"), Date.UTC(2026, 10, 26, 19, 36, 55, 700));
});

Deno.test("loose text and impossible dates are not times", () => {
  // Date.parse reads each of these as some date, most in 2001.
  for (
    const text of [
      "Dec 1",
      "1",
      "12",
      "Friday 5",
      "hold 2",
      "x 99",
      "2026-02-30T00:00:00Z",
      "2026-13-01",
      "2026-12-01T24:00:00Z",
      "2026-12-01T18:00:00+25:00",
      "2026-12-01 18:00:00",
      "",
      "tomorrow",
    ]
  ) {
    assertEquals(parseIsoTime(text), null, text);
  }
});
