import { assert, assertEquals, assertInstanceOf, assertRejects } from "@std/assert";
import { CloudflareDnsClient, CloudflareError } from "../../src/cloudflare/dns.ts";
import { CloudflareDnsSimulator } from "../../src/simulator/cloudflare_dns.ts";

const TOKEN = "cf-token-example-0123456789abcdef";
const NO_JITTER = () => 0;

function setup() {
  const cloudflare = new CloudflareDnsSimulator({
    token: TOKEN,
    zones: [{ name: "example.com", id: "023e105f4ecef8ad9ca31a8372d0c353" }],
  });
  const client = new CloudflareDnsClient({
    token: TOKEN,
    fetch: cloudflare.fetch,
    random: NO_JITTER,
  });
  return { cloudflare, client, zoneId: "023e105f4ecef8ad9ca31a8372d0c353" };
}

Deno.test("the client refuses an empty token and a bad base URL", () => {
  for (const options of [{ token: "" }, { token: TOKEN, baseUrl: "nope" }]) {
    try {
      new CloudflareDnsClient(options);
      throw new Error("no error");
    } catch (error) {
      assertInstanceOf(error, TypeError);
    }
  }
});

Deno.test("requests carry the bearer token and go to the v4 paths", async () => {
  const seen: { method: string; url: string; authorization: string | null; body: string }[] = [];
  const fetch = async (url: string, init: RequestInit) => {
    const request = new Request(url, init);
    seen.push({
      method: request.method,
      url,
      authorization: request.headers.get("authorization"),
      body: await request.text(),
    });
    return Response.json({
      success: true,
      errors: [],
      messages: [],
      result: [{ id: "z1", name: "example.com", status: "active" }],
    });
  };
  const client = new CloudflareDnsClient({ token: TOKEN, fetch });
  await client.zonesNamed("Example.com.");
  assertEquals(seen, [{
    method: "GET",
    url: "https://api.cloudflare.com/client/v4/zones?name=example.com",
    authorization: `Bearer ${TOKEN}`,
    body: "",
  }]);
});

Deno.test("zonesNamed finds a zone by its exact name only", async () => {
  const { client, zoneId } = setup();
  assertEquals(await client.zonesNamed("example.com"), [{
    id: zoneId,
    name: "example.com",
    status: "active",
  }]);
  assertEquals(await client.zonesNamed("game.example.com"), []);
});

Deno.test("a record is created, listed, updated and deleted", async () => {
  const { cloudflare, client, zoneId } = setup();
  const created = await client.createRecord(zoneId, {
    type: "A",
    name: "Game.example.com",
    content: "3.1.2.3",
    ttl: 60,
  });
  assertEquals([created.name, created.content, created.ttl, created.proxied], [
    "game.example.com",
    "3.1.2.3",
    60,
    false,
  ]);
  const listed = await client.records(zoneId, "A", "game.example.com.");
  assertEquals(listed.map((r) => r.id), [created.id]);
  assertEquals(await client.records(zoneId, "AAAA", "game.example.com"), []);
  const updated = await client.updateRecord(zoneId, created.id, { content: "3.9.9.9", ttl: 120 });
  assertEquals([updated.content, updated.ttl], ["3.9.9.9", 120]);
  await client.deleteRecord(zoneId, created.id);
  assertEquals(cloudflare.records(), []);
});

Deno.test("a refused call is a CloudflareError with Cloudflare's codes and no token", async () => {
  const { client, zoneId } = setup();
  const error = await assertRejects(
    () =>
      client.createRecord(zoneId, {
        type: "A",
        name: "game.example.com",
        content: "not-an-ip",
        ttl: 60,
      }),
    CloudflareError,
  );
  assertEquals(error.status, 400);
  assertEquals(error.errors, [{
    code: 9005,
    message: "Content for A record must be a valid IPv4 address.",
  }]);
  assertEquals(
    error.message,
    "Cloudflare refused POST /zones/023e105f4ecef8ad9ca31a8372d0c353/dns_records: 9005 Content for A record must be a valid IPv4 address.",
  );
  const gone = await assertRejects(
    () => client.deleteRecord(zoneId, "0".repeat(32)),
    CloudflareError,
  );
  assert(gone.has(81044));
  const wrong = new CloudflareDnsClient({ token: "wrong-token", fetch: setup().cloudflare.fetch });
  const denied = await assertRejects(() => wrong.zonesNamed("example.com"), CloudflareError);
  assertEquals([denied.status, denied.errors[0].code], [403, 10000]);
  assert(!denied.message.includes("wrong-token"));
});

Deno.test("429 and 5xx are retried; a create is retried only when turned away", async () => {
  const { cloudflare, client, zoneId } = setup();
  cloudflare.fail({
    method: "GET",
    status: 429,
    code: 971,
    message: "Please wait and consider throttling your request speed",
    times: 2,
  });
  assertEquals((await client.zonesNamed("example.com")).length, 1);
  cloudflare.fail({ method: "POST", status: 429, code: 971, message: "slow down" });
  await client.createRecord(zoneId, {
    type: "A",
    name: "a.example.com",
    content: "3.1.2.3",
    ttl: 60,
  });
  cloudflare.fail({ method: "POST", status: 502, code: 0, message: "bad gateway" });
  const error = await assertRejects(
    () =>
      client.createRecord(zoneId, {
        type: "A",
        name: "b.example.com",
        content: "3.1.2.4",
        ttl: 60,
      }),
    CloudflareError,
  );
  assertEquals(error.status, 502);
  assertEquals(cloudflare.records().map((r) => r.name), ["a.example.com"]);
});

Deno.test("an answer that is not JSON, or success:false with 200, is an error", async () => {
  const html = () => Promise.resolve(new Response("<html>oops</html>", { status: 200 }));
  const client = new CloudflareDnsClient({ token: TOKEN, fetch: html, random: NO_JITTER });
  const error = await assertRejects(() => client.zonesNamed("example.com"), CloudflareError);
  assertEquals(error.message, "Cloudflare answered HTTP 200 without JSON");
  const lying = () =>
    Promise.resolve(
      Response.json({ success: false, errors: [{ code: 1000, message: "nope" }], result: null }),
    );
  const other = new CloudflareDnsClient({ token: TOKEN, fetch: lying, random: NO_JITTER });
  const refused = await assertRejects(() => other.zonesNamed("example.com"), CloudflareError);
  assertEquals(refused.errors, [{ code: 1000, message: "nope" }]);
});

Deno.test("records reads every page", async () => {
  const { client, zoneId } = setup();
  for (let i = 0; i < 105; i++) {
    await client.createRecord(zoneId, {
      type: "A",
      name: "many.example.com",
      content: `3.1.${i >> 8}.${i & 255}`,
      ttl: 60,
    });
  }
  assertEquals((await client.records(zoneId, "A", "many.example.com")).length, 105);
});
