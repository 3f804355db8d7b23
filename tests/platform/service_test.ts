import { assertEquals, assertRejects } from "@std/assert";
import { ConfigError } from "../../src/config/settings.ts";
import { createDemo } from "../../src/platform/demo.ts";
import { createService } from "../../src/platform/service.ts";

Deno.test("the service's scheduled sweep stops demo instances past MAX_RUNTIME and notifies", async () => {
  const posted: string[] = [];
  const audit: string[] = [];
  const service = await createService({
    DEMO: "true",
    API_KEY: "a-key-for-this-test-only",
    SWEEP_REGIONS: "us-west-2",
    MAX_RUNTIME: "1h",
    NOTIFY_WEBHOOK_URL: "https://discord.com/api/webhooks/1/x",
    // No warning first: the stop happens in this run (tests/platform/idle_demo_test.ts warns).
    WARN_BEFORE: "0",
  }, {
    demo: createDemo,
    audit: (line) => audit.push(line),
    notifyFetch: async (request) => {
      posted.push((await request.json()).content);
      return new Response(null, { status: 204 });
    },
  });
  const report = await service.sweep("cron");
  const stopped = report!.actions.map(({ instance_id, outcome }) => [instance_id, outcome]);
  // The demo's dev-box has run for 2 hours.
  assertEquals(stopped, [["i-0a1b2c3d4e5f60718", "done"]]);
  assertEquals(service.simulator!.instance("us-west-2", "i-0a1b2c3d4e5f60718")?.state, "stopping");
  assertEquals(posted.length, 1);
  const entries = audit.map((line) => JSON.parse(line));
  assertEquals(entries.map(({ event, by, action }) => [event, by, action]), [[
    "sweep",
    "cron",
    "stop",
  ]]);
});

Deno.test("without SWEEP_REGIONS the scheduled sweep does nothing", async () => {
  const service = await createService({ DEMO: "true", API_KEY: "a-key-for-this-test-only" }, {
    demo: createDemo,
  });
  assertEquals(await service.sweep("cron"), null);
  assertEquals(service.simulator!.calls, []);
});

Deno.test("a build without the demo refuses DEMO=true with a ConfigError naming the demo build", async () => {
  const error = await assertRejects(
    () => createService({ DEMO: "true", API_KEY: "a-key-for-this-test-only" }),
    ConfigError,
  );
  assertEquals(error.message.includes("deno task build:demo"), true);
});
