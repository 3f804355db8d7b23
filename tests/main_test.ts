/**
 * The real entry point, served over HTTP on 127.0.0.1 exactly as
 * `deno task start` serves it. Needs --allow-run=deno, --allow-net=127.0.0.1
 * and --allow-env, which `deno task test` grants; skipped without them.
 */
import { assertEquals, assertExists, assertMatch } from "@std/assert";
import denoConfig from "../deno.json" with { type: "json" };

const granted = (await Deno.permissions.query({ name: "run", command: "deno" })).state ===
    "granted" &&
  (await Deno.permissions.query({ name: "net", host: "127.0.0.1" })).state === "granted" &&
  (await Deno.permissions.query({ name: "env" })).state === "granted";
if (!granted) {
  console.warn("main_test.ts skipped: it needs --allow-run=deno --allow-net=127.0.0.1 --allow-env");
}

/** Starts `deno task start`'s command with `env`, and waits for its banner. */
async function startServer(env: Record<string, string>) {
  const [command, ...args] = denoConfig.tasks.start.command.split(" ");
  const inherited = Object.fromEntries(
    ["PATH", "HOME", "DENO_DIR", "XDG_CACHE_HOME", "NO_COLOR"]
      .map((name) => [name, Deno.env.get(name)])
      .filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  const child = new Deno.Command(command, {
    args,
    clearEnv: true,
    env: { ...inherited, DENO_SERVE_ADDRESS: "tcp:127.0.0.1:0", ...env },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const lines: string[] = [];
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  const deadline = Date.now() + 60_000;
  while (!/Serving on http:\/\/\S+\. Try:|workwork is serving on \S+/.test(buffered)) {
    if (Date.now() > deadline) throw new Error(`No banner in time:\n${buffered}`);
    const { value, done } = await reader.read();
    if (done) {
      const stderr = await new Response(child.stderr).text();
      throw new Error(`The server exited:\n${buffered}\n${stderr}`);
    }
    buffered += value;
  }
  const base = buffered.match(/(?:Serving|serving) on (http:\/\/[^\s.]+(?:\.[^\s.]+)*:\d+)/)![1];
  // Keep draining the log so the server never blocks on a full pipe.
  const drained = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      lines.push(...value.split("\n").filter(Boolean));
    }
  })();
  const stderr = new Response(child.stderr).text();
  async function stop() {
    child.kill("SIGTERM");
    await child.status;
    await drained;
    await stderr;
  }
  return { base, banner: buffered, lines, stop };
}

Deno.test({
  name: "deno task start serves the demo over HTTP with a made-up key and paste-ready curl lines",
  ignore: !granted,
  async fn() {
    const server = await startServer({});
    try {
      assertMatch(server.banner, /workwork DEMO/);
      const key = server.banner.match(/made up for this run[^:]*: (\S+)/)?.[1];
      assertExists(key);
      const curl = server.banner.match(/curl -H 'X-Api-Key: \S+' (\S+)/)?.[1];
      assertExists(curl);
      assertEquals(curl.startsWith(server.base), true);

      const read = await fetch(curl, { headers: { "x-api-key": key } });
      assertEquals(read.status, 200);
      const body = await read.json();
      assertEquals(Object.keys(body).slice(0, 5), [
        "public_dns_name",
        "public_ip_address",
        "state",
        "tags",
        "type",
      ]);

      const stop = await fetch(`${curl}/stop`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ api_key: key }),
      });
      assertEquals(stop.status, 204);
      await stop.body?.cancel();

      const after = await (await fetch(curl, { headers: { cookie: `api_key=${key}` } })).json();
      assertEquals(after.tags.start_time, "");
      assertMatch(after.state, /^(stopping|stopped)$/);

      const wrong = await fetch(`${curl}?api_key=${key}`, { headers: { "x-api-key": "nope" } });
      assertEquals(wrong.status, 401);
      assertEquals(await wrong.json(), { errors: [{ id: "api_key", title: "Invalid api key" }] });

      const missing = await fetch(`${server.base}/nowhere`);
      assertEquals(missing.status, 404);
      assertEquals(missing.headers.get("content-type"), "application/json");
      await missing.body?.cancel();
    } finally {
      await server.stop();
    }
    const requests = server.lines.filter((line) => /^(GET|POST|PUT|HEAD|DELETE) /.test(line));
    assertEquals(requests.length, 5);
    const key = server.banner.match(/made up for this run[^:]*: (\S+)/)![1];
    for (const line of requests) assertEquals(line.includes(key), false, line);
  },
});

Deno.test({
  name: "deno task start uses the API_KEY it is given and never prints it",
  ignore: !granted,
  async fn() {
    const key = "operator-chosen-key-5678";
    const server = await startServer({ API_KEY: key });
    try {
      assertEquals(server.banner.includes(key), false);
      assertMatch(server.banner, /X-Api-Key: \$API_KEY/);
      const response = await fetch(`${server.base}/instance/us-west-2/i-0a1b2c3d4e5f60718`, {
        headers: { authorization: `Bearer ${key}` },
      });
      assertEquals(response.status, 200);
      await response.body?.cancel();
    } finally {
      await server.stop();
    }
  },
});

Deno.test({
  name: "deno task start reads the sweep's settings, serves /sweep, /docs and a real-time wait",
  ignore: !granted,
  async fn() {
    const key = "operator-chosen-key-5678";
    const server = await startServer({
      API_KEY: key,
      SWEEP_REGIONS: "us-west-2",
      MAX_RUNTIME: "1h",
    });
    try {
      const sweep = await fetch(`${server.base}/sweep?dry_run=true`, {
        method: "POST",
        headers: { "x-api-key": key },
      });
      assertEquals(sweep.status, 200);
      const report = await sweep.json();
      // The demo's dev-box has run for 2 hours.
      assertEquals(
        report.actions.map(({ instance_id, outcome }: Record<string, string>) => [
          instance_id,
          outcome,
        ]),
        [["i-0a1b2c3d4e5f60718", "would"]],
      );
      const docs = await fetch(`${server.base}/docs`);
      assertEquals(docs.status, 200);
      await docs.body?.cancel();
      // The demo's game server starts in 3 seconds; the answer waits for it.
      const started = await fetch(
        `${server.base}/instance/us-west-2/i-0b2c3d4e5f6071829/start?wait=true`,
        { method: "POST", headers: { "x-api-key": key } },
      );
      assertEquals(started.status, 200);
      assertEquals((await started.json()).state, "running");
    } finally {
      await server.stop();
    }
  },
});
