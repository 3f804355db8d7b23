/**
 * `deno task compile`'s executable, built by the task's own command into
 * dist/workwork and started as a self-hoster starts it: it serves on its own
 * (no `deno serve`), answers `GET /healthz` and the demo, and ends on SIGTERM.
 * Needs --allow-run=deno,./dist/workwork (tests/e2e/_workerd.ts prints it).
 *
 * `deno compile` takes its runtime (denort) from dl.deno.land, or from the
 * file `DENORT_BIN` names. Where neither is reachable the test is skipped
 * with a message saying so; it is counted as skipped in CI's summary line.
 *
 * @module
 */
import { assert, assertEquals, assertMatch } from "@std/assert";
import denoConfig from "../../deno.json" with { type: "json" };

const KEY = "compile-test-key-0123456789";

/** Where the compile task writes the executable, as a path `--allow-run` names. */
const BINARY = "./dist/workwork";

/** Runs the compile task's command, as `deno task compile` does. */
async function compile(): Promise<{ success: boolean; stderr: string }> {
  const command = denoConfig.tasks.compile.command;
  assert(command.includes(` --output ${BINARY.slice(2)} `), command);
  const [program, ...args] = command.split(" ");
  const { success, stderr } = await new Deno.Command(program, {
    args,
    stdout: "null",
    stderr: "piped",
  }).output();
  return { success, stderr: new TextDecoder().decode(stderr) };
}

const granted = (await Deno.permissions.query({ name: "run", command: "deno" })).state ===
    "granted" &&
  (await Deno.permissions.query({ name: "run", command: BINARY })).state === "granted" &&
  (await Deno.permissions.query({ name: "net", host: "127.0.0.1" })).state === "granted";
const built = granted ? await compile() : { success: false, stderr: "" };
/** Why the test cannot run here, or null. */
const skipped = !granted
  ? `it needs --allow-run=deno,${BINARY} --allow-net=127.0.0.1; \`deno task test:e2e\` grants them`
  : !built.success && /denort/.test(built.stderr) && /error sending request/.test(built.stderr)
  ? "deno compile cannot fetch its runtime (denort) from dl.deno.land; set DENORT_BIN to a denort of this Deno's version"
  : null;
if (skipped) console.warn(`compile_test.ts skipped: ${skipped}`);

Deno.test({
  name:
    "deno task compile builds one executable that serves /healthz and the demo, and ends on SIGTERM",
  ignore: skipped !== null,
  async fn() {
    assert(built.success, built.stderr);
    const child = new Deno.Command(BINARY, {
      clearEnv: true,
      env: { API_KEY: KEY, DEMO: "true", DENO_SERVE_ADDRESS: "tcp:127.0.0.1:0" },
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const stderr = new Response(child.stderr).text();
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let banner = "";
    while (!/Serving on (http:\/\/\S+)\. Try:/.test(banner)) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`The executable exited:\n${banner}\n${await stderr}`);
      banner += value;
    }
    const base = banner.match(/Serving on (http:\/\/\S+)\. Try:/)![1];
    try {
      const health = await fetch(`${base}/healthz`);
      assertEquals(health.status, 200);
      const body = await health.json();
      assertEquals(body.status, "ok");
      assertMatch(body.version, /^\d+\.\d+\.\d+$/);
      const id = banner.match(/\/instance\/([a-z0-9-]+)\/(i-[0-9a-f]+)\b/)!;
      const read = await fetch(`${base}/instance/${id[1]}/${id[2]}`, {
        headers: { "x-api-key": KEY },
      });
      assertEquals(read.status, 200);
      assertEquals(typeof (await read.json()).state, "string");
    } finally {
      child.kill("SIGTERM");
      const status = await child.status;
      reader.releaseLock();
      await child.stdout.cancel().catch(() => {});
      await stderr;
      assertEquals(status.success, true, JSON.stringify(status));
    }
  },
});
