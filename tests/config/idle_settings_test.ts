import { assertEquals, assertThrows } from "@std/assert";
import { ConfigError, loadConfig } from "../../src/config/settings.ts";

const BASE = { API_KEY: "a-key-for-this-test-only" };
const SECRET = "a-link-secret-for-this-test-only-0123456789";

Deno.test("idle settings: defaults, and each variable read", () => {
  const none = loadConfig(BASE);
  assertEquals(
    [none.idleRule, none.warnBeforeMs, none.linkSecret, none.publicUrl, none.cloudWatchEndpoint],
    [null, 15 * 60_000, null, null, undefined],
  );
  const set = loadConfig({
    ...BASE,
    IDLE_STOP: "45m cpu<10%",
    WARN_BEFORE: "1h",
    LINK_SECRET: SECRET,
    PUBLIC_URL: "https://workwork.example.com/base",
    AWS_ENDPOINT_URL: "http://127.0.0.1:5000",
    AWS_ENDPOINT_URL_CLOUDWATCH: "http://127.0.0.1:4566",
  });
  assertEquals(set.idleRule, { windowMs: 45 * 60_000, thresholdPercent: 10 });
  assertEquals(set.warnBeforeMs, 3_600_000);
  assertEquals(set.linkSecret, SECRET);
  assertEquals(set.publicUrl, "https://workwork.example.com/base/");
  assertEquals(set.cloudWatchEndpoint, "http://127.0.0.1:4566/");
  assertEquals(loadConfig({ ...BASE, WARN_BEFORE: "0" }).warnBeforeMs, 0);
  assertEquals(
    loadConfig({ ...BASE, AWS_ENDPOINT_URL: "http://127.0.0.1:5000" }).cloudWatchEndpoint,
    "http://127.0.0.1:5000/",
  );
});

Deno.test("malformed idle settings stop start-up naming the variable, never a secret's value", () => {
  const cases: [Record<string, string>, string][] = [
    [
      { IDLE_STOP: "47m" },
      'IDLE_STOP is malformed: Cannot parse idle rule "47m": the duration must be a multiple of 5 minutes, the period of EC2\'s metrics',
    ],
    [
      { WARN_BEFORE: "soon" },
      'WARN_BEFORE must be a duration such as 15m or 1h (at most 1d), or "0" for no warnings',
    ],
    [
      { WARN_BEFORE: "2d" },
      'WARN_BEFORE must be a duration such as 15m or 1h (at most 1d), or "0" for no warnings',
    ],
    [
      { LINK_SECRET: "short-secret" },
      'LINK_SECRET must be at least 32 characters, e.g. from "openssl rand -base64 32"',
    ],
    [{ PUBLIC_URL: "workwork.example.com" }, "PUBLIC_URL must be an http or https URL"],
  ];
  for (const [env, message] of cases) {
    const error = assertThrows(() => loadConfig({ ...BASE, ...env }), ConfigError);
    assertEquals(error.message, message);
  }
});
