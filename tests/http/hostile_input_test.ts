/**
 * Huge inputs built against each parser that reads client or tag text. Each
 * is linear, so these finish at once; a parser that backtracked would not
 * finish at all (the test runner's own limits catch it). No timing is asserted.
 */
import { assertEquals, assertThrows } from "@std/assert";
import { bearerToken } from "../../src/http/middleware/auth.ts";
import { derivedSigningKey, verifyToken } from "../../src/domain/signed_token.ts";
import { isJsonType } from "../../src/http/request_body.ts";
import { parseIsoTime } from "../../src/domain/times.ts";
import { limiterKey } from "../../src/http/middleware/rate_limit.ts";
import { parseDuration, parseSchedule } from "../../src/domain/schedule.ts";
import { errorOf, REGION, RUNNING_ID, testService } from "../_helpers.ts";

const BIG = 200_000;

Deno.test("durations, ISO times and schedules built to backtrack are refused in one pass", () => {
  for (
    const text of [
      "1".repeat(BIG),
      "1".repeat(BIG) + "x",
      "1d".repeat(BIG / 2),
      "9".repeat(BIG) + "d" + "9".repeat(BIG) + "h!",
      " ".repeat(BIG) + "1h" + " ".repeat(BIG) + "x",
    ]
  ) {
    assertEquals(parseDuration(text), null, text.slice(0, 12));
  }
  for (
    const text of [
      "2026-01-01T00:00:00." + "1".repeat(BIG) + "x",
      "2026-01-01T00:00:00." + "1".repeat(BIG) + "+0",
      "2026-".repeat(BIG / 5),
      "9".repeat(BIG),
    ]
  ) {
    assertEquals(parseIsoTime(text), null, text.slice(0, 24));
  }
  assertEquals(
    parseIsoTime("2026-01-01T00:00:00." + "1".repeat(BIG)),
    Date.UTC(2026, 0, 1, 0, 0, 0, 111),
  );
  const days = "Mon,".repeat(BIG / 4) + "Fri";
  assertEquals([...parseSchedule(`${days} 08:00-19:00 Europe/Berlin`).days].sort(), [1, 5]);
  for (
    const text of [
      "Mon-".repeat(BIG / 4) + "Fri 08:00-19:00 Europe/Berlin",
      "Mon " + "08:00-".repeat(BIG / 6) + "19:00 UTC",
      "Mon 08:00-19:00 " + "Europe/".repeat(BIG / 7),
      "Mon\t".repeat(BIG / 4),
    ]
  ) {
    assertThrows(() => parseSchedule(text), SyntaxError);
  }
});

Deno.test("the header parsers read huge values in one pass", async () => {
  assertEquals(bearerToken("Bearer " + " ".repeat(BIG) + "x" + " ".repeat(BIG) + "y"), undefined);
  assertEquals(bearerToken("Bearer " + " ".repeat(BIG) + "x" + " ".repeat(BIG)), "x");
  assertEquals(bearerToken("bearer\t" + "k".repeat(BIG)), "k".repeat(BIG));
  assertEquals(bearerToken("Bearerx"), undefined);
  assertEquals(isJsonType("application/" + "+".repeat(BIG) + "x"), false);
  assertEquals(isJsonType("application/" + "a+".repeat(BIG) + "json"), true);
  assertEquals(isJsonType(" Application/JSON ; charset=utf-8"), true);
  assertEquals(limiterKey(":".repeat(BIG)), ":".repeat(BIG));
  assertEquals(limiterKey("1:".repeat(BIG) + "1"), "1:".repeat(BIG) + "1");
  const key = await derivedSigningKey("secret", "test");
  assertEquals(await verifyToken("a.".repeat(BIG), key, "test", 0), {
    valid: false,
    reason: "malformed",
  });
});

Deno.test("huge cookies and Authorization headers through the app get a JSON 4xx", async () => {
  const { app, simulator } = await testService();
  const read = `/instance/${REGION}/${RUNNING_ID}`;
  const headers: Record<string, string>[] = [
    { cookie: ";=".repeat(20_000) },
    { cookie: "a=" + '"'.repeat(40_000) },
    { cookie: "__Host-workwork_session=" + "a.".repeat(20_000), "sec-fetch-site": "same-origin" },
    { authorization: "Bearer " + " ".repeat(40_000) + "x y" },
    { authorization: "Bearer " + "k".repeat(40_000) },
  ];
  for (const [n, header] of headers.entries()) {
    const response = await app.request(read, { headers: header }, {
      clientAddress: `192.0.2.${n}`,
    });
    assertEquals(response.status >= 400 && response.status < 500, true, `case ${n}`);
    assertEquals((await errorOf(response)).id, "api_key", `case ${n}`);
  }
  assertEquals(simulator.calls, []);
});
