/** The replay guard: a repeat within the window is seen, then forgotten; the cap holds. */
import { assertEquals, assertThrows } from "@std/assert";
import { ChatRequestError } from "../../../src/http/chat/errors.ts";
import { createReplayGuard, refuseReplay } from "../../../src/http/chat/replay_guard.ts";

const T = 1_700_000_000;
const at = (seconds: number) => new Date(seconds * 1000);
const slack = (timestamp: number, signature = "v0=ab") => ({
  platform: "Slack" as const,
  timestamp: String(timestamp),
  signature,
});

Deno.test("a repeat within the window is seen; another signature or platform is new", () => {
  const guard = createReplayGuard({ windowSeconds: 300 });
  assertEquals(guard.check(slack(T), at(T)), "new");
  assertEquals(guard.check(slack(T), at(T + 299)), "seen");
  assertEquals(guard.check(slack(T, "v0=cd"), at(T)), "new");
  assertEquals(guard.check({ ...slack(T), platform: "Discord" }, at(T)), "new");
  const error = assertThrows(() => refuseReplay(guard, slack(T), at(T)), ChatRequestError);
  assertEquals(error.status, 401);
});

Deno.test("a signature is forgotten once its timestamp is past the window", () => {
  const guard = createReplayGuard({ windowSeconds: 300 });
  guard.check(slack(T), at(T));
  // A timestamp ahead of the clock is kept until it too is out of the window.
  guard.check(slack(T + 200, "v0=ef"), at(T));
  guard.check(slack(T + 600, "v0=00"), at(T + 301));
  assertEquals(guard.size, 2);
  assertEquals(guard.check(slack(T), at(T + 400)), "new");
});

Deno.test("past the cap the oldest is forgotten; the size never exceeds it", () => {
  const guard = createReplayGuard({ windowSeconds: 300, maxEntries: 3 });
  for (let i = 0; i < 10; i++) guard.check(slack(T, `v0=${i}`), at(T));
  assertEquals(guard.size, 3);
  assertEquals(guard.check(slack(T, "v0=9"), at(T)), "seen");
  assertEquals(guard.check(slack(T, "v0=0"), at(T)), "new");
});
