import { assertEquals, assertRejects } from "@std/assert";
import { Ec2Client } from "../../src/aws/ec2.ts";
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

const GAME_SERVER = "i-0b2c3d4e5f6071829";
const GAME_NAME = "game.demo.workwork.test";
const DEMO_KEY = "a-key-for-this-test-only";

/** A request as Workers run it, its `waitUntil` work collected. */
function withBackground() {
  const work: Promise<unknown>[] = [];
  const context = {
    waitUntil: (promise: Promise<unknown>) => work.push(promise),
    passThroughOnException: () => {},
    props: {},
  };
  return {
    context,
    settled: async () => {
      while (work.length) await work.shift();
    },
  };
}

Deno.test("in demo mode, starting the tagged game-server creates its record and stopping deletes it", async () => {
  const service = await createService({ DEMO: "true", API_KEY: DEMO_KEY }, { demo: createDemo });
  const { context, settled } = withBackground();
  const started = await service.app.request(
    `/instance/us-west-2/${GAME_SERVER}/start?wait=true&wait_seconds=30`,
    { method: "POST", headers: { "x-api-key": DEMO_KEY } },
    {},
    context,
  );
  assertEquals(started.status, 200);
  const body = await started.json();
  assertEquals(body.state, "running");
  assertEquals(
    body.dns.records.map((r: { name: string; type: string; result: string }) =>
      `${r.name} ${r.type} ${r.result}`
    ),
    [`${GAME_NAME} A created`, `${GAME_NAME} AAAA created`],
  );
  assertEquals(service.route53!.record(GAME_NAME, "A")?.values, [body.public_ip_address]);

  const stopped = await service.app.request(
    `/instance/us-west-2/${GAME_SERVER}/stop`,
    { method: "POST", headers: { "x-api-key": DEMO_KEY } },
    {},
    context,
  );
  assertEquals(stopped.status, 204);
  await settled();
  assertEquals(service.route53!.record(GAME_NAME, "A"), undefined);
  assertEquals(service.route53!.record(GAME_NAME, "AAAA"), undefined);
});

Deno.test("in demo mode, a box started behind the service's back gets its record at the next sweep", async () => {
  const service = await createService({
    DEMO: "true",
    API_KEY: DEMO_KEY,
    SWEEP_REGIONS: "us-west-2",
  }, { demo: createDemo });
  const consoleUser = new Ec2Client({
    credentials: { accessKeyId: "AKIDCONSOLE", secretAccessKey: "console-not-a-secret" },
    fetch: service.simulator!.fetch,
  });
  await consoleUser.startInstances("us-west-2", [GAME_SERVER]);
  // The simulator moves to running on its own clock (the real one in demo mode).
  while (service.simulator!.instance("us-west-2", GAME_SERVER)?.state !== "running") {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assertEquals(service.route53!.record(GAME_NAME, "A"), undefined);
  const report = await service.sweep("cron");
  const ip = service.simulator!.instance("us-west-2", GAME_SERVER)!.publicIpAddress;
  assertEquals(
    report!.dns!.map((entry) => [entry.instance_id, entry.state, entry.ok]),
    [[GAME_SERVER, "running", true]],
  );
  assertEquals(service.route53!.record(GAME_NAME, "A")?.values, [ip]);
});

Deno.test("a build without the demo refuses DEMO=true with a ConfigError naming the demo build", async () => {
  const error = await assertRejects(
    () => createService({ DEMO: "true", API_KEY: "a-key-for-this-test-only" }),
    ConfigError,
  );
  assertEquals(error.message.includes("deno task build:demo"), true);
});
