import { assert, assertEquals, assertMatch, assertStringIncludes } from "@std/assert";
import { CloudWatchClient } from "../../src/aws/cloudwatch.ts";
import { createDemo } from "../../src/platform/demo.ts";
import { createService } from "../../src/platform/service.ts";

const IDLE_DEMO = "i-0c3d4e5f607182930";
const PUBLIC_URL = "https://workwork.example.com";
const LINK_SECRET = "a-link-secret-for-this-test-only-0123456789";
const MINUTE = 60_000;

async function demo() {
  const clock = { now: Date.parse("2026-11-26T12:00:00.000Z") };
  const posted: string[] = [];
  const audit: Record<string, unknown>[] = [];
  const service = await createService({
    DEMO: "true",
    API_KEY: "a-key-for-this-test-only",
    SWEEP_REGIONS: "us-west-2",
    NOTIFY_WEBHOOK_URL: "https://hooks.example.com/services/T0/B0/x",
    LINK_SECRET,
    PUBLIC_URL,
  }, {
    demo: createDemo,
    now: () => new Date(clock.now),
    audit: (line) => audit.push(JSON.parse(line)),
    notifyFetch: async (request) => {
      posted.push((await request.json()).text);
      return new Response(null, { status: 204 });
    },
  });
  const state = () => service.simulator!.instance("us-west-2", IDLE_DEMO)!;
  return { service, clock, posted, audit, state };
}

/** The link of `label` ("Keep 1 h", "Stop now") in a warning, as a path of the service. */
function linkIn(message: string, label: string): string {
  const url = message.split("\n").find((line) => line.startsWith(`${label}: `))?.slice(
    label.length + 2,
  );
  assert(url?.startsWith(`${PUBLIC_URL}/link/`), `no ${label} link in ${message}`);
  return url!.slice(PUBLIC_URL.length);
}

Deno.test("in demo mode a box left idle is warned about, kept from the link on a phone, and stopped when the window passes", async () => {
  const { service, clock, posted, audit, state } = await demo();
  // The demo box has run 15 min: its 30 min rule cannot judge it yet.
  let report = (await service.sweep("cron"))!;
  assertEquals([report.actions, report.warnings, posted], [[], [], []]);

  // 40 min on, nobody used it: a warning, with its links, and no stop yet.
  clock.now += 40 * MINUTE;
  report = (await service.sweep("cron"))!;
  assertEquals(report.actions, []);
  assertEquals(
    report.warnings.map(({ instance_id, outcome, stop_at }) => [instance_id, outcome, stop_at]),
    [
      [IDLE_DEMO, "done", "2026-11-26T12:55:00.000Z"],
    ],
  );
  assertEquals(posted.length, 1);
  assertStringIncludes(
    posted[0],
    "demo (i-0c3d4e5f607182930, us-west-2) will be stopped in 15 min unless it is used",
  );
  assertMatch(posted[0], /idle 30 min: CPU max \d+(\.\d+)?% < 5%, no heartbeat/);
  assertEquals(state().tags["workwork:warned"], "2026-11-26T12:55:00.000Z");
  assertEquals(state().state, "running");

  // A second run before the stop time sends nothing new.
  clock.now += 5 * MINUTE;
  report = (await service.sweep("cron"))!;
  assertEquals([report.actions, report.warnings, posted.length], [[], [], 1]);

  // On the phone: the link opens a page, and opening it changes nothing.
  const keep = linkIn(posted[0], "Keep 1 h");
  const calls = service.simulator!.calls.length;
  const page = await service.app.request(keep, { headers: { "user-agent": "Mobile Safari" } });
  assertEquals(page.status, 200);
  assertStringIncludes(page.headers.get("content-type") ?? "", "text/html");
  const html = await page.text();
  assertStringIncludes(html, 'name="viewport" content="width=device-width, initial-scale=1"');
  assertStringIncludes(
    html,
    '<form method="post"><button type="submit">Keep it running 1 hour</button>',
  );
  assertEquals(service.simulator!.calls.length, calls, "a GET calls no EC2");
  assertEquals(state().tags["workwork:hold_until"], undefined);
  // The button's POST keeps it: an hour from now, and the planned stop is off.
  const kept = await service.app.request(keep, { method: "POST" });
  assertEquals(kept.status, 200);
  assertStringIncludes(
    await kept.text(),
    "Kept: the sweep leaves it running until 2026-11-26 13:45 UTC",
  );
  assertEquals(state().tags["workwork:hold_until"], "2026-11-26T13:45:00.000Z");
  assertEquals(state().tags["workwork:warned"], "");
  assertEquals(
    audit.filter(({ event }) => event === "link").map((
      { action, instance_id, outcome },
    ) => [action, instance_id, outcome]),
    [
      ["keep_1h", IDLE_DEMO, "done"],
    ],
  );

  // Past the planned stop, the hold keeps it running.
  clock.now += 15 * MINUTE;
  report = (await service.sweep("cron"))!;
  assertEquals([report.actions, report.warnings, state().state], [[], [], "running"]);

  // The hold ends, the box is still idle: a new warning, then the stop.
  clock.now = Date.parse("2026-11-26T13:46:00.000Z");
  report = (await service.sweep("cron"))!;
  assertEquals(report.warnings.map(({ stop_at }) => stop_at), ["2026-11-26T14:01:00.000Z"]);
  assertEquals(posted.length, 2);
  clock.now = Date.parse("2026-11-26T14:01:00.000Z");
  report = (await service.sweep("cron"))!;
  assertEquals(
    report.actions.map(({ instance_id, action, outcome }) => [instance_id, action, outcome]),
    [
      [IDLE_DEMO, "stop", "done"],
    ],
  );
  assertMatch(report.actions[0].reason, /^idle 30 min: CPU max \d+(\.\d+)?% < 5%, no heartbeat$/);
  assertEquals(state().state, "stopping");
  assertStringIncludes(
    posted[2],
    "workwork: stopped demo (i-0c3d4e5f607182930, us-west-2), by sweep (cron): idle 30 min",
  );
  const events = audit.map(({ event }) => event);
  assertEquals(events, ["sweep_warning", "link", "sweep_warning", "sweep"]);
  // The other demo boxes look busy: none was warned about or stopped.
  assertEquals(service.simulator!.instance("us-west-2", "i-0a1b2c3d4e5f60718")!.state, "running");
});

Deno.test("in demo mode CloudWatch shows busy CPU for boxes in use, idle CPU for the tagged one, none once stopped", async () => {
  const { service, clock } = await demo();
  const client = new CloudWatchClient({
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "any-secret-for-the-simulator" },
    fetch: service.cloudwatchSimulator!.fetch,
  });
  const devBox = "i-0a1b2c3d4e5f60718";
  const hour = { startTime: clock.now - 60 * MINUTE, endTime: clock.now };
  const series = await client.cpuMaxima("us-west-2", [devBox, IDLE_DEMO], hour);
  const busy = series.get(devBox)!.points.map(({ value }) => value);
  const idle = series.get(IDLE_DEMO)!.points.map(({ value }) => value);
  // dev-box has run 2 hours: every period of the hour but the last, still being published.
  assertEquals(busy.length, 11);
  assert(Math.max(...busy) > 10, `dev-box looks busy: ${busy}`);
  // The tagged demo box started 15 min ago: points from then on, all under 5 %.
  assertEquals(idle.length, 2);
  assert(Math.max(...idle) < 5, `demo idles: ${idle}`);
  // Stopped through the API, dev-box has no points from then on.
  const stop = await service.app.request(`/instance/us-west-2/${devBox}/stop`, {
    method: "POST",
    headers: { "x-api-key": "a-key-for-this-test-only" },
  });
  assertEquals(stop.status, 204);
  const stoppedAt = clock.now;
  clock.now += 60 * MINUTE;
  service.simulator!.instance("us-west-2", devBox);
  const after = await client.cpuMaxima("us-west-2", [devBox], {
    startTime: stoppedAt + 5 * MINUTE,
    endTime: clock.now,
  });
  assertEquals(after.get(devBox)!.points, []);
});
