/**
 * The shared retry machinery on its own; each client's tests pin how it uses
 * it (tests/aws/ec2_faults_test.ts, cloudwatch_test.ts, route53_test.ts,
 * tests/cloudflare/dns_test.ts).
 */
import { assertEquals, assertRejects, assertStrictEquals } from "@std/assert";
import { backoff, deadline, withRetries } from "../../src/net/retry.ts";

const POLICY = { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 2_000 };

/**
 * Watches the timers `run` sets: each is asked for its delay and, unless
 * `hold`, run at once (no test waits on the clock); `pending` are those
 * neither run nor cleared when `run` ends.
 */
async function watchingTimers(
  run: () => Promise<void>,
  { hold = false } = {},
): Promise<{ delays: number[]; pending: number }> {
  const delays: number[] = [];
  const live = new Set<ReturnType<typeof setTimeout>>();
  const [set, clear] = [globalThis.setTimeout, globalThis.clearTimeout];
  globalThis.setTimeout = ((callback: () => void, ms: number) => {
    delays.push(ms);
    const id = set(() => {
      live.delete(id);
      callback();
    }, hold ? ms : 0);
    live.add(id);
    return id;
  }) as unknown as typeof setTimeout;
  globalThis.clearTimeout = ((id: ReturnType<typeof setTimeout>) => {
    live.delete(id);
    clear(id);
  }) as unknown as typeof clearTimeout;
  try {
    await run();
  } finally {
    [globalThis.setTimeout, globalThis.clearTimeout] = [set, clear];
  }
  const pending = live.size;
  for (const id of live) clear(id);
  return { delays, pending };
}

class Refusal extends Error {
  constructor(readonly retryable: boolean) {
    super(retryable ? "Try again" : "Never again");
  }
}

function loop(outcomes: (string | Refusal)[], signal = new AbortController().signal) {
  const attempts: number[] = [];
  const call = withRetries<string, Refusal>((attempt) => {
    attempts.push(attempt);
    return Promise.resolve(outcomes[attempt - 1]);
  }, {
    policy: POLICY,
    retryable: (error) => error.retryable,
    random: () => 0,
    signal,
    onTimeout: () => new Error("Timed out"),
  });
  return { call, attempts };
}

Deno.test("the loop returns the first answer, after the failures worth retrying", async () => {
  const { call, attempts } = loop([new Refusal(true), new Refusal(true), "answer"]);
  assertEquals(await call, "answer");
  assertEquals(attempts, [1, 2, 3]);
});

Deno.test("the loop throws the last failure once the attempts are spent", async () => {
  const last = new Refusal(true);
  const { call, attempts } = loop([new Refusal(true), new Refusal(true), last, "never asked"]);
  assertStrictEquals(await assertRejects(() => call, Refusal), last);
  assertEquals(attempts, [1, 2, 3]);
});

Deno.test("the loop throws a failure not worth retrying at once", async () => {
  const { call, attempts } = loop([new Refusal(false), "never asked"]);
  assertEquals((await assertRejects(() => call, Refusal)).message, "Never again");
  assertEquals(attempts, [1]);
});

Deno.test("what an attempt throws ends the call, unretried", async () => {
  const attempts: number[] = [];
  await assertRejects(
    () =>
      withRetries<string, Refusal>((attempt) => {
        attempts.push(attempt);
        return Promise.reject(new TypeError("Broken reader"));
      }, {
        policy: POLICY,
        retryable: () => true,
        random: () => 0,
        signal: new AbortController().signal,
        onTimeout: () => new Error("Timed out"),
      }),
    TypeError,
    "Broken reader",
  );
  assertEquals(attempts, [1]);
});

Deno.test("the deadline ends a wait with the client's own error, and clears its timer", async () => {
  const controller = new AbortController();
  const timedOut = new Error("EC2 did not answer in time");
  const { delays, pending } = await watchingTimers(async () => {
    // random just below 1 at attempt 10: a wait of almost 2 s, cut short here.
    const wait = backoff(10, POLICY, {
      random: () => 0.999,
      signal: controller.signal,
      onTimeout: () => timedOut,
    });
    controller.abort();
    assertStrictEquals(await assertRejects(() => wait), timedOut);
  }, { hold: true });
  assertEquals(delays, [1_998]);
  assertEquals(pending, 0);
});

Deno.test("a wait under a deadline already passed fails at once", async () => {
  const signal = AbortSignal.abort();
  const error = await assertRejects(() =>
    backoff(1, POLICY, { random: () => 0.5, signal, onTimeout: () => new RangeError("Late") })
  );
  assertEquals((error as Error).message, "Late");
});

Deno.test("the wait is below a ceiling that doubles from the base and stops at the maximum", async () => {
  const { delays } = await watchingTimers(async () => {
    const signal = new AbortController().signal;
    for (const attempt of [1, 2, 5, 6, 30]) {
      await backoff(attempt, POLICY, {
        random: () => 0.5,
        signal,
        onTimeout: () => new Error("Timed out"),
      });
    }
  });
  assertEquals(delays, [50, 100, 800, 1_000, 1_000]);
});

Deno.test("a call's signal is the caller's when given, else one of its own", () => {
  const mine = new AbortController().signal;
  assertStrictEquals(deadline(mine, 10), mine);
  const own = deadline(undefined, 60_000);
  assertEquals(own.aborted, false);
});
