/**
 * The wake-up page and its two calls, in-process on the EC2 and Route53
 * simulators: the page changes and tells nothing, the status needs the
 * session (or a key), the start wakes the box and the status says when its
 * name points at it and where the browser goes next.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { Route53Client } from "../../../src/aws/route53.ts";
import { route53DnsProvider } from "../../../src/domain/dns.ts";
import { Route53Simulator } from "../../../src/simulator/route53.ts";
import type { SimulatedInstanceSeed } from "../../../src/simulator/ec2.ts";
import { API_KEY, AWS_SECRET, errorOf, KEYED, REGION, testService } from "../../_helpers.ts";

const SITE = "https://workwork.example";
const FROM_PAGE = { "sec-fetch-site": "same-origin" };
const GAME_ID = "i-0b2c3d4e5f6071829";
const READ_ONLY_KEY = "read-only-key-for-the-wake-tests-1234";

const INSTANCES: SimulatedInstanceSeed[] = [
  {
    id: GAME_ID,
    region: REGION,
    state: "stopped",
    tags: {
      Name: "game-server",
      start_time: "",
      "workwork:dns": "game.example.com",
      "workwork:url": "https://game.example.com:8443/",
    },
  },
  {
    id: "i-0c3d4e5f607182930",
    region: REGION,
    state: "running",
    tags: { Name: "twin", "workwork:url": "javascript:alert(1)" },
  },
  { id: "i-0d4e5f60718293a4b", region: REGION, state: "running", tags: { Name: "twin" } },
  {
    id: "i-0f60718293a4b5c6d",
    region: REGION,
    state: "running",
    tags: { Name: "web", "workwork:dns": "web.example.com" },
  },
  {
    id: "i-0e5f60718293a4b5c",
    region: REGION,
    state: "running",
    tags: { Name: "evil-url", "workwork:url": "javascript:alert(1)" },
  },
];

async function wakeService() {
  const route53 = new Route53Simulator({ zones: [{ name: "example.com" }] });
  const client = new Route53Client({
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: AWS_SECRET },
    fetch: route53.fetch,
    random: () => 0,
  });
  const service = await testService({
    instances: INSTANCES,
    dns: { provider: route53DnsProvider(client), ttl: 60 },
    keys: { [READ_ONLY_KEY]: { name: "viewer", scope: { actions: new Set(["read"]) } } },
  });
  const background: Promise<unknown>[] = [];
  const context = {
    waitUntil: (work: Promise<unknown>) => background.push(work),
    passThroughOnException: () => {},
    props: {},
  };
  const request = async (path: string, init: RequestInit = {}) =>
    await service.app.request(`${SITE}${path}`, init, {}, context);
  const settled = async () => {
    while (background.length) await background.shift();
  };
  return { ...service, route53, request, settled };
}

async function signedIn(request: (path: string, init?: RequestInit) => Promise<Response>) {
  const response = await request("/session", {
    method: "POST",
    headers: { "content-type": "application/json", origin: SITE, ...FROM_PAGE },
    body: JSON.stringify({ api_key: API_KEY }),
  });
  assertEquals(response.status, 200);
  return response.headers.get("set-cookie")!.split(";")[0];
}

Deno.test("GET /wake/… is a page that reads nothing and changes nothing", async () => {
  const { request, simulator, route53 } = await wakeService();
  const response = await request(`/wake/${REGION}/game-server`, {
    headers: { "user-agent": "Slackbot-LinkExpanding 1.0" },
  });
  assertEquals(response.status, 200);
  assertStringIncludes(response.headers.get("content-type")!, "text/html");
  assertStringIncludes(response.headers.get("content-security-policy")!, "script-src 'nonce-");
  const page = await response.text();
  assertStringIncludes(page, '<h1 id="name">game-server</h1>');
  assert(!page.includes(GAME_ID), "the page says nothing of the instance");
  assertEquals(simulator.calls, []);
  assertEquals(route53.calls, []);
  // Even signed in, a GET of the page or the status never starts the box.
  const cookie = await signedIn(request);
  await request(`/wake/${REGION}/game-server`, { headers: { cookie } });
  await request(`/wake/${REGION}/game-server/status`, { headers: { cookie, ...FROM_PAGE } });
  assertEquals(simulator.calls.filter((call) => call.action === "StartInstances"), []);
});

Deno.test("the page escapes the name it was given", async () => {
  const { request } = await wakeService();
  const page = await (await request(`/wake/${REGION}/${encodeURIComponent("<b>x</b>")}`)).text();
  assert(!page.includes("<b>x</b>"));
  assertStringIncludes(page, "&lt;b&gt;x&lt;/b&gt;");
});

Deno.test("the status needs the session from the page itself, or a key", async () => {
  const { request } = await wakeService();
  const anonymous = await request(`/wake/${REGION}/game-server/status`, { headers: FROM_PAGE });
  assertEquals(anonymous.status, 422);
  const cookie = await signedIn(request);
  const copied = await request(`/wake/${REGION}/game-server/status`, { headers: { cookie } });
  assertEquals(copied.status, 422, "a copied cookie is no key");
  const fromPage = await request(`/wake/${REGION}/game-server/status`, {
    headers: { cookie, ...FROM_PAGE },
  });
  assertEquals(fromPage.status, 200);
  const status = await fromPage.json();
  assertEquals(
    [status.instance_id, status.state, status.ready, status.may_start],
    [GAME_ID, "stopped", false, true],
  );
  assertEquals(status.url, "https://game.example.com:8443/");
  const keyed = await request(`/wake/${REGION}/${GAME_ID}/status`, { headers: KEYED });
  assertEquals((await keyed.json()).name, "game-server");
});

Deno.test("names: unknown is 404, shared by two is 409, a bad region 422", async () => {
  const { request } = await wakeService();
  const unknown = await request(`/wake/${REGION}/nope/status`, { headers: KEYED });
  assertEquals([unknown.status, (await errorOf(unknown)).id], [404, "instance_id"]);
  const twin = await request(`/wake/${REGION}/twin/status`, { headers: KEYED });
  assertEquals(twin.status, 409);
  assertStringIncludes((await errorOf(twin)).title, "use the instance id");
  const region = await request(`/wake/mars-1/game-server/status`, { headers: KEYED });
  assertEquals(region.status, 422);
  const page = await request(`/wake/mars-1/game-server`);
  assertEquals([page.status, (await errorOf(page)).id], [422, "region"]);
});

Deno.test("POST …/start wakes the box; the status turns ready once its name points at it", async () => {
  const { request, simulator, settled, audit } = await wakeService();
  const cookie = await signedIn(request);
  const headers = { cookie, origin: SITE, ...FROM_PAGE };
  const started = await request(`/wake/${REGION}/game-server/start`, { method: "POST", headers });
  assertEquals(started.status, 202);
  assertEquals((await started.json()).instance_id, GAME_ID);
  assertEquals(simulator.instance(REGION, GAME_ID)!.state, "pending");

  await settled();
  const ip = simulator.instance(REGION, GAME_ID)!.publicIpAddress;
  const ready = await (await request(`/wake/${REGION}/game-server/status`, { headers })).json();
  assertEquals(ready.names, [{
    name: "game.example.com",
    type: "A",
    expected: ip,
    found: [ip],
    resolves: true,
  }]);
  assertEquals([ready.ready, ready.url], [true, "https://game.example.com:8443/"]);
  // The start is audited under the key's name, the Name from the path is not.
  const line = audit.map((entry) => JSON.parse(entry)).find((entry) => entry.action === "start");
  assertEquals([line.key, line.region, line.instance, line.status], ["default", REGION, null, 202]);
});

Deno.test("a start from another site's page is refused, and a key that may only read cannot start", async () => {
  const { request, simulator } = await wakeService();
  const cookie = await signedIn(request);
  const crossSite = await request(`/wake/${REGION}/game-server/start`, {
    method: "POST",
    headers: { cookie, origin: "https://evil.example", "sec-fetch-site": "cross-site" },
  });
  assertEquals(crossSite.status, 422, "the session is never taken from another site");
  const viewer = { "x-api-key": READ_ONLY_KEY };
  const status = await (await request(`/wake/${REGION}/game-server/status`, { headers: viewer }))
    .json();
  assertEquals(status.may_start, false);
  const refused = await request(`/wake/${REGION}/game-server/start`, {
    method: "POST",
    headers: viewer,
  });
  assertEquals([refused.status, (await errorOf(refused)).id], [403, "scope"]);
  assertEquals(simulator.calls.filter((call) => call.action === "StartInstances"), []);
});

Deno.test("a running box whose name has no record yet is not ready", async () => {
  const { request } = await wakeService();
  const status = await (await request(`/wake/${REGION}/web/status`, { headers: KEYED })).json();
  assertEquals([status.state, status.resolves, status.ready], ["running", false, false]);
  assertEquals(status.names.map((n: { type: string; found: string[] }) => [n.type, n.found]), [
    ["A", []],
  ]);
});

Deno.test("workwork:url is followed only when it is an http or https URL", async () => {
  const { request } = await wakeService();
  const status = await (await request(`/wake/${REGION}/evil-url/status`, { headers: KEYED }))
    .json();
  assertEquals(status.url, null);
  assertStringIncludes(status.url_problem, "only http and https URLs are followed");
  assertEquals(status.ready, true, "running, with no name to wait for");
});

Deno.test("the wake routes answer 405 for other methods", async () => {
  const { request } = await wakeService();
  assertEquals((await request(`/wake/${REGION}/game-server`, { method: "POST" })).status, 405);
  const get = await request(`/wake/${REGION}/game-server/start`, { headers: KEYED });
  assertEquals([get.status, get.headers.get("allow")], [405, "POST"]);
});
