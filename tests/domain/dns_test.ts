import { assert, assertEquals, assertThrows } from "@std/assert";
import { Route53Client } from "../../src/aws/route53.ts";
import { CloudflareDnsClient } from "../../src/cloudflare/dns.ts";
import {
  cloudflareDnsProvider,
  DEFAULT_DNS_TTL,
  type DnsInstance,
  type DnsProvider,
  parseDnsTags,
  parseDnsTtl,
  planDns,
  reconcileDns,
  route53DnsProvider,
} from "../../src/domain/dns.ts";
import { CloudflareDnsSimulator } from "../../src/simulator/cloudflare_dns.ts";
import { Route53Simulator } from "../../src/simulator/route53.ts";

const CREDENTIALS = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret-example" };
const TOKEN = "cf-token-example";

function instance(overrides: Partial<DnsInstance> = {}): DnsInstance {
  return {
    id: "i-0a1b2c3d4e5f60718",
    state: "running",
    publicIpAddress: "3.1.2.3",
    ipv6Address: null,
    tags: { "workwork:dns": "game.example.com" },
    ...overrides,
  };
}

/** A provider over each fake, and a way to read what a resolver would find. */
interface Backend {
  provider: DnsProvider;
  lookup(name: string, type: string): { values: string[]; ttl: number } | undefined;
  failNext(method: "GET" | "POST" | "DELETE", times?: number): void;
  zoneLookups(): number;
}

function route53Backend(): Backend {
  const route53 = new Route53Simulator({
    zones: [{ name: "example.com" }, { name: "dev.example.com" }, {
      name: "internal.example.com",
      privateZone: true,
    }],
  });
  const client = new Route53Client({
    credentials: CREDENTIALS,
    fetch: route53.fetch,
    random: () => 0,
  });
  return {
    provider: route53DnsProvider(client),
    lookup: (name, type) => route53.record(name, type),
    failNext: (method, times = 1) =>
      route53.fail({
        method: method === "DELETE" ? "POST" : method,
        code: "AccessDenied",
        message:
          "User: arn:aws:iam::123456789012:user/dns is not authorized to perform: route53:ChangeResourceRecordSets",
        status: 403,
        times,
      }),
    zoneLookups: () => route53.calls.filter((call) => call === "ListHostedZonesByName").length,
  };
}

function cloudflareBackend(): Backend {
  const cloudflare = new CloudflareDnsSimulator({
    token: TOKEN,
    zones: [{ name: "example.com" }, { name: "dev.example.com" }],
  });
  const client = new CloudflareDnsClient({
    token: TOKEN,
    fetch: cloudflare.fetch,
    random: () => 0,
  });
  return {
    provider: cloudflareDnsProvider(client),
    lookup(name, type) {
      const records = cloudflare.records().filter((r) => r.name === name && r.type === type);
      return records.length === 0
        ? undefined
        : { values: records.map((r) => r.content), ttl: records[0].ttl };
    },
    failNext: (method, times = 1) =>
      cloudflare.fail({ method, status: 403, code: 10000, message: "Authentication error", times }),
    zoneLookups: () => cloudflare.calls.filter((call) => call === "GET /zones").length,
  };
}

Deno.test("parseDnsTags reads names, zone and keep, and is null without the tag", () => {
  assertEquals(parseDnsTags({}), null);
  assertEquals(parseDnsTags({ "workwork:dns": "  " }), null);
  assertEquals(
    parseDnsTags({
      "workwork:dns": " Game.Example.com., play.example.com,,game.example.com ",
      "workwork:dns_zone": "example.com",
      "workwork:dns_on_stop": "Keep",
    }),
    { names: ["game.example.com", "play.example.com"], zone: "example.com", keepOnStop: true },
  );
  assertEquals(
    parseDnsTags({ "workwork:dns": "a.example.org", "workwork:dns_on_stop": "delete" })?.keepOnStop,
    false,
  );
});

Deno.test("parseDnsTags names the tag, the bad value and why", () => {
  const cases: [Record<string, string>, string][] = [
    [
      { "workwork:dns": "game.example.com, bad_name.example.com" },
      `Cannot read tag "workwork:dns": "bad_name.example.com" is not a host name: it has the character "_", outside letters, digits, "-" and "."`,
    ],
    [
      { "workwork:dns": "-game.example.com" },
      `"-game.example.com" is not a host name: a label starts with a hyphen`,
    ],
    [{ "workwork:dns": "game-.example.com" }, `a label ends with a hyphen`],
    [{ "workwork:dns": "game..example.com" }, `it has an empty label`],
    [{ "workwork:dns": "localhost" }, `it has one label`],
    [{ "workwork:dns": `${"a".repeat(64)}.example.com` }, `a label is longer than 63 characters`],
    [{ "workwork:dns": `${"a.".repeat(127)}com` }, `it is longer than 253 characters`],
    [
      { "workwork:dns": "game.example.com", "workwork:dns_zone": "other.org" },
      `"game.example.com" is not inside zone "other.org"`,
    ],
    [
      { "workwork:dns": "game.example.com", "workwork:dns_on_stop": "forever" },
      `Cannot read tag "workwork:dns_on_stop": "forever" is neither "keep" nor "delete"`,
    ],
    [
      { "workwork:dns": Array.from({ length: 11 }, (_, i) => `h${i}.example.com`).join(",") },
      `it names 11 hosts, at most 10 are allowed`,
    ],
  ];
  for (const [tags, message] of cases) {
    const error = assertThrows(() => parseDnsTags(tags), SyntaxError);
    assert(error.message.includes(message), `${error.message} should say ${message}`);
  }
});

Deno.test("a long hostile tag value is rejected in one pass", () => {
  const hostile = "a-".repeat(100_000) + "!";
  const error = assertThrows(() => parseDnsTags({ "workwork:dns": hostile }), SyntaxError);
  assert(error.message.includes("longer than 253"));
});

Deno.test("parseDnsTtl defaults to 60 and refuses what a provider would", () => {
  assertEquals(parseDnsTtl(undefined), DEFAULT_DNS_TTL);
  assertEquals(parseDnsTtl(""), 60);
  assertEquals(parseDnsTtl("300"), 300);
  for (const bad of ["59", "86401", "1.5", "-60", "sixty", "0x40"]) {
    const error = assertThrows(() => parseDnsTtl(bad), RangeError);
    assertEquals(error.message, "Cannot read DNS_TTL: it must be whole seconds from 60 to 86400");
  }
});

Deno.test("planDns: running writes A and AAAA; a missing family is deleted", () => {
  const tags = parseDnsTags({ "workwork:dns": "game.example.com" })!;
  assertEquals(planDns(instance({ ipv6Address: "2600:1f14::1" }), tags, 60).intents, [
    { name: "game.example.com", type: "A", action: "upsert", values: ["3.1.2.3"], ttl: 60 },
    { name: "game.example.com", type: "AAAA", action: "upsert", values: ["2600:1f14::1"], ttl: 60 },
  ]);
  assertEquals(planDns(instance(), tags, 60).intents[1], {
    name: "game.example.com",
    type: "AAAA",
    action: "remove",
  });
  assertEquals(
    planDns(instance({ publicIpAddress: null }), tags, 60).intents.map((i) => i.action),
    ["remove", "remove"],
  );
});

Deno.test("planDns: pending waits for an address; stopped deletes unless keep; terminated always deletes", () => {
  const tags = parseDnsTags({ "workwork:dns": "game.example.com" })!;
  const keep = { ...tags, keepOnStop: true };
  const pending = planDns(instance({ state: "pending", publicIpAddress: null }), tags, 60);
  assertEquals(pending, {
    intents: [],
    reason: "the instance is pending and has no public address yet",
  });
  assertEquals(planDns(instance({ state: "pending" }), tags, 60).intents[0].action, "upsert");
  for (const state of ["stopping", "stopped"]) {
    assertEquals(
      planDns(instance({ state, publicIpAddress: null }), tags, 60).intents.map((i) => i.action),
      ["remove", "remove"],
    );
    assertEquals(planDns(instance({ state }), keep, 60), {
      intents: [],
      reason: `"workwork:dns_on_stop" is "keep"`,
    });
  }
  for (const state of ["shutting-down", "terminated"]) {
    assertEquals(planDns(instance({ state }), keep, 60).intents.length, 2);
  }
});

for (
  const [label, make] of [["Route53", route53Backend], ["Cloudflare", cloudflareBackend]] as const
) {
  Deno.test(`${label}: the name follows the instance through start, new address and stop`, async () => {
    const backend = make();
    const started = await reconcileDns(
      backend.provider,
      instance({ ipv6Address: "2600:1f14::1" }),
      { ttl: 120 },
    );
    assertEquals(started.ok, true);
    assertEquals(started.outcomes.map((o) => [o.type, o.result]), [["A", "created"], [
      "AAAA",
      "created",
    ]]);
    assertEquals(backend.lookup("game.example.com", "A")?.values, ["3.1.2.3"]);
    assertEquals(backend.lookup("game.example.com", "A")?.ttl, 120);
    assertEquals(backend.lookup("game.example.com", "AAAA")?.values, ["2600:1f14::1"]);

    const again = await reconcileDns(backend.provider, instance({ ipv6Address: "2600:1f14::1" }), {
      ttl: 120,
    });
    assertEquals(again.outcomes.map((o) => o.result), ["unchanged", "unchanged"]);

    const moved = await reconcileDns(backend.provider, instance({ publicIpAddress: "3.9.9.9" }), {
      ttl: 120,
    });
    assertEquals(moved.outcomes.map((o) => [o.type, o.result]), [["A", "updated"], [
      "AAAA",
      "deleted",
    ]]);
    assertEquals(backend.lookup("game.example.com", "A")?.values, ["3.9.9.9"]);
    assertEquals(backend.lookup("game.example.com", "AAAA"), undefined);

    const stopped = await reconcileDns(
      backend.provider,
      instance({ state: "stopped", publicIpAddress: null }),
    );
    assertEquals(stopped.outcomes.map((o) => [o.type, o.result]), [["A", "deleted"], [
      "AAAA",
      "absent",
    ]]);
    assertEquals(backend.lookup("game.example.com", "A"), undefined);
    const stoppedAgain = await reconcileDns(
      backend.provider,
      instance({ state: "stopped", publicIpAddress: null }),
    );
    assertEquals(stoppedAgain.outcomes.map((o) => o.result), ["absent", "absent"]);
    assertEquals(stoppedAgain.ok, true);
  });

  Deno.test(`${label}: keep leaves the record of a stopped box`, async () => {
    const backend = make();
    const tags = { "workwork:dns": "game.example.com", "workwork:dns_on_stop": "keep" };
    await reconcileDns(backend.provider, instance({ tags }));
    const stopped = await reconcileDns(
      backend.provider,
      instance({ state: "stopped", publicIpAddress: null, tags }),
    );
    assertEquals([stopped.outcomes, stopped.skipped, stopped.ok], [
      [],
      `"workwork:dns_on_stop" is "keep"`,
      true,
    ]);
    assertEquals(backend.lookup("game.example.com", "A")?.values, ["3.1.2.3"]);
  });

  Deno.test(`${label}: the longest matching zone is used, and looked up once per provider`, async () => {
    const backend = make();
    const zone = await backend.provider.zoneFor("a.box.dev.example.com");
    assertEquals(zone.name, "dev.example.com");
    const lookups = backend.zoneLookups();
    // a.box.dev.example.com and box.dev.example.com miss, dev.example.com hits.
    assertEquals(lookups, 3);
    assertEquals((await backend.provider.zoneFor("a.box.dev.example.com")).id, zone.id);
    assertEquals((await backend.provider.zoneFor("b.box.dev.example.com")).name, "dev.example.com");
    assertEquals(backend.zoneLookups(), lookups + 1);
    assertEquals((await backend.provider.zoneFor("www.example.com")).name, "example.com");
    assertEquals(
      (await backend.provider.zoneFor("x.dev.example.com", { zone: "example.com" })).name,
      "example.com",
    );
  });

  Deno.test(`${label}: a name in no zone fails alone; the other names are still written`, async () => {
    const backend = make();
    const report = await reconcileDns(
      backend.provider,
      instance({ tags: { "workwork:dns": "game.nowhere.org,game.example.com" } }),
    );
    assertEquals(report.ok, false);
    const failed = report.outcomes.filter((o) => o.result === "failed");
    assertEquals(failed.map((o) => [o.name, o.error?.code]), [["game.nowhere.org", "no_zone"], [
      "game.nowhere.org",
      "no_zone",
    ]]);
    assertEquals(backend.lookup("game.example.com", "A")?.values, ["3.1.2.3"]);
  });

  Deno.test(`${label}: a provider that refuses is reported per record, never thrown`, async () => {
    const backend = make();
    await backend.provider.zoneFor("game.example.com");
    backend.failNext("GET", 10);
    const report = await reconcileDns(backend.provider, instance());
    assertEquals(report.ok, false);
    assertEquals(report.outcomes.map((o) => [o.result, o.error?.code]), [["failed", "refused"], [
      "failed",
      "refused",
    ]]);
    // AWS's AccessDenied text names the account and user; the report does not.
    assert(report.outcomes.every((o) => !o.error?.message.includes("arn:aws")));
    if (label === "Route53") {
      assertEquals(
        report.outcomes[0].error?.message,
        "This service's AWS credentials may not do this in Route53 (AccessDenied): check their IAM policy",
      );
    }
    assert(
      report.outcomes.every((o) =>
        !JSON.stringify(o).includes(CREDENTIALS.secretAccessKey) &&
        !JSON.stringify(o).includes(TOKEN)
      ),
    );
  });

  Deno.test(`${label}: a refused change leaves the record as it was and says so`, async () => {
    const backend = make();
    await reconcileDns(backend.provider, instance());
    backend.failNext(label === "Route53" ? "POST" : "DELETE");
    const report = await reconcileDns(
      backend.provider,
      instance({ state: "stopped", publicIpAddress: null }),
    );
    assertEquals(report.outcomes[0].result, "failed");
    assertEquals(report.outcomes[0].error?.code, "refused");
    assertEquals(backend.lookup("game.example.com", "A")?.values, ["3.1.2.3"]);
  });
}

Deno.test("Route53: a sweep that finds the records right sends reads only, no change", async () => {
  const route53 = new Route53Simulator({ zones: [{ name: "example.com" }] });
  const client = new Route53Client({ credentials: CREDENTIALS, fetch: route53.fetch });
  const provider = route53DnsProvider(client);
  const box = instance({ ipv6Address: "2600:1f14::1" });
  await reconcileDns(provider, box);
  const before = route53.calls.length;
  const report = await reconcileDns(provider, box);
  assertEquals(report.outcomes.map((o) => o.result), ["unchanged", "unchanged"]);
  assertEquals(route53.calls.slice(before), ["ListResourceRecordSets", "ListResourceRecordSets"]);
});

Deno.test("Route53: private zones are never written", async () => {
  const backend = route53Backend();
  assertEquals((await backend.provider.zoneFor("db.internal.example.com")).name, "example.com");
});

Deno.test("Route53: a record deleted between the read and the DELETE counts as absent", async () => {
  const route53 = new Route53Simulator({ zones: [{ name: "example.com" }] });
  const client = new Route53Client({ credentials: CREDENTIALS, fetch: route53.fetch });
  const provider = route53DnsProvider(client);
  await provider.upsert("game.example.com", "A", ["3.1.2.3"], 60);
  route53.fail({
    method: "POST",
    code: "InvalidChangeBatch",
    message:
      "[Tried to delete resource record set [name='game.example.com.', type='A'] but it was not found]",
    status: 400,
  });
  assertEquals(await provider.remove("game.example.com", "A"), "absent");
});

Deno.test("a bad tag is reported, nothing is written, nothing is thrown", async () => {
  const backend = route53Backend();
  const report = await reconcileDns(
    backend.provider,
    instance({ tags: { "workwork:dns": "bad name" } }),
  );
  assertEquals(report.ok, false);
  assertEquals(report.outcomes, []);
  assert(
    report.skipped?.startsWith(`Cannot read tag "workwork:dns": "bad name" is not a host name`),
  );
  const untagged = await reconcileDns(backend.provider, instance({ tags: {} }));
  assertEquals([untagged.ok, untagged.skipped], [true, `the instance has no "workwork:dns" tag`]);
});

Deno.test("a provider that throws something unexpected is still a per-record failure", async () => {
  const broken: DnsProvider = {
    name: "broken",
    zoneFor: () => Promise.reject(new Error("secret-example leaked?")),
    upsert: () => Promise.reject(new Error("secret-example leaked?")),
    lookup: () => Promise.reject(new Error("secret-example leaked?")),
    remove: () => Promise.reject(new Error("secret-example leaked?")),
  };
  const report = await reconcileDns(broken, instance());
  assertEquals(report.outcomes.map((o) => o.error), [
    { code: "unreachable", message: "The broken DNS call failed unexpectedly" },
    { code: "unreachable", message: "The broken DNS call failed unexpectedly" },
  ]);
});
