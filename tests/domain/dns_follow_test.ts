/**
 * When DNS follows: the background follow-up's bounded polls, the sweep's
 * cap on reconciles, its turn-taking and its share of the run's subrequest
 * budget, and the answer's shape.
 */
import { assertEquals } from "@std/assert";
import { Ec2Client } from "../../src/aws/ec2.ts";
import { Route53Client } from "../../src/aws/route53.ts";
import { route53DnsProvider } from "../../src/domain/dns.ts";
import {
  DNS_RECONCILE_COST,
  dnsAnswer,
  type DnsSettings,
  followChange,
  MAX_FOLLOW_POLLS,
  MAX_SWEEP_DNS_INSTANCES,
  sweepDns,
} from "../../src/domain/dns_follow.ts";
import { Ec2Simulator, type SimulatedInstanceSeed } from "../../src/simulator/ec2.ts";
import { Route53Simulator } from "../../src/simulator/route53.ts";
import { runSweep } from "../../src/domain/sweep.ts";
import { CALL_COST, SweepBudget } from "../../src/domain/sweep_budget.ts";
import { SWEEP_FILTERS } from "../../src/domain/sweep_listing.ts";
import { AWS_SECRET, REGION, T0 } from "../_helpers.ts";

function setUp(instances: SimulatedInstanceSeed[], transitionMs = 2000) {
  const clock = { now: T0 };
  const simulator = new Ec2Simulator({ instances, now: () => clock.now, transitionMs });
  const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: AWS_SECRET };
  const ec2 = new Ec2Client({ credentials, fetch: simulator.fetch, random: () => 0 });
  const route53 = new Route53Simulator({ zones: [{ name: "example.com" }] });
  const client = new Route53Client({ credentials, fetch: route53.fetch, random: () => 0 });
  const dns: DnsSettings = { provider: route53DnsProvider(client), ttl: 60 };
  const sleeps: number[] = [];
  const sleep = (ms: number) => {
    sleeps.push(ms);
    clock.now += ms;
    return Promise.resolve();
  };
  return { clock, simulator, ec2, route53, dns, sleeps, sleep };
}

const id = (n: number) => `i-0${n.toString(16).padStart(16, "0")}`;

Deno.test("a follow-up gives up after its polls when the address never comes, writing nothing", async () => {
  const { ec2, dns, sleep, route53 } = setUp([
    { id: id(1), region: REGION, state: "stopped", tags: { "workwork:dns": "a.example.com" } },
  ], 24 * 3600_000);
  await ec2.startInstances(REGION, [id(1)]);
  const result = await followChange(ec2, dns, {
    region: REGION,
    instanceId: id(1),
    timeoutMs: 1000,
    sleep,
  });
  assertEquals(result.polls, MAX_FOLLOW_POLLS);
  assertEquals(result.report?.skipped, "the instance is pending and has no public address yet");
  assertEquals(route53.calls, []);
});

Deno.test("a follow-up of an untagged instance reads it once and stops", async () => {
  const { ec2, dns, sleep, route53, sleeps } = setUp([
    { id: id(2), region: REGION, state: "running", tags: {} },
  ]);
  const result = await followChange(ec2, dns, {
    region: REGION,
    instanceId: id(2),
    timeoutMs: 1000,
    sleep,
  });
  assertEquals([result.report, result.reason, result.polls], [
    null,
    'the instance has no "workwork:dns" tag',
    1,
  ]);
  assertEquals([sleeps, route53.calls], [[], []]);
});

Deno.test("a follow-up that cannot read the instance says why and writes nothing", async () => {
  const { ec2, dns, sleep } = setUp([]);
  const result = await followChange(ec2, dns, {
    region: REGION,
    instanceId: id(3),
    timeoutMs: 1000,
    sleep,
  });
  assertEquals(result.report, null);
  assertEquals(typeof result.reason, "string");
});

Deno.test("a sweep reconciles at most its cap, defers the rest, and starts further along each run", async () => {
  const count = MAX_SWEEP_DNS_INSTANCES + 2;
  const seeds: SimulatedInstanceSeed[] = Array.from({ length: count }, (_, i) => ({
    id: id(10 + i),
    region: REGION,
    state: "running",
    tags: { "workwork:dns": `box${i}.example.com` },
  }));
  seeds.push({ id: id(99), region: REGION, state: "running", tags: { Name: "untagged" } });
  const { ec2, dns, route53 } = setUp(seeds);
  const done = async (at: number) => {
    const result = await sweepDns(ec2, dns, REGION, {
      timeoutMs: 1000,
      now: new Date(at),
      budget: { left: MAX_SWEEP_DNS_INSTANCES },
    });
    assertEquals(result.entries.length, count, "every tagged instance is reported, no other");
    return result.entries.filter((e) => e.outcome === "done").map((e) => e.instance_id);
  };
  const first = await done(0);
  assertEquals(first.length, MAX_SWEEP_DNS_INSTANCES);
  const next = await done(300_000);
  assertEquals(next.length, MAX_SWEEP_DNS_INSTANCES);
  const missed = seeds.slice(0, count).map((seed) => seed.id).filter((i) => !first.includes(i));
  assertEquals(missed.every((i) => next.includes(i)), true, "the next run starts with the rest");
  const written = seeds.slice(0, count).filter((seed) =>
    route53.record(seed.tags!["workwork:dns"], "A")
  );
  assertEquals(written.length, count, "two runs cover every instance");
});

Deno.test("the answer names each record, its result and a failure's code and words", () => {
  const answer = dnsAnswer({
    instanceId: id(1),
    provider: "route53",
    ok: false,
    skipped: null,
    outcomes: [
      {
        name: "a.example.com",
        type: "A",
        action: "upsert",
        values: ["54.1.2.3"],
        result: "created",
      },
      {
        name: "a.example.com",
        type: "AAAA",
        action: "remove",
        result: "failed",
        error: {
          code: "refused",
          message: "Route53 refused the request (Throttling): Rate exceeded",
        },
      },
    ],
  });
  assertEquals(answer.records, [
    { name: "a.example.com", type: "A", action: "upsert", values: ["54.1.2.3"], result: "created" },
    {
      name: "a.example.com",
      type: "AAAA",
      action: "remove",
      result: "failed",
      error: { code: "refused", title: "Route53 refused the request (Throttling): Rate exceeded" },
    },
  ]);
});

Deno.test("a sweep pays its DNS reconciles from the run's subrequest budget; what it cannot pay waits", async () => {
  const seeds: SimulatedInstanceSeed[] = Array.from({ length: 3 }, (_, i) => ({
    id: id(40 + i),
    region: REGION,
    state: "running",
    tags: { start_time: new Date(T0).toISOString(), "workwork:dns": `pay${i}.example.com` },
  }));
  const { ec2, dns, route53 } = setUp(seeds);
  // The sweep's two listings, the DNS listing, and one reconcile: no more.
  const limit = SWEEP_FILTERS.length * CALL_COST + CALL_COST + DNS_RECONCILE_COST;
  const budget = new SweepBudget(limit);
  const report = await runSweep(ec2, { regions: [REGION], maxRuntimeMs: null }, {
    now: new Date(T0),
    timeoutMs: 1000,
    by: "cron",
    dns,
    budget,
  });
  assertEquals(report.dns?.map((entry) => entry.outcome).sort(), ["deferred", "deferred", "done"]);
  assertEquals(budget.left, 0);
  const written = seeds.filter((seed) => route53.record(seed.tags!["workwork:dns"], "A"));
  assertEquals(written.length, 1);
});
