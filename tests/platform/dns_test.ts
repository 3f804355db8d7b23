/**
 * Which DNS provider the service writes with, and that the Cloudflare token
 * stays out of every answer and log line.
 */
import { assert, assertEquals } from "@std/assert";
import { loadConfig } from "../../src/config/settings.ts";
import { dnsSettings } from "../../src/platform/dns.ts";
import { createService } from "../../src/platform/service.ts";
import { CloudflareDnsSimulator } from "../../src/simulator/cloudflare_dns.ts";
import { Ec2Simulator } from "../../src/simulator/ec2.ts";

const BASE = { API_KEY: "k", AWS_ACCESS_KEY_ID: "AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY: "secret" };
const TOKEN = "cf-secret-token-example-1234";
const GAME_ID = "i-0b2c3d4e5f6071829";

Deno.test("Cloudflare when CLOUDFLARE_API_TOKEN is set, Route53 otherwise, none without credentials", () => {
  const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" };
  const cloudflare = dnsSettings(loadConfig({ ...BASE, CLOUDFLARE_API_TOKEN: TOKEN }), {
    credentials,
  });
  assertEquals(cloudflare?.provider.name, "cloudflare");
  const route53 = dnsSettings(loadConfig({ ...BASE, DNS_TTL: "120" }), { credentials });
  assertEquals([route53?.provider.name, route53?.ttl], ["route53", 120]);
  assertEquals(dnsSettings(loadConfig({ API_KEY: "k" }), { credentials: null }), null);
});

Deno.test("Route53 calls go to AWS_ENDPOINT_URL_ROUTE_53, signed for us-east-1 with the EC2 credentials", async () => {
  const seen: Request[] = [];
  const fetch = (url: string, init: RequestInit) => {
    seen.push(new Request(url, init));
    return Promise.resolve(new Response("<nope/>", { status: 500 }));
  };
  const settings = dnsSettings(
    loadConfig({ ...BASE, AWS_ENDPOINT_URL_ROUTE_53: "http://127.0.0.1:9/" }),
    {
      credentials: () =>
        Promise.resolve({ accessKeyId: "AKIDREFRESHED", secretAccessKey: "secret" }),
      fetch,
    },
  );
  await settings!.provider.zoneFor("game.example.com").catch(() => {});
  assert(seen.length > 0);
  assertEquals(new URL(seen[0].url).origin, "http://127.0.0.1:9");
  const authorization = seen[0].headers.get("authorization") ?? "";
  assert(authorization.includes("Credential=AKIDREFRESHED/"), authorization);
  assert(authorization.includes("/us-east-1/route53/aws4_request"), authorization);
});

Deno.test("with CLOUDFLARE_API_TOKEN the service writes to Cloudflare, and the token is in no answer or log line", async () => {
  const lines: string[] = [];
  const ec2 = new Ec2Simulator({
    instances: [{
      id: GAME_ID,
      region: "us-west-2",
      state: "stopped",
      tags: { Name: "game", "workwork:dns": "game.example.com" },
    }],
    transitionMs: 0,
  });
  const cloudflare = new CloudflareDnsSimulator({ token: TOKEN });
  cloudflare.addZone({ name: "example.com" });
  const service = await createService({ ...BASE, CLOUDFLARE_API_TOKEN: TOKEN }, {
    log: (line) => lines.push(line),
    audit: (line) => lines.push(line),
    fetch: (url, init) =>
      new URL(url).hostname === "api.cloudflare.com"
        ? cloudflare.fetch(url, init)
        : ec2.fetch(url, init),
  });
  const started = await service.app.request(`/instance/us-west-2/${GAME_ID}/start?wait=true`, {
    method: "POST",
    headers: { "x-api-key": "k" },
  });
  const body = await started.text();
  assertEquals(JSON.parse(body).dns.provider, "cloudflare");
  assertEquals(cloudflare.records().map((r) => `${r.type} ${r.name}`), ["A game.example.com"]);
  const status = await service.app.request("/wake/us-west-2/game/status", {
    headers: { "x-api-key": "k" },
  });
  assertEquals((await status.json()).ready, true);
  assert(!body.includes(TOKEN));
  assert(lines.length > 0);
  assert(!lines.join("\n").includes(TOKEN));
});
