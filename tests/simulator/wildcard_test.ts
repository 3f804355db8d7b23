import { assertEquals } from "@std/assert";
import { wildcardMatcher, type WorkMeter } from "../../src/simulator/_wildcard.ts";
import { KEYED, REGION, testService } from "../_helpers.ts";

Deno.test("EC2 wildcards: * any run, ? one character, \\ escapes", () => {
  const cases: [string, string, boolean][] = [
    ["dev-*", "dev-box", true],
    ["dev-*", "dev-", true],
    ["dev-*", "prod-box", false],
    ["*box", "dev-box", true],
    ["d?v-*", "dav-1", true],
    ["d?v", "dv", false],
    ["*", "", true],
    ["", "", true],
    ["", "x", false],
    ["a*b*c", "abc", true],
    ["a*b*c", "aXbYbZc", true],
    ["a*b*c", "acb", false],
    ["a*a", "a", false],
    ["ab*ba", "aba", false],
    ["*.*", "a.b", true],
    ["a.c", "abc", false],
    ["\\*", "*", true],
    ["\\*", "x", false],
    ["\\?", "?", true],
    ["a\\", "a\\", true],
    ["\\\\*", "\\x", true],
    ["?", "é", true],
    ["??", "😀", false],
    ["(a+)+", "(a+)+", true],
    ["[a]", "a", false],
  ];
  for (const [pattern, value, expected] of cases) {
    assertEquals(wildcardMatcher(pattern)(value), expected, `${pattern} ~ ${value}`);
  }
});

Deno.test("adversarial wildcards cost at most the value's length times the pattern's", () => {
  const value = "a".repeat(256);
  const patterns = [
    "*".repeat(12) + "X",
    "*a".repeat(5000) + "X",
    "a*".repeat(5000) + "b",
    "*?".repeat(300) + "*b",
    "*" + "a".repeat(255) + "b*",
    "?".repeat(100_000),
  ];
  for (const pattern of patterns) {
    const meter: WorkMeter = { steps: 0 };
    assertEquals(wildcardMatcher(pattern)(value, meter), false, pattern.slice(0, 20));
    const bound = (value.length + 1) * (pattern.length + 1);
    assertEquals(meter.steps <= bound, true, `${meter.steps} steps > ${bound}`);
  }
});

Deno.test("a listing with twelve stars and an X in a tag filter answers at once, with nothing matched", async () => {
  const { app } = await testService();
  const filter = encodeURIComponent("*".repeat(12) + "X");
  const response = await app.request(`/instance/${REGION}?tag:start_time=${filter}`, {
    headers: KEYED,
  });
  assertEquals(response.status, 200);
  assertEquals((await response.json()).instances, []);
  const many = encodeURIComponent("*".repeat(2000) + "X");
  const again = await app.request(`/instance/${REGION}?tag:start_time=${many}`, {
    headers: KEYED,
  });
  assertEquals(again.status, 200);
});
