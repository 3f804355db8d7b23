/**
 * The Route53 client against moto's Route53: requests and answers of an
 * implementation we did not write. Skipped, with a message, where moto_server
 * cannot run.
 */
import { assertEquals, assertRejects } from "@std/assert";
import { AwsClient } from "aws4fetch";
import { Route53Client, Route53Error } from "../../src/aws/route53.ts";
import { reconcileDns, route53DnsProvider } from "../../src/domain/dns.ts";
import { motoUnavailable, startMotoOrThrow } from "./_moto.ts";

const CREDENTIALS = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "moto-secret-example" };
const unavailable = await motoUnavailable();
if (unavailable) console.warn(`Skipping the moto Route53 tests: ${unavailable}`);

/** CreateHostedZone, which the service never calls, sent with aws4fetch itself. */
async function createZone(endpoint: string, name: string, reference: string): Promise<string> {
  const aws = new AwsClient({ ...CREDENTIALS, service: "route53", region: "us-east-1" });
  const response = await aws.fetch(`${endpoint}/2013-04-01/hostedzone`, {
    method: "POST",
    headers: { "content-type": "application/xml" },
    body:
      `<CreateHostedZoneRequest xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Name>${name}</Name><CallerReference>${reference}</CallerReference></CreateHostedZoneRequest>`,
  });
  const text = await response.text();
  const id = text.match(/<Id>\/hostedzone\/([^<]+)<\/Id>/)?.[1];
  if (!response.ok || !id) throw new Error(`CreateHostedZone failed: ${response.status} ${text}`);
  return id;
}

Deno.test({
  name: "moto: zones by name, upsert, read back, delete and GetChange",
  ignore: unavailable !== null,
  sanitizeResources: false,
  async fn() {
    const moto = await startMotoOrThrow();
    try {
      const zoneId = await createZone(moto.base, "example.com", "ref-1");
      await createZone(moto.base, "other.org", "ref-2");
      const client = new Route53Client({ credentials: CREDENTIALS, endpoint: moto.base });

      const zones = await client.publicZonesNamed("example.com");
      assertEquals(zones.map((zone) => [zone.id, zone.name, zone.privateZone]), [
        [zoneId, "example.com.", false],
      ]);
      assertEquals(await client.publicZonesNamed("example.net"), []);

      const change = await client.changeResourceRecordSets(zoneId, [
        { action: "UPSERT", name: "game.example.com", type: "A", ttl: 60, values: ["3.1.2.3"] },
        {
          action: "UPSERT",
          name: "game.example.com",
          type: "AAAA",
          ttl: 60,
          values: ["2600:1f14::1"],
        },
      ]);
      assertEquals((await client.getChange(change.id)).id, change.id);

      const a = await client.recordSet(zoneId, "game.example.com", "A");
      assertEquals([a?.name, a?.ttl, a?.values], ["game.example.com.", 60, ["3.1.2.3"]]);

      await client.changeResourceRecordSets(zoneId, [
        { action: "UPSERT", name: "game.example.com", type: "A", ttl: 60, values: ["3.9.9.9"] },
      ]);
      const moved = await client.recordSet(zoneId, "game.example.com", "A");
      assertEquals(moved?.values, ["3.9.9.9"]);

      await client.changeResourceRecordSets(zoneId, [
        { action: "DELETE", name: "game.example.com", type: "A", ttl: 60, values: ["3.9.9.9"] },
      ]);
      assertEquals(await client.recordSet(zoneId, "game.example.com", "A"), null);
      assertEquals(
        (await client.recordSet(zoneId, "game.example.com", "AAAA"))?.values,
        ["2600:1f14::1"],
      );

      const missing = await assertRejects(
        () => client.listResourceRecordSets("ZDOESNOTEXIST"),
        Route53Error,
      );
      assertEquals([missing.code, missing.status], ["NoSuchHostedZone", 404]);
    } finally {
      await moto.stop();
    }
  },
});

Deno.test({
  name: "moto: an instance's name is written on start and deleted on stop by the DNS rules",
  ignore: unavailable !== null,
  sanitizeResources: false,
  async fn() {
    const moto = await startMotoOrThrow();
    try {
      await createZone(moto.base, "example.com", "ref-3");
      await createZone(moto.base, "dev.example.com", "ref-4");
      const client = new Route53Client({ credentials: CREDENTIALS, endpoint: moto.base });
      const provider = route53DnsProvider(client);
      const box = {
        id: "i-0a1b2c3d4e5f60718",
        state: "running",
        publicIpAddress: "3.1.2.3",
        ipv6Address: "2600:1f14::1",
        tags: { "workwork:dns": "game.dev.example.com" },
      };
      const started = await reconcileDns(provider, box);
      assertEquals(started.outcomes.map((o) => o.result), ["created", "created"]);
      const zone = await provider.zoneFor("game.dev.example.com");
      assertEquals(zone.name, "dev.example.com");
      assertEquals((await client.recordSet(zone.id, "game.dev.example.com", "A"))?.values, [
        "3.1.2.3",
      ]);
      // What the wake page reads to say a name resolves: the provider's own record.
      assertEquals(await provider.lookup("game.dev.example.com", "AAAA"), ["2600:1f14::1"]);
      const again = await reconcileDns(provider, box);
      assertEquals(again.outcomes.map((o) => o.result), ["unchanged", "unchanged"]);
      const stopped = await reconcileDns(provider, {
        ...box,
        state: "stopped",
        publicIpAddress: null,
        ipv6Address: null,
      });
      assertEquals(stopped.outcomes.map((o) => o.result), ["deleted", "deleted"]);
      assertEquals(await client.recordSet(zone.id, "game.dev.example.com", "A"), null);
      assertEquals(await client.recordSet(zone.id, "game.dev.example.com", "AAAA"), null);
      assertEquals(await provider.lookup("game.dev.example.com", "A"), []);
    } finally {
      await moto.stop();
    }
  },
});
