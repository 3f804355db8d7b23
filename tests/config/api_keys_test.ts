import { assertEquals, assertRejects, assertStringIncludes, assertThrows } from "@std/assert";
import { ConfigError, loadConfig } from "../../src/config/settings.ts";
import { createService } from "../../src/platform/service.ts";
import { createDemo } from "../../src/platform/demo.ts";
import { errorOf } from "../_helpers.ts";

const CREDENTIALS = { AWS_ACCESS_KEY_ID: "AKID", AWS_SECRET_ACCESS_KEY: "secret" };
const CI_KEY = "ci-key-8c0f2f7e5d2b4a41";
const PHONE_KEY = "phone-key-1f3a9b2c7d6e";

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** The demo service (simulator inside) with `env`; the simulator has the demo's instances. */
async function demoWith(env: Record<string, string>) {
  return await createService({ DEMO: "true", ...env }, { demo: createDemo });
}

Deno.test("API_KEYS entries work by key and by key_sha256, each within its scope", async () => {
  const keys = [
    {
      name: "ci",
      key_sha256: await sha256Hex(CI_KEY),
      regions: ["us-west-2"],
      actions: ["read", "start"],
    },
    { name: "phone", key: PHONE_KEY, instances: ["i-0a1b2c3d4e5f60718"] },
  ];
  const { app, simulator } = await demoWith({ API_KEYS: JSON.stringify(keys) });
  const demoId = "i-0a1b2c3d4e5f60718";
  const read = await app.request(`/instance/us-west-2/${demoId}`, {
    headers: { "x-api-key": CI_KEY },
  });
  assertEquals(read.status, 200);
  const stop = await app.request(`/instance/us-west-2/${demoId}/stop`, {
    method: "POST",
    headers: { "x-api-key": CI_KEY },
  });
  assertEquals(stop.status, 403);
  assertEquals(await errorOf(stop), { id: "scope", title: "This key may not stop" });
  assertEquals(simulator!.calls.some(({ action }) => action === "StopInstances"), false);
  const phone = await app.request(`/instance/us-west-2/${demoId}/stop`, {
    method: "POST",
    headers: { authorization: `Bearer ${PHONE_KEY}` },
  });
  assertEquals(phone.status, 204);
});

Deno.test("API_KEY keeps full access next to API_KEYS, and rotation is two keys in one scope", async () => {
  const scope = { regions: ["us-west-2"], actions: ["read"] };
  const { app } = await demoWith({
    API_KEY: "the-full-access-key",
    API_KEYS: JSON.stringify([
      { name: "reader-2026-10", key: "old-reader-key", ...scope },
      { name: "reader-2026-11", key: "new-reader-key", ...scope },
    ]),
  });
  const path = `/instance/us-west-2/i-0a1b2c3d4e5f60718`;
  for (const key of ["the-full-access-key", "old-reader-key", "new-reader-key"]) {
    assertEquals((await app.request(path, { headers: { "x-api-key": key } })).status, 200, key);
  }
  const full = await app.request(`${path}/reboot`, {
    method: "POST",
    headers: { "x-api-key": "the-full-access-key" },
  });
  assertEquals(full.status, 204);
  const reader = await app.request(`${path}/reboot`, {
    method: "POST",
    headers: { "x-api-key": "new-reader-key" },
  });
  assertEquals(reader.status, 403);
});

Deno.test("API_KEYS alone is enough outside demo mode; neither key at all stops start-up", () => {
  const config = loadConfig({ ...CREDENTIALS, API_KEYS: `[{"name":"ci","key":"k"}]` });
  assertEquals(config.apiKey, null);
  assertEquals(config.apiKeys.map(({ name }) => name), ["ci"]);
  assertThrows(
    () => loadConfig({ ...CREDENTIALS, API_KEYS: "[]" }),
    ConfigError,
    "API_KEY is required",
  );
});

Deno.test("a malformed API_KEYS stops start-up naming the entry and field, never the key", () => {
  const secret = "s3cret-key-value-never-shown";
  const hash = "ab".repeat(32);
  const cases: [string, string][] = [
    [`[{"name":"ci","key":"${secret}"`, "API_KEYS is malformed: not valid JSON"],
    [`{"name":"ci","key":"${secret}"}`, "must be a JSON array"],
    [`["${secret}"]`, "entry 0 must be an object"],
    [`[{"key":"${secret}"}]`, `entry 0: "name" must be`],
    [`[{"name":"ci"}]`, `entry 0 ("ci"): give exactly one of "key" and "key_sha256"`],
    [`[{"name":"ci","key":"${secret}","key_sha256":"${hash}"}]`, "exactly one of"],
    [`[{"name":"ci","key":""}]`, `"key" must be a non-empty string`],
    [`[{"name":"ci","key":" ${secret}"}]`, "surrounding spaces"],
    [`[{"name":"ci","key_sha256":"${secret}"}]`, `"key_sha256" must be 64 hex digits`],
    [`[{"name":"ci","key":"${secret}","region":["us-west-2"]}]`, `unknown field "region"`],
    [`[{"name":"ci","key":"${secret}","regions":["mars-1"]}]`, `"regions" has "mars-1"`],
    [`[{"name":"ci","key":"${secret}","regions":[]}]`, `"regions" must be a non-empty list`],
    [`[{"name":"ci","key":"${secret}","instances":["i-xyz"]}]`, `"instances" has "i-xyz"`],
    [`[{"name":"ci","key":"${secret}","actions":["destroy"]}]`, `"actions" has "destroy"`],
    [`[{"name":"ci","key":"${secret}","actions":"read"}]`, `"actions" must be a non-empty list`],
    [`[{"name":"ci","key":"${secret}","tags":{"team":7}}]`, `tag "team" must have a string`],
    [`[{"name":"ci","key":"${secret}","tags":["team"]}]`, `"tags" must be an object`],
    [`[{"name":"ci","key":"${secret}","tags":{}}]`, `"tags" must name at least one`],
    [`[{"name":"a","key":"x1"},{"name":"a","key":"x2"}]`, `the name "a" is used twice`],
    [`[{"name":"ci","${secret}":"k"}]`, `unknown field with a long or odd name`],
  ];
  for (const [value, message] of cases) {
    const error = assertThrows(
      () => loadConfig({ ...CREDENTIALS, API_KEY: "k", API_KEYS: value }),
      ConfigError,
      message,
    );
    assertStringIncludes(error.message, "API_KEYS");
    assertEquals(error.message.includes(secret), false, error.message);
  }
});

Deno.test("API_KEYS refuses a name API_KEY holds and two entries with one key, naming no key", async () => {
  const cases: [Record<string, string>, string][] = [
    [{ API_KEY: "full", API_KEYS: `[{"name":"default","key":"other"}]` }, `"default" is taken`],
    [
      {
        API_KEYS: `[{"name":"a","key":"same-key"},{"name":"b","key_sha256":"${await sha256Hex(
          "same-key",
        )}"}]`,
      },
      `"b" holds the same key as "a"`,
    ],
    [{ API_KEY: "same-key", API_KEYS: `[{"name":"b","key":"same-key"}]` }, `same key as "default"`],
  ];
  for (const [env, message] of cases) {
    const error = await assertRejects(
      () => createService({ ...CREDENTIALS, ...env }),
      ConfigError,
      message,
    );
    assertEquals(error.message.includes("same-key"), false, error.message);
  }
});

Deno.test("a __proto__ tag in API_KEYS is a tag like any other, not a prototype", () => {
  const config = loadConfig({
    ...CREDENTIALS,
    API_KEYS: `[{"name":"ci","key":"k1","tags":{"__proto__":"x","team":"web"}}]`,
  });
  const tags = config.apiKeys[0].scope.tags!;
  assertEquals(Object.keys(tags).sort(), ["__proto__", "team"]);
  assertEquals(Object.getPrototypeOf(tags), Object.prototype);
  assertEquals(({} as Record<string, unknown>).x, undefined);
});

Deno.test("a tag-scoped key from API_KEYS changes only instances carrying the tag", async () => {
  const { app, simulator } = await demoWith({
    API_KEYS: JSON.stringify([{ name: "dev", key: "dev-team-key", tags: { Name: "dev-box" } }]),
  });
  const reboot = (id: string) =>
    app.request(`/instance/us-west-2/${id}/reboot`, {
      method: "POST",
      headers: { "x-api-key": "dev-team-key" },
    });
  const denied = await reboot("i-0c3d4e5f607182930");
  assertEquals(denied.status, 403);
  assertEquals(await errorOf(denied), {
    id: "scope",
    title: "This key may only act on instances tagged Name=dev-box",
  });
  assertEquals(simulator!.instance("us-west-2", "i-0c3d4e5f607182930")?.reboots, 0);
  assertEquals((await reboot("i-0a1b2c3d4e5f60718")).status, 204);
  assertEquals(simulator!.instance("us-west-2", "i-0a1b2c3d4e5f60718")?.reboots, 1);
});

Deno.test("API_KEYS takes hold as an action: a key with only read and hold may keep, not stop", async () => {
  const keys = [{ name: "keeper", key: CI_KEY, actions: ["read", "hold"] }];
  const { app, simulator } = await demoWith({ API_KEYS: JSON.stringify(keys) });
  const demoId = "i-0a1b2c3d4e5f60718";
  const headers = { "x-api-key": CI_KEY };
  const held = await app.request(`/instance/us-west-2/${demoId}/hold?hours=1`, {
    method: "POST",
    headers,
  });
  assertEquals(held.status, 200);
  assertEquals(
    typeof simulator?.instance("us-west-2", demoId)?.tags["workwork:hold_until"],
    "string",
  );
  const stop = await app.request(`/instance/us-west-2/${demoId}/stop`, { method: "POST", headers });
  assertEquals(stop.status, 403);
  await stop.body?.cancel();
  assertThrows(
    () =>
      loadConfig({
        ...CREDENTIALS,
        API_KEYS: JSON.stringify([{ name: "x", key: "k", actions: ["keep"] }]),
      }),
    ConfigError,
    "hold",
  );
});
