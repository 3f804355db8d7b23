/** The fake Route53 speaks Route53's wire format: raw requests in, its documents out. */
import { assert, assertEquals, assertMatch, assertStringIncludes } from "@std/assert";
import { AwsClient } from "aws4fetch";
import { Route53Simulator } from "../../src/simulator/route53.ts";

const BASE = "https://route53.amazonaws.com/2013-04-01";
const NS = "https://route53.amazonaws.com/doc/2013-04-01/";
const T0 = Date.parse("2026-11-26T12:00:00.000Z");
const aws = new AwsClient({
  accessKeyId: "AKIDEXAMPLE",
  secretAccessKey: "secret",
  service: "route53",
  region: "us-east-1",
});

async function send(sim: Route53Simulator, method: string, path: string, body?: string) {
  const request = await aws.sign(`${BASE}${path}`, {
    method,
    body,
    headers: body ? { "content-type": "application/xml" } : {},
  });
  const response = await sim.fetch(request);
  return {
    status: response.status,
    text: await response.text(),
    requestId: response.headers.get("x-amzn-requestid"),
  };
}

function batch(...changes: [string, string, string, number, string[]][]): string {
  return `<?xml version="1.0" encoding="UTF-8"?><ChangeResourceRecordSetsRequest xmlns="${NS}"><ChangeBatch><Changes>` +
    changes.map(([action, name, type, ttl, values]) =>
      `<Change><Action>${action}</Action><ResourceRecordSet><Name>${name}</Name><Type>${type}</Type><TTL>${ttl}</TTL><ResourceRecords>${
        values.map((v) => `<ResourceRecord><Value>${v}</Value></ResourceRecord>`).join("")
      }</ResourceRecords></ResourceRecordSet></Change>`
    ).join("") + `</Changes></ChangeBatch></ChangeResourceRecordSetsRequest>`;
}

Deno.test("an unsigned request, or one signed for another service, is refused in Route53's envelope", async () => {
  const sim = new Route53Simulator({ zones: [{ name: "example.com", id: "ZEX" }] });
  const unsigned = await sim.fetch(`${BASE}/hostedzonesbyname`);
  assertEquals(unsigned.status, 403);
  const text = await unsigned.text();
  assertMatch(
    text,
    new RegExp(
      `^<\\?xml version="1.0"\\?>\\n<ErrorResponse xmlns="${
        NS.replaceAll(".", "\\.")
      }"><Error><Type>Sender</Type><Code>MissingAuthenticationToken</Code>`,
    ),
  );
  assertMatch(text, /<RequestId>[0-9a-f-]{36}<\/RequestId><\/ErrorResponse>$/);
  const ec2 = new AwsClient({
    accessKeyId: "AKID",
    secretAccessKey: "s",
    service: "ec2",
    region: "us-west-2",
  });
  const wrong = await sim.fetch(await ec2.sign(`${BASE}/hostedzonesbyname`, { method: "GET" }));
  assertEquals(wrong.status, 403);
  assertStringIncludes(await wrong.text(), "<Code>SignatureDoesNotMatch</Code>");
});

Deno.test("ListHostedZonesByName lists zones in Route53's order with the private flag, paged", async () => {
  const sim = new Route53Simulator({
    zones: [{ name: "example.org", id: "ZORG" }, { name: "b.example.com", id: "ZB" }, {
      name: "example.com",
      id: "ZCOM",
      privateZone: true,
    }],
  });
  const all = await send(sim, "GET", "/hostedzonesbyname");
  assertEquals(all.status, 200);
  const names = [...all.text.matchAll(/<Name>([^<]+)<\/Name>/g)].map((m) => m[1]);
  // Labels compared right to left: com.example < com.example.b < org.example.
  assertEquals(names, ["example.com.", "b.example.com.", "example.org."]);
  assertStringIncludes(all.text, "<HostedZone><Id>/hostedzone/ZCOM</Id><Name>example.com.</Name>");
  assertStringIncludes(all.text, "<Config><PrivateZone>true</PrivateZone></Config>");
  const page = await send(sim, "GET", "/hostedzonesbyname?dnsname=b.example.com&maxitems=1");
  assertStringIncludes(page.text, "<HostedZones><HostedZone><Id>/hostedzone/ZB</Id>");
  assertStringIncludes(
    page.text,
    "<IsTruncated>true</IsTruncated><NextDNSName>example.org.</NextDNSName><NextHostedZoneId>ZORG</NextHostedZoneId><MaxItems>1</MaxItems>",
  );
  const bad = await send(sim, "GET", "/hostedzonesbyname?maxitems=zero");
  assertEquals(bad.status, 400);
  assertStringIncludes(bad.text, "<Code>InvalidInput</Code>");
});

Deno.test("a change is PENDING until syncMs has passed on the clock, then INSYNC", async () => {
  let now = T0;
  const sim = new Route53Simulator({
    zones: [{ name: "example.com", id: "ZEX" }],
    now: () => now,
    syncMs: 5_000,
  });
  const change = await send(
    sim,
    "POST",
    "/hostedzone/ZEX/rrset",
    batch(["UPSERT", "game.example.com", "A", 60, ["3.1.2.3"]]),
  );
  assertEquals(change.status, 200);
  assertMatch(
    change.text,
    /<ChangeResourceRecordSetsResponse xmlns="[^"]+"><ChangeInfo><Id>\/change\/(C[0-9A-Z]+)<\/Id><Status>PENDING<\/Status><SubmittedAt>2026-11-26T12:00:00.000Z<\/SubmittedAt><\/ChangeInfo>/,
  );
  const id = change.text.match(/\/change\/(C[0-9A-Z]+)/)![1];
  now += 4_999;
  assertStringIncludes((await send(sim, "GET", `/change/${id}`)).text, "<Status>PENDING</Status>");
  now += 1;
  const synced = await send(sim, "GET", `/change/${id}`);
  assertStringIncludes(
    synced.text,
    `<GetChangeResponse xmlns="${NS}"><ChangeInfo><Id>/change/${id}</Id><Status>INSYNC</Status>`,
  );
  const missing = await send(sim, "GET", "/change/CNOPE");
  assertEquals(missing.status, 404);
  assertStringIncludes(missing.text, "<Code>NoSuchChange</Code>");
});

Deno.test("record sets are listed from a name and type, the zone's SOA and NS included", async () => {
  const sim = new Route53Simulator({ zones: [{ name: "example.com", id: "ZEX" }] });
  await send(
    sim,
    "POST",
    "/hostedzone/ZEX/rrset",
    batch(["CREATE", "game.example.com", "A", 60, ["3.1.2.3"]], [
      "CREATE",
      "game.example.com",
      "AAAA",
      60,
      ["2600:1f14::1"],
    ]),
  );
  const all = await send(sim, "GET", "/hostedzone/ZEX/rrset");
  assertEquals([...all.text.matchAll(/<Type>([^<]+)<\/Type>/g)].map((m) => m[1]), [
    "NS",
    "SOA",
    "A",
    "AAAA",
  ]);
  const from = await send(
    sim,
    "GET",
    "/hostedzone/ZEX/rrset?name=game.example.com&type=AAAA&maxitems=1",
  );
  assertStringIncludes(
    from.text,
    "<ResourceRecordSets><ResourceRecordSet><Name>game.example.com.</Name><Type>AAAA</Type><TTL>60</TTL><ResourceRecords><ResourceRecord><Value>2600:1f14::1</Value></ResourceRecord></ResourceRecords></ResourceRecordSet></ResourceRecordSets><IsTruncated>false</IsTruncated>",
  );
});

Deno.test("a change batch is all or nothing, with Route53's InvalidChangeBatch messages", async () => {
  const sim = new Route53Simulator({ zones: [{ name: "example.com", id: "ZEX" }] });
  await send(
    sim,
    "POST",
    "/hostedzone/ZEX/rrset",
    batch(["CREATE", "a.example.com", "A", 60, ["3.1.2.3"]]),
  );
  const refused = await send(
    sim,
    "POST",
    "/hostedzone/ZEX/rrset",
    batch(["UPSERT", "b.example.com", "A", 60, ["3.1.2.4"]], [
      "DELETE",
      "gone.example.com",
      "A",
      60,
      ["3.1.2.5"],
    ], ["DELETE", "a.example.com", "A", 300, ["3.1.2.3"]]),
  );
  assertEquals(refused.status, 400);
  assertStringIncludes(refused.text, "<Type>Sender</Type><Code>InvalidChangeBatch</Code>");
  assertStringIncludes(
    refused.text,
    "Tried to delete resource record set [name='gone.example.com.', type='A'] but it was not found",
  );
  assertStringIncludes(
    refused.text,
    "Tried to delete resource record set [name='a.example.com.', type='A'] but the values provided do not match the current values",
  );
  assertEquals(sim.record("b.example.com", "A"), undefined);
  assertEquals(sim.record("a.example.com", "A")?.values, ["3.1.2.3"]);
  const exists = await send(
    sim,
    "POST",
    "/hostedzone/ZEX/rrset",
    batch(["CREATE", "a.example.com", "A", 60, ["3.1.2.9"]]),
  );
  assertStringIncludes(exists.text, "but it already exists");
  const outside = await send(
    sim,
    "POST",
    "/hostedzone/ZEX/rrset",
    batch(["UPSERT", "a.example.org", "A", 60, ["3.1.2.9"]]),
  );
  assertStringIncludes(outside.text, "is not permitted in zone example.com.");
  const badIp = await send(
    sim,
    "POST",
    "/hostedzone/ZEX/rrset",
    batch(["UPSERT", "c.example.com", "A", 60, ["999.1.2.3"]]),
  );
  assertEquals(badIp.status, 400);
  assertStringIncludes(badIp.text, "ARRDATAIllegalIPv4Address");
});

Deno.test("an unknown zone is NoSuchHostedZone, a broken body InvalidInput, a fault what it says", async () => {
  const sim = new Route53Simulator({ zones: [{ name: "example.com", id: "ZEX" }] });
  const missing = await send(sim, "GET", "/hostedzone/ZNOPE/rrset");
  assertEquals(missing.status, 404);
  assertStringIncludes(
    missing.text,
    "<Code>NoSuchHostedZone</Code><Message>No hosted zone found with ID: ZNOPE</Message>",
  );
  const broken = await send(
    sim,
    "POST",
    "/hostedzone/ZEX/rrset",
    "<ChangeResourceRecordSetsRequest>",
  );
  assertEquals(broken.status, 400);
  assertStringIncludes(broken.text, "<Code>InvalidInput</Code>");
  sim.fail({ code: "Throttling", message: "Rate exceeded", status: 400, times: 2 });
  for (let i = 0; i < 2; i++) {
    const throttled = await send(sim, "GET", "/hostedzonesbyname");
    assertEquals(throttled.status, 400);
    assertStringIncludes(throttled.text, "<Code>Throttling</Code><Message>Rate exceeded</Message>");
    assert(throttled.requestId && throttled.text.includes(throttled.requestId));
  }
  assertEquals((await send(sim, "GET", "/hostedzonesbyname")).status, 200);
  const unknown = await send(sim, "DELETE", "/hostedzone/ZEX");
  assertEquals(unknown.status, 400);
});
