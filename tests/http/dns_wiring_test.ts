/**
 * DNS that follows instances, through the HTTP API, on the EC2 simulator and
 * the Route53 simulator (and the fake Cloudflare): records written before a
 * `wait=true` answer and named in it, written in the background otherwise,
 * deleted after a stop unless kept, reconciled by the sweep, and a provider
 * that fails never hiding the state change.
 */
import { SWEEP_FILTERS } from "../../src/domain/sweep_listing.ts";
import { assert, assertEquals } from "@std/assert";
import { Route53Client } from "../../src/aws/route53.ts";
import { CloudflareDnsClient } from "../../src/cloudflare/dns.ts";
import { cloudflareDnsProvider, route53DnsProvider } from "../../src/domain/dns.ts";
import type { DnsSettings } from "../../src/domain/dns_follow.ts";
import { Route53Simulator } from "../../src/simulator/route53.ts";
import { CloudflareDnsSimulator } from "../../src/simulator/cloudflare_dns.ts";
import type { SimulatedInstanceSeed } from "../../src/simulator/ec2.ts";
import { AWS_SECRET, KEYED, REGION, testService } from "../_helpers.ts";

const GAME_ID = "i-0b2c3d4e5f6071829";
const KEPT_ID = "i-0c3d4e5f607182930";
const PLAIN_ID = "i-0d4e5f60718293a4b";
const IPV6 = "2600:1f14:9c2:4b00::10";
// The console's start or stop: the same simulator, not through the service.

const INSTANCES: SimulatedInstanceSeed[] = [
  {
    id: GAME_ID,
    region: REGION,
    state: "stopped",
    tags: { Name: "game-server", start_time: "", "workwork:dns": "game.example.com" },
    ipv6Address: IPV6,
  },
  {
    id: KEPT_ID,
    region: REGION,
    state: "stopped",
    tags: {
      Name: "kept",
      start_time: "",
      "workwork:dns": "kept.example.com",
      "workwork:dns_on_stop": "keep",
    },
  },
  { id: PLAIN_ID, region: REGION, state: "stopped", tags: { Name: "plain", start_time: "" } },
];

/** The service on simulators with Route53 holding `example.com`, and what it runs in the background. */
async function dnsService(options: { fail?: boolean } = {}) {
  const route53 = new Route53Simulator({ zones: [{ name: "example.com" }] });
  const client = new Route53Client({
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: AWS_SECRET },
    fetch: route53.fetch,
    random: () => 0,
  });
  const dns: DnsSettings = { provider: route53DnsProvider(client), ttl: 60 };
  if (options.fail) {
    route53.fail({
      method: "POST",
      code: "AccessDenied",
      message: "User: arn:aws:iam::123456789012:user/x is not authorized",
      status: 403,
      times: 100,
    });
  }
  const service = await testService({
    instances: INSTANCES,
    dns,
    sweep: { regions: [REGION], maxRuntimeMs: null },
  });
  const background: Promise<unknown>[] = [];
  const context = {
    waitUntil: (work: Promise<unknown>) => background.push(work),
    passThroughOnException: () => {},
    props: {},
  };
  /** A request as Workers would run it, `waitUntil` collected. */
  const request = (path: string, init: RequestInit = {}) =>
    service.app.request(path, { ...init, headers: { ...KEYED, ...init.headers } }, {}, context);
  /** Waits for the background work, then for what it started. */
  const settled = async () => {
    while (background.length) await background.shift();
  };
  return { ...service, route53, request, settled };
}

Deno.test("a start with wait=true writes A and AAAA before the answer, and the answer names them", async () => {
  const { request, route53, simulator } = await dnsService();
  const response = await request(`/instance/${REGION}/${GAME_ID}/start?wait=true`, {
    method: "POST",
  });
  assertEquals(response.status, 200);
  const body = await response.json();
  assertEquals(body.state, "running");
  const ip = simulator.instance(REGION, GAME_ID)!.publicIpAddress!;
  assertEquals(body.dns, {
    provider: "route53",
    ok: true,
    records: [
      { name: "game.example.com", type: "A", action: "upsert", values: [ip], result: "created" },
      {
        name: "game.example.com",
        type: "AAAA",
        action: "upsert",
        values: [IPV6],
        result: "created",
      },
    ],
    skipped: null,
  });
  assertEquals(route53.record("game.example.com", "A")?.values, [ip]);
  assertEquals(route53.record("game.example.com", "AAAA")?.values, [IPV6]);
  assertEquals(route53.record("game.example.com", "A")?.ttl, 60);
});

Deno.test("a start without wait answers 204 at once and the records follow in the background", async () => {
  const { request, route53, simulator, settled, sleeps } = await dnsService();
  const response = await request(`/instance/${REGION}/${GAME_ID}/start`, { method: "POST" });
  assertEquals(response.status, 204);
  await settled();
  assertEquals(sleeps.length > 0, true, "it waited for the address");
  // The follow-up polled until the address existed (the simulator's clock moves with its pauses).
  const ip = simulator.instance(REGION, GAME_ID)!.publicIpAddress!;
  assert(ip, "the instance has its address");
  assertEquals(route53.record("game.example.com", "A")?.values, [ip]);
  assertEquals(route53.record("game.example.com", "AAAA")?.values, [IPV6]);
});

Deno.test("a stop deletes the records once EC2 accepted it; dns_on_stop=keep keeps them", async () => {
  const { request, route53, settled } = await dnsService();
  for (const id of [GAME_ID, KEPT_ID]) {
    const started = await request(`/instance/${REGION}/${id}/start?wait=true`, { method: "POST" });
    assertEquals((await started.json()).dns.ok, true);
  }
  assert(route53.record("game.example.com", "A"));
  assert(route53.record("kept.example.com", "A"));
  for (const id of [GAME_ID, KEPT_ID]) {
    const stopped = await request(`/instance/${REGION}/${id}/stop`, { method: "POST" });
    assertEquals(stopped.status, 204);
  }
  await settled();
  assertEquals(route53.record("game.example.com", "A"), undefined);
  assertEquals(route53.record("game.example.com", "AAAA"), undefined);
  assert(route53.record("kept.example.com", "A"), "kept on stop");
});

Deno.test("a stop with wait=true names the deleted records in its answer", async () => {
  const { request, route53 } = await dnsService();
  await request(`/instance/${REGION}/${GAME_ID}/start?wait=true`, { method: "POST" });
  const response = await request(`/instance/${REGION}/${GAME_ID}/stop?wait=true`, {
    method: "POST",
  });
  assertEquals(response.status, 200);
  const body = await response.json();
  assertEquals(body.state, "stopped");
  assertEquals(
    body.dns.records.map((r: { type: string; result: string }) => `${r.type} ${r.result}`),
    ["A deleted", "AAAA deleted"],
  );
  assertEquals(route53.record("game.example.com", "A"), undefined);
});

Deno.test("a failing provider never hides the state change: the answer says it happened and the name did not follow", async () => {
  const { request, route53, simulator } = await dnsService({ fail: true });
  const response = await request(`/instance/${REGION}/${GAME_ID}/start?wait=true`, {
    method: "POST",
  });
  assertEquals(response.status, 200);
  const body = await response.json();
  assertEquals(body.state, "running");
  assertEquals(simulator.instance(REGION, GAME_ID)!.state, "running");
  assertEquals(body.dns.ok, false);
  const a = body.dns.records[0];
  assertEquals([a.type, a.result, a.error.code], ["A", "failed", "refused"]);
  // The operator is told what to fix; Route53's own words (account, user) are not echoed.
  assert(a.error.title.includes("AccessDenied"), a.error.title);
  assert(!JSON.stringify(body).includes("arn:aws:iam"), "no account or user in the answer");
  assertEquals(route53.record("game.example.com", "A"), undefined);
});

Deno.test("an instance without workwork:dns costs no DNS call and its answers carry no dns field", async () => {
  const { request, route53, settled } = await dnsService();
  const response = await request(`/instance/${REGION}/${PLAIN_ID}/start?wait=true`, {
    method: "POST",
  });
  assertEquals(response.status, 200);
  assertEquals("dns" in await response.json(), false);
  await request(`/instance/${REGION}/${PLAIN_ID}/stop`, { method: "POST" });
  await settled();
  assertEquals(route53.calls, []);
});

Deno.test("a box started behind the service's back gets its record at the next sweep, and loses it when stopped", async () => {
  const { request, route53, simulator, clock, ec2 } = await dnsService();
  await ec2.startInstances(REGION, [GAME_ID]);
  clock.now += 10_000;
  const sweep = await request("/sweep", { method: "POST" });
  assertEquals(sweep.status, 200);
  const report = await sweep.json();
  const ip = simulator.instance(REGION, GAME_ID)!.publicIpAddress!;
  const entry = report.dns.find((e: { instance_id: string }) => e.instance_id === GAME_ID);
  assertEquals([entry.state, entry.outcome, entry.ok], ["running", "done", true]);
  assertEquals(route53.record("game.example.com", "A")?.values, [ip]);

  await ec2.stopInstances(REGION, [GAME_ID]);
  clock.now += 10_000;
  const again = await (await request("/sweep", { method: "POST" })).json();
  assertEquals(again.problems, []);
  assertEquals(route53.record("game.example.com", "A"), undefined);
});

Deno.test("a sweep reports a failing provider per instance and still makes its changes", async () => {
  const { request, ec2, clock } = await dnsService({ fail: true });
  await ec2.startInstances(REGION, [GAME_ID]);
  clock.now += 10_000;
  const report = await (await request("/sweep", { method: "POST" })).json();
  const entry = report.dns.find((e: { instance_id: string }) => e.instance_id === GAME_ID);
  assertEquals([entry.outcome, entry.ok], ["done", false]);
  assertEquals(entry.records[0].error.code, "refused");
});

Deno.test("Cloudflare follows the same rules through the same wiring", async () => {
  const cloudflare = new CloudflareDnsSimulator({ token: "cf-token-example" });
  cloudflare.addZone({ name: "example.com" });
  const client = new CloudflareDnsClient({
    token: "cf-token-example",
    fetch: cloudflare.fetch,
    random: () => 0,
  });
  const { app } = await testService({
    instances: INSTANCES,
    dns: { provider: cloudflareDnsProvider(client), ttl: 120 },
  });
  const response = await app.request(`/instance/${REGION}/${GAME_ID}/start?wait=true`, {
    method: "POST",
    headers: KEYED,
  });
  const body = await response.json();
  assertEquals(body.dns.provider, "cloudflare");
  assertEquals(body.dns.ok, true);
  assertEquals(
    cloudflare.records().map((r) => `${r.type} ${r.name} ${r.ttl}`).sort(),
    ["A game.example.com 120", "AAAA game.example.com 120"],
  );
  assert(!JSON.stringify(body).includes("cf-token-example"));
});

Deno.test("a sweep that made its 4 changes leaves DNS to the next run, within the Workers subrequest budget", async () => {
  const boxes: SimulatedInstanceSeed[] = Array.from({ length: 4 }, (_, i) => ({
    id: `i-0${(0xa0 + i).toString(16).padStart(16, "0")}`,
    region: REGION,
    state: "running",
    tags: { start_time: "2026-11-26T00:00:00.000Z", "workwork:dns": `box${i}.example.com` },
  }));
  const route53 = new Route53Simulator({ zones: [{ name: "example.com" }] });
  const client = new Route53Client({
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: AWS_SECRET },
    fetch: route53.fetch,
    random: () => 0,
  });
  const { app, simulator } = await testService({
    instances: boxes,
    dns: { provider: route53DnsProvider(client), ttl: 60 },
    sweep: { regions: [REGION], maxRuntimeMs: 3600_000 },
  });
  const report = await (await app.request("/sweep", { method: "POST", headers: KEYED })).json();
  assertEquals(report.actions.filter((a: { outcome: string }) => a.outcome === "done").length, 4);
  assertEquals(report.dns, []);
  assertEquals(route53.calls, []);
  // The listing for DNS was not even made: the sweep's listings and the stops' own reads are all.
  assertEquals(
    simulator.calls.filter(({ action }) => action === "DescribeInstances").length,
    SWEEP_FILTERS.length + 4,
  );
});
