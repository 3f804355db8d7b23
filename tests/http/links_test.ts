import { assertEquals, assertStringIncludes } from "@std/assert";
import { LinkSigner } from "../../src/domain/links.ts";
import {
  errorOf,
  KEYED,
  LINK_SECRET,
  PUBLIC_URL,
  REGION,
  RUNNING_ID,
  testService,
} from "../_helpers.ts";

const HOUR = 3_600_000;

async function linked() {
  const service = await testService({
    transitionMs: 0,
    links: { secret: LINK_SECRET, publicUrl: PUBLIC_URL },
  });
  const path = async (
    action: "keep_1h" | "keep_4h" | "stop" | "start",
    expires = service.clock.now + HOUR,
  ) =>
    (await service.links!.url({ action, region: REGION, instanceId: RUNNING_ID, expires })).slice(
      PUBLIC_URL.length - 1,
    );
  const linkAudits = () =>
    service.audit.map((line) => JSON.parse(line)).filter(({ event }) => event === "link");
  return { ...service, path, linkAudits };
}

Deno.test("a link's GET shows one button and changes nothing; its POST keeps the instance 4 hours, audited", async () => {
  const { app, simulator, path, clock, linkAudits } = await linked();
  const keep = await path("keep_4h");
  const page = await app.request(keep);
  assertEquals(page.status, 200);
  const html = await page.text();
  assertStringIncludes(html, "Keep it running 4 hours");
  assertEquals(html.match(/<button/g)?.length, 1);
  assertEquals(page.headers.get("referrer-policy"), "no-referrer");
  assertStringIncludes(page.headers.get("content-security-policy") ?? "", "default-src 'none'");
  assertEquals(simulator.calls, []);
  clock.now += 10 * 60_000;
  const done = await app.request(keep, { method: "POST" });
  assertEquals(done.status, 200);
  assertEquals(
    simulator.instance(REGION, RUNNING_ID)?.tags["workwork:hold_until"],
    "2026-11-26T16:10:00.000Z",
  );
  assertEquals(
    linkAudits().map((
      { action, instance_id, hold_until, outcome },
    ) => [action, instance_id, hold_until, outcome]),
    [
      ["keep_4h", RUNNING_ID, "2026-11-26T16:10:00.000Z", "done"],
    ],
  );
});

Deno.test("a stop link stops the instance on POST only", async () => {
  const { app, simulator, path } = await linked();
  const stop = await path("stop");
  await app.request(stop);
  await app.request(stop, { method: "HEAD" });
  assertEquals(simulator.instance(REGION, RUNNING_ID)?.state, "running");
  const done = await app.request(stop, { method: "POST" });
  assertEquals(done.status, 200);
  assertStringIncludes(await done.text(), "Stopping");
  assertEquals(simulator.instance(REGION, RUNNING_ID)?.state, "stopped");
});

Deno.test("expired, forged, altered or foreign links are refused in JSON and change nothing", async () => {
  const { app, simulator, path, clock } = await linked();
  const expired = await path("stop", clock.now - 1);
  const gone = await app.request(expired, { method: "POST" });
  assertEquals(gone.status, 410);
  assertEquals(await errorOf(gone), { id: "link", title: "This link has expired" });
  const good = await path("keep_1h");
  const [payload] = good.slice("/link/".length).split(".");
  for (
    const bad of [
      `/link/${payload}.AAAA`,
      `/link/${payload}`,
      "/link/not-a-token",
      `/link/${"x".repeat(3000)}`,
      // Signed with another secret.
      (await new LinkSigner("another-secret-of-at-least-32-characters", PUBLIC_URL).url({
        action: "stop",
        region: REGION,
        instanceId: RUNNING_ID,
        expires: clock.now + HOUR,
      })).slice(PUBLIC_URL.length - 1),
    ]
  ) {
    const response = await app.request(bad, { method: "POST" });
    assertEquals(response.status, 404, bad);
    assertEquals(await errorOf(response), { id: "link", title: "This link is not valid" });
  }
  assertEquals(simulator.calls, []);
  const put = await app.request(good, { method: "PUT" });
  assertEquals(put.status, 405);
});

Deno.test("without LINK_SECRET and PUBLIC_URL every link is refused", async () => {
  const service = await testService();
  const response = await service.app.request("/link/abc.def");
  assertEquals(response.status, 404);
  assertEquals(await errorOf(response), {
    id: "link",
    title: "Links are not configured on this service",
  });
});

Deno.test("a keep link only extends a hold: a week's hold stays, and the page says until when", async () => {
  const { app, simulator, path, linkAudits } = await linked();
  const week = await app.request(`/instance/${REGION}/${RUNNING_ID}/hold`, {
    method: "POST",
    headers: { ...KEYED, "content-type": "application/json" },
    body: JSON.stringify({ hours: 168 }),
  });
  assertEquals(week.status < 300, true);
  const held = simulator.instance(REGION, RUNNING_ID)?.tags["workwork:hold_until"];
  assertEquals(held, "2026-12-03T12:00:00.000Z");
  const done = await app.request(await path("keep_1h"), { method: "POST" });
  assertEquals(done.status, 200);
  assertStringIncludes(await done.text(), "Already held until");
  assertEquals(simulator.instance(REGION, RUNNING_ID)?.tags["workwork:hold_until"], held);
  assertEquals(linkAudits().map(({ hold_until, outcome }) => [hold_until, outcome]), [
    [held, "done"],
  ]);
});

Deno.test("a start or stop by link writes workwork:last_change, by signed link", async () => {
  const { app, simulator, path, clock } = await linked();
  const stop = await app.request(`/instance/${REGION}/${RUNNING_ID}/stop`, {
    method: "POST",
    headers: KEYED,
  });
  assertEquals(stop.status < 300, true);
  clock.now += 60_000;
  const start = await app.request(await path("start"), { method: "POST" });
  assertEquals(start.status, 200);
  assertEquals(
    simulator.instance(REGION, RUNNING_ID)?.tags["workwork:last_change"],
    "2026-11-26T12:01:00.000Z start by signed link",
  );
});

Deno.test("a link's POST takes no options: ?dry_run=1 is refused and nothing changes", async () => {
  const { app, simulator, path } = await linked();
  const response = await app.request(`${await path("stop")}?dry_run=1`, { method: "POST" });
  assertEquals(response.status, 422);
  assertEquals((await errorOf(response)).id, "dry_run");
  assertEquals(simulator.instance(REGION, RUNNING_ID)?.state, "running");
});

Deno.test("a link start whose start_time write fails says so on the page and in the audit", async () => {
  const { app, simulator, path, linkAudits } = await linked();
  await app.request(`/instance/${REGION}/${RUNNING_ID}/stop`, { method: "POST", headers: KEYED });
  simulator.inject({
    action: "CreateTags",
    times: 5,
    fault: { kind: "error", code: "InternalError" },
  });
  const response = await app.request(await path("start"), { method: "POST" });
  assertEquals(response.status, 200);
  const html = await response.text();
  assertStringIncludes(html, "start_time tag could not be written");
  assertEquals(simulator.instance(REGION, RUNNING_ID)?.state, "running");
  assertEquals(linkAudits().map(({ outcome }) => outcome), ["done_without_start_time"]);
});
