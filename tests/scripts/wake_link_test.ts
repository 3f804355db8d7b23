/**
 * `deno task link`: the URL it prints opens the wake page whose link starts
 * that one instance, until the hours asked for; bad arguments or settings
 * exit 2 with a sentence, and the secret is never printed.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { main, MAX_HOURS } from "../../scripts/wake_link.ts";
import { LINK_SECRET, PUBLIC_URL, REGION, STOPPED_ID, T0, testService } from "../_helpers.ts";

const ENV: Record<string, string> = { LINK_SECRET, PUBLIC_URL };

async function run(args: string[], env: Record<string, string> = ENV) {
  const lines: string[] = [];
  const code = await main(args, (name) => env[name], { now: () => T0, log: (l) => lines.push(l) });
  for (const line of lines) assert(!line.includes(LINK_SECRET), "the secret is never printed");
  return { code, lines };
}

Deno.test("the printed link starts its instance with no key, until it expires", async () => {
  const { code, lines } = await run([REGION, STOPPED_ID, "--hours", "2"]);
  assertEquals(code, 0);
  const url = new URL(lines[0]);
  assertEquals(url.origin + url.pathname, `${PUBLIC_URL}wake/${REGION}/${STOPPED_ID}`);
  assertStringIncludes(lines[1], "2026-11-26T14:00:00.000Z");
  const link = new URLSearchParams(url.hash.slice(1)).get("link")!;
  const { app, simulator, clock } = await testService({
    links: { secret: LINK_SECRET, publicUrl: PUBLIC_URL },
    transitionMs: 0,
  });
  const start = () =>
    app.request(`${url.pathname}/start`, {
      method: "POST",
      headers: { "x-workwork-link": link },
    });
  clock.now = T0 + 2 * 3_600_000;
  assertEquals((await start()).status, 410, "two hours later it has expired");
  assertEquals(simulator.instance(REGION, STOPPED_ID)?.state, "stopped");
  clock.now = T0 + 3_600_000;
  assertEquals((await start()).status, 202);
  assertEquals(simulator.instance(REGION, STOPPED_ID)?.state, "running");
});

Deno.test("bad arguments and missing settings exit 2 with a sentence", async () => {
  const cases: [string[], Record<string, string>, string][] = [
    [[], ENV, "Usage: deno task link"],
    [[REGION], ENV, "Usage: deno task link"],
    [["nowhere", STOPPED_ID], ENV, '"nowhere" is not a region name'],
    [[REGION, "game-server"], ENV, '"game-server" is not an instance id'],
    [[REGION, STOPPED_ID, "--hours", "0"], ENV, "--hours must be"],
    [[REGION, STOPPED_ID, "--hours", String(MAX_HOURS + 1)], ENV, "--hours must be"],
    [[REGION, STOPPED_ID, "--hours"], ENV, "--hours must be"],
    [[REGION, STOPPED_ID, "--days=2"], ENV, 'Unknown option "--days=2"'],
    [[REGION, STOPPED_ID], { PUBLIC_URL }, "Set LINK_SECRET"],
    [[REGION, STOPPED_ID], { PUBLIC_URL, LINK_SECRET: "short" }, "Set LINK_SECRET"],
    [[REGION, STOPPED_ID], { LINK_SECRET }, "Set PUBLIC_URL"],
    [[REGION, STOPPED_ID], { LINK_SECRET, PUBLIC_URL: "ftp://x.example" }, "Set PUBLIC_URL"],
  ];
  for (const [args, env, says] of cases) {
    const { code, lines } = await run(args, env);
    assertEquals(code, 2, args.join(" "));
    assertStringIncludes(lines.join("\n"), says);
  }
  const { code, lines } = await run([REGION, STOPPED_ID, "--hours=0.5"]);
  assertEquals(code, 0);
  assertStringIncludes(lines[1], "2026-11-26T12:30:00.000Z");
});
