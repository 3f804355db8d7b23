/**
 * The wake-up page from a signed `start` link, in-process on the EC2
 * simulator: the link alone (no key, no session) reads the status and starts
 * its one instance; a link for another instance, region or action, an expired,
 * tampered or foreign one is refused in JSON and EC2 is never asked to start.
 */
import { assert, assertEquals } from "@std/assert";
import { LinkSigner } from "../../../src/domain/links.ts";
import type { SimulatedInstanceSeed } from "../../../src/simulator/ec2.ts";
import { errorOf, KEYED, LINK_SECRET, PUBLIC_URL, REGION, testService } from "../../_helpers.ts";

const GAME_ID = "i-0b2c3d4e5f6071829";
const OTHER_ID = "i-0c3d4e5f607182930";
const HOUR = 3_600_000;
const INSTANCES: SimulatedInstanceSeed[] = [
  { id: GAME_ID, region: REGION, state: "stopped", tags: { Name: "game-server" } },
  { id: OTHER_ID, region: REGION, state: "stopped", tags: { Name: "other" } },
];

async function linkedService(options: { links?: boolean } = {}) {
  const service = await testService({
    instances: INSTANCES,
    transitionMs: 0,
    links: options.links === false ? undefined : { secret: LINK_SECRET, publicUrl: PUBLIC_URL },
  });
  const signer = new LinkSigner(LINK_SECRET, PUBLIC_URL);
  /** The token of a link, as `deno task link` puts it in the wake URL's fragment. */
  const token = async (
    link: {
      action?: "start" | "stop" | "keep_1h";
      region?: string;
      instanceId?: string;
      expires?: number;
    } = {},
  ) =>
    await signer.token({
      action: link.action ?? "start",
      region: link.region ?? REGION,
      instanceId: link.instanceId ?? GAME_ID,
      expires: link.expires ?? service.clock.now + HOUR,
    });
  const starts = () => service.simulator.calls.filter((call) => call.action === "StartInstances");
  const withLink = (value: string, init: RequestInit = {}) => ({
    ...init,
    headers: { "x-workwork-link": value, ...init.headers },
  });
  return { ...service, token, starts, withLink };
}

Deno.test("a start link alone reads the status and wakes its box, audited as a link", async () => {
  const { app, simulator, token, starts, withLink, audit } = await linkedService();
  const url = await new LinkSigner(LINK_SECRET, PUBLIC_URL).wakeUrl({
    region: REGION,
    instanceId: GAME_ID,
    expires: Date.parse("2026-11-26T13:00:00Z"),
  });
  const [page, fragment] = url.split("#");
  assertEquals(page, `${PUBLIC_URL}wake/${REGION}/${GAME_ID}`);
  const link = new URLSearchParams(fragment).get("link")!;
  assertEquals(link, await token());
  // The page as the browser fetches it: no fragment, no key, nothing read.
  assertEquals((await app.request(new URL(page).pathname)).status, 200);
  const status = await app.request(`/wake/${REGION}/${GAME_ID}/status`, withLink(link));
  assertEquals(status.status, 200);
  const body = await status.json();
  assertEquals([body.instance_id, body.state, body.may_start], [GAME_ID, "stopped", true]);
  // By its Name too: the look-up sees only the link's instance.
  const byName = await app.request(`/wake/${REGION}/game-server/status`, withLink(link));
  assertEquals((await byName.json()).instance_id, GAME_ID);
  assertEquals(starts(), [], "reading the status started nothing");
  assertEquals(simulator.instance(REGION, GAME_ID)?.state, "stopped");

  const started = await app.request(
    `/wake/${REGION}/${GAME_ID}/start`,
    withLink(link, { method: "POST" }),
  );
  assertEquals(started.status, 202);
  assertEquals((await started.json()).instance_id, GAME_ID);
  assertEquals(starts().length, 1);
  assert(["pending", "running"].includes(simulator.instance(REGION, GAME_ID)!.state));
  assertEquals(simulator.instance(REGION, OTHER_ID)?.state, "stopped");

  const lines = audit.map((line) => JSON.parse(line));
  assertEquals(
    lines.filter(({ event }) => event === "link").map((
      { action, region, instance_id, outcome },
    ) => [action, region, instance_id, outcome]),
    [["start", REGION, GAME_ID, "done"]],
  );
  const request = lines.find((line) => line.method === "POST" && line.status === 202);
  assertEquals([request.key, request.action, request.instance], ["signed link", "start", GAME_ID]);
  for (const line of audit) {
    assert(!line.includes(link.split(".")[1]), "no audit line carries the link's signature");
    assert(!line.includes(LINK_SECRET));
  }
});

Deno.test("wrong, expired, tampered or foreign links are refused in JSON and start nothing", async () => {
  const { app, simulator, token, starts, withLink, clock } = await linkedService();
  const good = await token();
  const [payload, signature] = good.split(".");
  const flipped = signature.slice(0, -2) + (signature.endsWith("AA") ? "BB" : "AA");
  const foreign = await new LinkSigner("another-secret-of-at-least-32-characters", PUBLIC_URL)
    .token({ action: "start", region: REGION, instanceId: GAME_ID, expires: clock.now + HOUR });
  const cases: [string, string, number, string][] = [
    [
      "for another instance",
      await token({ instanceId: OTHER_ID }),
      403,
      "This link is for another instance",
    ],
    [
      "for another region",
      await token({ region: "eu-west-1" }),
      403,
      "This link is for another instance",
    ],
    ["for another action", await token({ action: "stop" }), 403, 'This link may "stop", not start'],
    ["expired", await token({ expires: clock.now - 1 }), 410, "This link has expired"],
    ["tampered signature", `${payload}.${flipped}`, 401, "This link is not valid"],
    ["no signature", payload, 401, "This link is not valid"],
    ["signed with another secret", foreign, 401, "This link is not valid"],
    ["not a token", "not-a-token", 401, "This link is not valid"],
    ["far too long", "x".repeat(5000), 401, "This link is not valid"],
  ];
  for (const [what, link, status, title] of cases) {
    for (const [path, method] of [["status", "GET"], ["start", "POST"]]) {
      const response = await app.request(
        `/wake/${REGION}/${GAME_ID}/${path}`,
        withLink(link, { method }),
      );
      assertEquals(response.status, status, `${what}: ${method} ${path}`);
      assert(response.headers.get("content-type")!.includes("application/json"), what);
      assertEquals(await errorOf(response), { id: "link", title }, `${what}: ${method} ${path}`);
    }
  }
  // A link for another box, with that box's Name in the path: it is not found, not started.
  const byName = await app.request(
    `/wake/${REGION}/game-server/start`,
    withLink(await token({ instanceId: OTHER_ID }), { method: "POST" }),
  );
  assertEquals(byName.status, 404);
  assertEquals(starts(), []);
  assertEquals(simulator.instance(REGION, GAME_ID)?.state, "stopped");
  assertEquals(simulator.instance(REGION, OTHER_ID)?.state, "stopped");
});

Deno.test("a bad link is not rescued by a key, and a link opens no other route", async () => {
  const { app, token, starts, withLink } = await linkedService();
  const expired = await app.request(
    `/wake/${REGION}/${GAME_ID}/start`,
    withLink(await token({ expires: 0 }), { method: "POST", headers: KEYED }),
  );
  assertEquals(expired.status, 410, "the link decides once it is sent");
  const good = await token();
  // The instance API wants a key: a wake link is none.
  const api = await app.request(
    `/instance/${REGION}/${GAME_ID}/start`,
    withLink(good, { method: "POST" }),
  );
  assertEquals(api.status, 422);
  assertEquals(starts(), []);
  // Without the header, the page's calls work with a key as before.
  const keyed = await app.request(`/wake/${REGION}/${GAME_ID}/status`, { headers: KEYED });
  assertEquals(keyed.status, 200);
});

Deno.test("without LINK_SECRET and PUBLIC_URL every link is refused", async () => {
  const { app, token, starts, withLink } = await linkedService({ links: false });
  const response = await app.request(
    `/wake/${REGION}/${GAME_ID}/start`,
    withLink(await token(), { method: "POST" }),
  );
  assertEquals(response.status, 401);
  assertEquals(await errorOf(response), {
    id: "link",
    title: "Links are not configured on this service",
  });
  assertEquals(starts(), []);
});

Deno.test("a wake start writes workwork:last_change: by signed link, or by the key's name", async () => {
  const { app, simulator, token, withLink, clock } = await linkedService();
  const link = await token();
  const byLink = await app.request(
    `/wake/${REGION}/${GAME_ID}/start`,
    withLink(link, { method: "POST" }),
  );
  assertEquals(byLink.status, 202);
  assertEquals(
    simulator.instance(REGION, GAME_ID)?.tags["workwork:last_change"],
    "2026-11-26T12:00:00.000Z start by signed link",
  );
  clock.now += 60_000;
  const byKey = await app.request(`/wake/${REGION}/${OTHER_ID}/start`, {
    method: "POST",
    headers: KEYED,
  });
  assertEquals(byKey.status, 202);
  assertEquals(
    simulator.instance(REGION, OTHER_ID)?.tags["workwork:last_change"],
    "2026-11-26T12:01:00.000Z start by key default",
  );
});

Deno.test("a wake start takes no options: dry_run in the query or the body is refused, nothing starts", async () => {
  const { app, simulator, starts } = await linkedService();
  for (
    const init of [
      { path: "?dry_run=true", body: undefined },
      { path: "", body: JSON.stringify({ dry_run: true }) },
    ]
  ) {
    const response = await app.request(`/wake/${REGION}/${GAME_ID}/start${init.path}`, {
      method: "POST",
      headers: { ...KEYED, "content-type": "application/json" },
      body: init.body,
    });
    assertEquals(response.status, 422, init.path || init.body);
    assertEquals((await errorOf(response)).id, "dry_run");
  }
  assertEquals(starts(), []);
  assertEquals(simulator.instance(REGION, GAME_ID)?.state, "stopped");
});

Deno.test("a wake start by link whose start_time write fails is audited done_without_start_time", async () => {
  const { app, simulator, token, withLink, audit } = await linkedService();
  simulator.inject({
    action: "CreateTags",
    times: 5,
    fault: { kind: "error", code: "InternalError" },
  });
  const response = await app.request(
    `/wake/${REGION}/${GAME_ID}/start`,
    withLink(await token(), { method: "POST" }),
  );
  assertEquals(response.status, 502);
  const error = await errorOf(response);
  assertEquals(error.id, "start_time");
  assert(error.title.includes("accepted"), error.title);
  assertEquals(simulator.instance(REGION, GAME_ID)?.state, "running");
  const links = audit.map((line) => JSON.parse(line)).filter(({ event }) => event === "link");
  assertEquals(links.map(({ outcome }) => outcome), ["done_without_start_time"]);
});

Deno.test("the wake page's Name is matched exactly: wildcards are escaped, a backslash is a backslash", async () => {
  const service = await testService({
    transitionMs: 0,
    instances: [
      ...INSTANCES,
      {
        id: "i-0d4e5f60718293a4b",
        region: REGION,
        state: "stopped",
        tags: { Name: "back\\slash" },
      },
    ],
  });
  const star = await service.app.request(`/wake/${REGION}/*/status`, { headers: KEYED });
  assertEquals(star.status, 404);
  const sent = service.simulator.calls.filter((call) => call.action === "DescribeInstances")
    .flatMap((call) => Object.values(call.params).filter((value) => value.includes("*")));
  assertEquals(sent, ["\\*"]);
  const odd = await service.app.request(`/wake/${REGION}/back%5Cslash/status`, { headers: KEYED });
  assertEquals(odd.status, 200);
  assertEquals((await odd.json()).instance_id, "i-0d4e5f60718293a4b");
  const folded = await service.app.request(`/wake/${REGION}/Game-Server/status`, {
    headers: KEYED,
  });
  assertEquals(folded.status, 404);
});
