import { assert, assertEquals } from "@std/assert";
import type { Ec2Client } from "../../src/aws/ec2.ts";
import { MAX_WAIT_POLLS } from "../../src/domain/wait.ts";
import { errorOf, KEYED, REGION, RUNNING_ID, STOPPED_ID, testService } from "../_helpers.ts";

function post(
  app: { request: (path: string, init: RequestInit) => Response | Promise<Response> },
  path: string,
) {
  return app.request(path, { method: "POST", headers: KEYED });
}

function describes(simulator: { calls: { action: string }[] }): number {
  return simulator.calls.filter(({ action }) => action === "DescribeInstances").length;
}

Deno.test("start with wait=true answers 200 with the running instance and its public address", async () => {
  const { app, simulator, sleeps } = await testService({ transitionMs: 5000 });
  const response = await post(app, `/instance/${REGION}/${STOPPED_ID}/start?wait=true`);
  assertEquals(response.status, 200);
  const body = await response.json();
  assertEquals(body.state, "running");
  assertEquals(body.id, STOPPED_ID);
  assert(body.public_ip_address !== null, "a started instance has a public address");
  assert(body.public_dns_name !== null);
  assertEquals(body.uptime_seconds, 6);
  // Polls at once, then after 2 s and 4 s: the backoff doubles. One more read confirms the tag.
  assertEquals(sleeps, [2000, 4000]);
  assertEquals(describes(simulator), 1 + 3);
});

Deno.test("stop with wait=true answers 200 once the instance is stopped", async () => {
  const { app } = await testService();
  const response = await post(app, `/instance/${REGION}/${RUNNING_ID}/stop?wait=true`);
  assertEquals(response.status, 200);
  const body = await response.json();
  assertEquals(body.state, "stopped");
  assertEquals(body.public_ip_address, null);
  assertEquals(body.tags.start_time, "");
});

Deno.test("wait answers 202 with the current instance once wait_seconds has passed", async () => {
  const { app, sleeps } = await testService({ transitionMs: 10 * 60_000 });
  const response = await post(
    app,
    `/instance/${REGION}/${STOPPED_ID}/start?wait=true&wait_seconds=20`,
  );
  assertEquals(response.status, 202);
  assertEquals((await response.json()).state, "pending");
  assertEquals(sleeps.reduce((a, b) => a + b, 0), 20_000);
});

Deno.test("a wait makes at most MAX_WAIT_POLLS DescribeInstances calls, spread to the deadline", async () => {
  const { app, simulator, sleeps } = await testService({ transitionMs: 60 * 60_000 });
  const response = await post(
    app,
    `/instance/${REGION}/${RUNNING_ID}/stop?wait=true&wait_seconds=300`,
  );
  assertEquals(response.status, 202);
  assertEquals(describes(simulator), 1 + MAX_WAIT_POLLS);
  assertEquals(sleeps.reduce((a, b) => a + b, 0), 300_000);
  // Start or stop, its tag, the read confirming it, and the polls: nothing else is sent.
  assertEquals(simulator.calls.length, 3 + MAX_WAIT_POLLS);
});

Deno.test("wait gives up with 409 when the instance moves the wrong way", async () => {
  const other: { ec2?: Ec2Client } = {};
  let interfered = false;
  const { app, simulator, ec2 } = await testService({
    onSleep: async () => {
      if (interfered) return;
      interfered = true;
      // Someone else stops the box while this request waits for it to run.
      await other.ec2!.stopInstances(REGION, [STOPPED_ID]);
    },
  });
  other.ec2 = ec2;
  const response = await post(app, `/instance/${REGION}/${STOPPED_ID}/start?wait=true`);
  assertEquals(response.status, 409);
  assertEquals(await errorOf(response), {
    id: "wait",
    title: 'EC2 accepted "start", but the instance went to "stopping" instead',
  });
  assertEquals(describes(simulator), 1 + 2, "the confirming read, then two polls");
});

Deno.test("wait for stopped gives up when the instance is started again", async () => {
  const other: { ec2?: Ec2Client } = {};
  const { app, ec2 } = await testService({
    onSleep: async () => {
      await other.ec2!.startInstances(REGION, [RUNNING_ID]);
    },
  });
  other.ec2 = ec2;
  const response = await post(app, `/instance/${REGION}/${RUNNING_ID}/stop?wait=true`);
  assertEquals(response.status, 409);
  assertEquals((await errorOf(response)).title.includes('"pending"'), true);
});

Deno.test("wait options are checked before anything is changed", async () => {
  const { app, simulator } = await testService();
  const cases: [string, string][] = [
    [`${RUNNING_ID}/reboot?wait=true`, "wait"],
    [`${RUNNING_ID}/stop?wait=true&wait_seconds=0`, "wait_seconds"],
    [`${RUNNING_ID}/stop?wait=true&wait_seconds=301`, "wait_seconds"],
    [`${RUNNING_ID}/stop?wait=true&wait_seconds=1.5`, "wait_seconds"],
    [`${RUNNING_ID}/stop?wait_seconds=30`, "wait_seconds"],
    [`${RUNNING_ID}/stop?wait=soon`, "wait"],
  ];
  for (const [path, id] of cases) {
    const response = await post(app, `/instance/${REGION}/${path}`);
    assertEquals(response.status, 422, path);
    assertEquals((await errorOf(response)).id, id, path);
  }
  assertEquals(simulator.calls, []);
});

Deno.test("wait and wait_seconds may come in the JSON body", async () => {
  const { app, sleeps } = await testService({ transitionMs: 10 * 60_000 });
  const response = await app.request(`/instance/${REGION}/${STOPPED_ID}/start`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ api_key: KEYED["x-api-key"], wait: true, wait_seconds: 5 }),
  });
  assertEquals(response.status, 202);
  assertEquals(sleeps.reduce((a, b) => a + b, 0), 5000);
});

Deno.test("wait=true needs a key that may also read, since the answer is the instance", async () => {
  const { app, simulator } = await testService({
    keys: { "start-only": { name: "starter", scope: { actions: new Set(["start"]) } } },
  });
  const response = await app.request(`/instance/${REGION}/${STOPPED_ID}/start?wait=true`, {
    method: "POST",
    headers: { "x-api-key": "start-only" },
  });
  assertEquals(response.status, 403);
  assertEquals(await errorOf(response), { id: "scope", title: "This key may not read instances" });
  assertEquals(simulator.calls, []);
});

Deno.test("each poll has its own EC2 deadline, so a wait outlasts the request's", async () => {
  // EC2_TIMEOUT_MS is 1 s; the pause between polls really lasts longer than that.
  const { app } = await testService({
    timeoutMs: 1000,
    onSleep: () => new Promise((resolve) => setTimeout(resolve, 1200)),
  });
  const response = await post(app, `/instance/${REGION}/${STOPPED_ID}/start?wait=true`);
  assertEquals(response.status, 200);
  assertEquals((await response.json()).state, "running");
});
