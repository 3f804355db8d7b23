/**
 * The real entry point, served over HTTP on 127.0.0.1 exactly as
 * `deno task start` serves it, locally and as on Deno Deploy (DENO_DEPLOYMENT_ID
 * set: no demo without credentials). Needs --allow-run=deno, --allow-net=127.0.0.1
 * and --allow-env, which `deno task test` grants; skipped without them.
 */
import { assert, assertEquals, assertExists, assertMatch } from "@std/assert";
import { Ec2Simulator } from "../../src/simulator/ec2.ts";
import { mayStartServer, startServer } from "../_server.ts";
import { AWS_SECRET, errorOf, REGION, RUNNING_ID, SEEDS, STOPPED_ID } from "../_helpers.ts";

const granted = await mayStartServer();
if (!granted) {
  console.warn("main_test.ts skipped: it needs --allow-run=deno --allow-net=127.0.0.1 --allow-env");
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
      // The dashboard's address, and it answers with its sign-in form.
      const dashboard = server.banner.match(/Dashboard: (\S+) in a browser/)?.[1];
      assertEquals(dashboard, `${server.base}/`);
      const form = await fetch(dashboard!);
      assertEquals(form.status, 200);
      assertMatch(await form.text(), /<label for="api-key">API key<\/label>/);

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
    const records = server.lines.filter((line) => line.startsWith("{")).map((line) =>
      JSON.parse(line)
    );
    const requests = records.filter(({ event }) => event === "request");
    assertEquals(requests.length, 6);
    const key = server.banner.match(/made up for this run[^:]*: (\S+)/)![1];
    for (const line of requests) assertEquals(JSON.stringify(line).includes(key), false);
    // The audit lines carry the connection's address, as main.ts hands it to the app.
    const audits = records.filter((record) => "key" in record);
    assertEquals(
      audits.map(({ key, client, action, status }) => ({ key, client, action, status })),
      [
        { key: "default", client: "127.0.0.1", action: "stop", status: 204 },
        { key: null, client: "127.0.0.1", action: "read", status: 401 },
      ],
    );
    for (const line of audits) assertEquals(JSON.stringify(line).includes(key), false);
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
  name:
    "main.ts started as Deno Deploy starts it serves, signing EC2 calls to AWS_ENDPOINT_URL_EC2",
  ignore: !granted,
  async fn() {
    const simulator = new Ec2Simulator({ instances: SEEDS, transitionMs: 60_000 });
    const ec2 = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      // A copy without the server's abort signal, which the simulator would watch.
      async (request) =>
        simulator.fetch(request.url, {
          method: request.method,
          headers: request.headers,
          body: await request.text(),
        }),
    );
    const key = "deploy-key-0123456789";
    const server = await startServer({
      DENO_DEPLOY: "true",
      DENO_DEPLOYMENT_ID: "local-check",
      API_KEY: key,
      AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
      AWS_SECRET_ACCESS_KEY: AWS_SECRET,
      AWS_ENDPOINT_URL_EC2: `http://127.0.0.1:${ec2.addr.port}`,
    }, { run: true });
    try {
      assertMatch(server.banner, /talking to AWS EC2/);
      const read = await fetch(`${server.base}/instance/${REGION}/${RUNNING_ID}`, {
        headers: { authorization: `Bearer ${key}` },
      });
      assertEquals(read.status, 200);
      assertEquals((await read.json()).tags.agent, "007");

      const before = Date.now();
      const start = await fetch(`${server.base}/instance/${REGION}/${STOPPED_ID}/start`, {
        method: "POST",
        headers: { "x-api-key": key },
      });
      assertEquals(start.status, 204);
      await start.body?.cancel();
      const started = simulator.instance(REGION, STOPPED_ID)!;
      assertEquals(started.state, "pending");
      assert(Date.parse(started.tags.start_time) >= before - 1000, started.tags.start_time);
      assertEquals(simulator.calls.map(({ action, region }) => `${action} ${region}`), [
        `DescribeInstances ${REGION}`,
        `StartInstances ${REGION}`,
        `CreateTags ${REGION}`,
        `DescribeInstances ${REGION}`,
      ]);
    } finally {
      await server.stop();
      await ec2.shutdown();
    }
    const log = server.lines.join("\n");
    assertEquals(log.includes(key) || log.includes(AWS_SECRET), false);
  },
});

Deno.test({
  name: "deno serve as on Deno Deploy without AWS credentials refuses EC2 routes with a JSON 503",
  ignore: !granted,
  async fn() {
    const key = "deploy-key-0123456789";
    const server = await startServer({ DENO_DEPLOYMENT_ID: "local-check", API_KEY: key });
    try {
      assertEquals(server.banner.includes("DEMO"), false);
      const response = await fetch(`${server.base}/instance/${REGION}/${RUNNING_ID}`, {
        headers: { "x-api-key": key },
      });
      assertEquals(response.status, 503);
      const error = await errorOf(response);
      assertEquals(error.id, "aws");
      assertMatch(error.title, /AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/);
    } finally {
      await server.stop();
    }
  },
});

Deno.test({
  name: "deno task start reads API_KEYS and CORS_ORIGINS",
  ignore: !granted,
  async fn() {
    const server = await startServer({
      API_KEYS: JSON.stringify([{ name: "reader", key: "reader-key-4321", actions: ["read"] }]),
      CORS_ORIGINS: "https://app.example.com",
    });
    try {
      const path = `${server.base}/instance/us-west-2/i-0a1b2c3d4e5f60718`;
      const read = await fetch(path, { headers: { "x-api-key": "reader-key-4321" } });
      assertEquals(read.status, 200);
      await read.body?.cancel();
      const stop = await fetch(`${path}/stop`, {
        method: "POST",
        headers: { "x-api-key": "reader-key-4321" },
      });
      assertEquals(stop.status, 403);
      await stop.body?.cancel();
      const preflight = await fetch(`${path}/stop`, {
        method: "OPTIONS",
        headers: {
          origin: "https://app.example.com",
          "access-control-request-method": "POST",
          "access-control-request-headers": "x-api-key",
        },
      });
      assertEquals(preflight.status, 204);
      assertEquals(
        preflight.headers.get("access-control-allow-origin"),
        "https://app.example.com",
      );
      await preflight.body?.cancel();
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

for (
  const { mode, run } of [
    { mode: "deno task start (deno serve)", run: false },
    { mode: "main.ts run as on Deno Deploy", run: true },
  ]
) {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.test({
      name: `${mode} ends on ${signal} after answering the request in flight`,
      ignore: !granted || Deno.build.os === "windows",
      async fn() {
        const simulator = new Ec2Simulator({ instances: SEEDS, transitionMs: 60_000 });
        const arrived = Promise.withResolvers<void>();
        const release = Promise.withResolvers<void>();
        const ec2 = Deno.serve(
          { hostname: "127.0.0.1", port: 0, onListen() {} },
          async (request) => {
            const body = await request.text();
            arrived.resolve();
            await release.promise;
            return simulator.fetch(request.url, {
              method: request.method,
              headers: request.headers,
              body,
            });
          },
        );
        const key = "signal-key-0123456789";
        const server = await startServer({
          ...(run ? { DENO_DEPLOY: "true", DENO_DEPLOYMENT_ID: "local-check" } : {}),
          API_KEY: key,
          SWEEP_REGIONS: REGION,
          AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
          AWS_SECRET_ACCESS_KEY: AWS_SECRET,
          AWS_ENDPOINT_URL_EC2: `http://127.0.0.1:${ec2.addr.port}`,
        }, { run });
        try {
          // Settled either way, so a connection cut short fails the assertion below.
          const answer = fetch(`${server.base}/instance/${REGION}/${RUNNING_ID}`, {
            headers: { "x-api-key": key },
          }).catch((error: Error) => error);
          await arrived.promise;
          const stopped = server.stop(signal);
          // Let the process act on the signal before EC2 answers.
          await new Promise((resolve) => setTimeout(resolve, 200));
          release.resolve();
          const response = await answer;
          assert(response instanceof Response, `The request in flight failed: ${response}`);
          assertEquals(response.status, 200);
          assertEquals((await response.json()).state, "running");
          const status = await stopped;
          assertEquals(status.success, true, JSON.stringify(status));
        } finally {
          release.resolve();
          await server.stop().catch(() => {});
          await ec2.shutdown();
        }
      },
    });
  }
}
