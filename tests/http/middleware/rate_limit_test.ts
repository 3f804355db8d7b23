import { assertEquals, assertThrows } from "@std/assert";
import { FailureLimiter, limiterKey } from "../../../src/http/middleware/rate_limit.ts";
import {
  API_KEY,
  errorOf,
  KEYED,
  REGION,
  RUNNING_ID,
  STOPPED_ID,
  testService,
} from "../../_helpers.ts";

const READ = `/instance/${REGION}/${RUNNING_ID}`;
const ATTACKER = { clientAddress: "203.0.113.7" };
const NEIGHBOUR = { clientAddress: "198.51.100.20" };

function wrongKey(n: number): RequestInit {
  return { headers: { "x-api-key": `guess-${n}` } };
}

Deno.test("an address out of failed key attempts gets 429 with Retry-After, even with the right key", async () => {
  const { app, simulator } = await testService();
  for (let n = 0; n < 10; n++) {
    assertEquals((await app.request(READ, wrongKey(n), ATTACKER)).status, 401, `attempt ${n}`);
  }
  const blocked = await app.request(READ, wrongKey(10), ATTACKER);
  assertEquals(blocked.status, 429);
  assertEquals(blocked.headers.get("retry-after"), "6");
  assertEquals(await errorOf(blocked), {
    id: "api_key",
    title: "Too many failed api key attempts from this address: try again in 6 s",
  });
  // The key is not even checked while blocked, so a hit would not show.
  const right = await app.request(READ, { headers: KEYED }, ATTACKER);
  assertEquals(right.status, 429);
  assertEquals(simulator.calls.length, 0);
});

Deno.test("other addresses are never slowed by one address's failures", async () => {
  const { app } = await testService();
  for (let n = 0; n < 15; n++) await app.request(READ, wrongKey(n), ATTACKER);
  assertEquals((await app.request(READ, { headers: KEYED }, NEIGHBOUR)).status, 200);
  assertEquals((await app.request(READ, wrongKey(99), NEIGHBOUR)).status, 401);
  assertEquals((await app.request(READ, { headers: KEYED }, NEIGHBOUR)).status, 200);
});

Deno.test("failed attempts are earned back one every 6 seconds", async () => {
  const { app, clock } = await testService();
  for (let n = 0; n < 10; n++) await app.request(READ, wrongKey(n), ATTACKER);
  clock.now += 3_000;
  const blocked = await app.request(READ, { headers: KEYED }, ATTACKER);
  assertEquals(blocked.headers.get("retry-after"), "3");
  clock.now += 3_000;
  assertEquals((await app.request(READ, { headers: KEYED }, ATTACKER)).status, 200);
  assertEquals((await app.request(READ, wrongKey(11), ATTACKER)).status, 401);
  assertEquals((await app.request(READ, wrongKey(12), ATTACKER)).status, 429);
  clock.now += 60_000;
  for (let n = 0; n < 10; n++) {
    assertEquals((await app.request(READ, wrongKey(n), ATTACKER)).status, 401);
  }
});

Deno.test("a success does not reset the count, and requests with no key cost nothing", async () => {
  const { app } = await testService();
  for (let n = 0; n < 20; n++) {
    assertEquals((await app.request(READ, {}, ATTACKER)).status, 422);
  }
  for (let n = 0; n < 9; n++) await app.request(READ, wrongKey(n), ATTACKER);
  assertEquals((await app.request(READ, { headers: KEYED }, ATTACKER)).status, 200);
  assertEquals((await app.request(READ, wrongKey(9), ATTACKER)).status, 401);
  assertEquals((await app.request(READ, { headers: KEYED }, ATTACKER)).status, 429);
});

Deno.test("wrong keys in the JSON body count like wrong keys in headers", async () => {
  const { app } = await testService();
  const post = (key: string) => ({
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ api_key: key }),
  });
  for (let n = 0; n < 10; n++) {
    await app.request(`${READ}/stop`, post(`guess-${n}`), ATTACKER);
  }
  const blocked = await app.request(`${READ}/stop`, post(API_KEY), ATTACKER);
  assertEquals(blocked.status, 429);
});

Deno.test("the limiter tracks a bounded number of addresses", () => {
  let now = 0;
  const limiter = new FailureLimiter({ maxTracked: 100, now: () => now });
  for (let i = 0; i < 1000; i++) limiter.fail(`10.0.${i >> 8}.${i & 255}`);
  assertEquals(limiter.size, 100);
  for (let n = 0; n < 10; n++) limiter.fail("10.0.3.231");
  assertEquals(limiter.retryAfter("10.0.3.231"), 6);
  now += 60_000;
  assertEquals(limiter.retryAfter("10.0.3.231"), 0);
  assertThrows(() => new FailureLimiter({ maxTracked: 0 }), RangeError, "maxTracked");
});

Deno.test("IPv6 clients are counted by their /64, IPv4-mapped ones as IPv4", () => {
  assertEquals(limiterKey("2001:db8:1:2:3:4:5:6"), "2001:db8:1:2::/64");
  assertEquals(limiterKey("2001:db8:1:2::9"), "2001:db8:1:2::/64");
  assertEquals(limiterKey("2001:0DB8:0001:0002::"), "2001:db8:1:2::/64");
  assertEquals(limiterKey("2001:db8::1"), "2001:db8:0:0::/64");
  assertEquals(limiterKey("::1"), "0:0:0:0::/64");
  assertEquals(limiterKey("::ffff:192.0.2.1"), "192.0.2.1");
  assertEquals(limiterKey("192.0.2.1"), "192.0.2.1");
  assertEquals(limiterKey("fe80::1%eth0"), "fe80:0:0:0::/64");
  const limiter = new FailureLimiter({ burst: 2 });
  limiter.fail("2001:db8:1:2::a");
  limiter.fail("2001:db8:1:2::b");
  assertEquals(limiter.retryAfter("2001:db8:1:2:ffff::1") > 0, true);
  assertEquals(limiter.retryAfter("2001:db8:1:3::a"), 0);
});

/** A POST whose JSON body waits until `release()` is called. */
function heldBack(key: string) {
  let release!: () => void;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      release = () => {
        controller.enqueue(new TextEncoder().encode(JSON.stringify({ api_key: key })));
        controller.close();
      };
    },
  });
  const init = {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
    duplex: "half",
  } as RequestInit;
  return { init, release: () => release() };
}

Deno.test("requests held back together get no more key checks than the burst: the right key sent after them is refused", async () => {
  const { app, simulator } = await testService();
  const start = `http://localhost/instance/${REGION}/${STOPPED_ID}/start`;
  const guesses = Array.from({ length: 1000 }, (_, n) => heldBack(`guess-${n}`));
  const pending = guesses.map(({ init }) => app.request(start, init, ATTACKER));
  const right = heldBack(API_KEY);
  const lastOne = app.request(start, right.init, ATTACKER);
  // Every request has arrived and passed the door before any key is read.
  await new Promise((resolve) => setTimeout(resolve, 0));
  for (const guess of guesses) guess.release();
  const statuses = (await Promise.all(pending)).map((response) => response.status);
  right.release();
  const found = await lastOne;
  const count = (status: number) => statuses.filter((s) => s === status).length;
  assertEquals({ 401: count(401), 429: count(429) }, { 401: 10, 429: 990 });
  assertEquals(found.status, 429);
  assertEquals(simulator.instance(REGION, STOPPED_ID)?.state, "stopped");
});

Deno.test("header keys sent all at once are compared at most burst times", async () => {
  const { app } = await testService();
  const answers = await Promise.all(
    Array.from({ length: 200 }, (_, n) => app.request(READ, wrongKey(n), ATTACKER)),
  );
  const statuses = answers.map((response) => response.status);
  assertEquals(statuses.filter((s) => s === 401).length, 10);
  assertEquals(statuses.filter((s) => s === 429).length, 190);
  assertEquals((await app.request(READ, { headers: KEYED }, ATTACKER)).status, 429);
});

Deno.test("a right key in flight with wrong ones gets its attempt back", async () => {
  const { app } = await testService();
  const answers = await Promise.all([
    ...Array.from({ length: 5 }, (_, n) => app.request(READ, wrongKey(n), ATTACKER)),
    ...Array.from({ length: 5 }, () => app.request(READ, { headers: KEYED }, ATTACKER)),
  ]);
  assertEquals(answers.map((response) => response.status), [
    ...Array(5).fill(401),
    ...Array(5).fill(200),
  ]);
  for (let n = 0; n < 5; n++) {
    assertEquals((await app.request(READ, wrongKey(n + 5), ATTACKER)).status, 401);
  }
  assertEquals((await app.request(READ, wrongKey(11), ATTACKER)).status, 429);
});

Deno.test("many right-key requests at once from one address are all served: a check waits for those in flight", async () => {
  const { app, simulator } = await testService();
  // Bodies held back so all 40 reach the key check together, before any key has matched once.
  const right = Array.from({ length: 40 }, () => heldBack(API_KEY));
  const start = `http://localhost/instance/${REGION}/${STOPPED_ID}/start`;
  const pending = right.map(({ init }) => app.request(start, init, ATTACKER));
  await new Promise((resolve) => setTimeout(resolve, 0));
  for (const request of right) request.release();
  const statuses = (await Promise.all(pending)).map((response) => response.status);
  assertEquals(statuses, Array(40).fill(204));
  assertEquals(simulator.instance(REGION, STOPPED_ID)?.state, "pending");
  // Nothing was spent: ten wrong keys are still allowed, the eleventh is not.
  for (let n = 0; n < 10; n++) {
    assertEquals((await app.request(READ, wrongKey(n), ATTACKER)).status, 401);
  }
  assertEquals((await app.request(READ, wrongKey(10), ATTACKER)).status, 429);
});

Deno.test("a reservation waits while checks are in flight, and is refused once none is", async () => {
  const limiter = new FailureLimiter({ burst: 1 });
  const first = await limiter.reserve("192.0.2.9");
  if (!first) throw new Error("the first check must get its attempt");
  let second: unknown = "waiting";
  const waiting = limiter.reserve("192.0.2.9").then((attempt) => second = attempt);
  await new Promise((resolve) => setTimeout(resolve, 0));
  assertEquals(second, "waiting");
  assertEquals(limiter.refuses("192.0.2.9"), false);
  first.spend();
  await waiting;
  // The first check's key did not match: its attempt stays spent, so the waiter is refused.
  assertEquals(second, null);
  assertEquals(limiter.refuses("192.0.2.9"), true);
});

Deno.test("IPv4 carried in IPv6, mapped in dotted or hex form or behind NAT64, is limited as that IPv4", () => {
  for (
    const form of [
      "::ffff:192.0.2.1",
      "::FFFF:192.0.2.1",
      "::ffff:c000:201",
      "0:0:0:0:0:ffff:c000:0201",
      "64:ff9b::192.0.2.1",
      "64:ff9b::c000:201",
      "0064:ff9b:0:0:0:0:c000:201",
    ]
  ) {
    assertEquals(limiterKey(form), "192.0.2.1", form);
  }
  // Two different IPv4 clients behind NAT64 are two buckets, not one /64.
  assertEquals(limiterKey("64:ff9b::198.51.100.20"), "198.51.100.20");
  const limiter = new FailureLimiter({ burst: 2 });
  limiter.fail("::ffff:c000:201");
  limiter.fail("64:ff9b::c000:201");
  assertEquals(limiter.retryAfter("192.0.2.1") > 0, true);
  assertEquals(limiter.retryAfter("64:ff9b::198.51.100.20"), 0);
  assertEquals(limiter.retryAfter("::ffff:198.51.100.20"), 0);
});
