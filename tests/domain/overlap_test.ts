/**
 * Changes to one instance that overlap: a tag write held at a gate in the
 * simulator while another change lands, within one process (the app's queue
 * orders them) and across isolates (two apps sharing one EC2, converging by
 * the read that confirms each tag write), in-process and over HTTP. No
 * timers: every step waits for a gate or an answer.
 */
import { assert, assertEquals } from "@std/assert";
import { createApp } from "../../src/http/app.ts";
import { keyDigest } from "../../src/domain/keys.ts";
import { ChangeInProgressError, InstanceChangeQueue } from "../../src/domain/change_queue.ts";
import { Ec2Client } from "../../src/aws/ec2.ts";
import { Ec2Simulator, FaultGate, type SimulatedInstanceSeed } from "../../src/simulator/ec2.ts";
import { toApiError } from "../../src/http/errors.ts";
import { FULL_ACCESS } from "../../src/domain/scopes.ts";
import type { SweepReport } from "../../src/domain/sweep.ts";
import { API_KEY, AWS_SECRET, KEYED, REGION, RUNNING_ID, STOPPED_ID, T0 } from "../_helpers.ts";

const STARTED = "2026-11-26T11:00:00.000Z";
const SEEDS: SimulatedInstanceSeed[] = [
  { id: RUNNING_ID, region: REGION, state: "running", tags: { start_time: STARTED } },
  { id: STOPPED_ID, region: REGION, state: "stopped", tags: { start_time: "" } },
];

/** One EC2 (the simulator, transitions settling at once) and a clock the tests move. */
function ec2World(instances = SEEDS) {
  const clock = { now: T0 };
  const simulator = new Ec2Simulator({ instances, now: () => clock.now, transitionMs: 0 });
  return { clock, simulator };
}

/** An isolate: an app of its own (its own queue) on the shared EC2; its audit lines parsed. */
async function isolate(
  world: ReturnType<typeof ec2World>,
  options: { changes?: InstanceChangeQueue; sweepRegions?: string[] } = {},
) {
  const audit: Record<string, unknown>[] = [];
  const app = createApp({
    config: { timeoutMs: 5_000, allowedRegions: null },
    keys: [{ name: "default", digest: await keyDigest(API_KEY), scope: FULL_ACCESS }],
    ec2: new Ec2Client({
      credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: AWS_SECRET },
      fetch: world.simulator.fetch,
      random: () => 0,
    }),
    now: () => new Date(world.clock.now),
    audit: (line) => audit.push(JSON.parse(line)),
    changes: options.changes,
    sweep: { regions: options.sweepRegions ?? [], maxRuntimeMs: null },
  });
  return { app, audit };
}

function change(
  app: { request: (path: string, init: RequestInit) => Response | Promise<Response> },
  id: string,
  action: string,
) {
  return Promise.resolve(
    app.request(`/instance/${REGION}/${id}/${action}`, { method: "POST", headers: KEYED }),
  );
}

function callsOf(simulator: Ec2Simulator): string[] {
  return simulator.calls.map(({ action }) => action);
}

/** Holds the next call of `action` at a new gate. */
function hold(simulator: Ec2Simulator, action: string): FaultGate {
  const gate = new FaultGate();
  simulator.inject({ action, fault: { kind: "hold", gate } });
  return gate;
}

Deno.test("within one app, a stop sent during a start's slow tag write waits for the start to finish", async () => {
  const world = ec2World();
  const tagWrite = hold(world.simulator, "CreateTags");
  const stopArrives = hold(world.simulator, "StopInstances");
  // The stop has to wait: only then is the start's tag write let go. Were it
  // not queued, the stop would reach EC2 while the tag write is still held.
  const changes = new InstanceChangeQueue({ onQueued: () => tagWrite.release() });
  const { app, audit } = await isolate(world, { changes });
  const start = change(app, STOPPED_ID, "start");
  await tagWrite.reached;
  world.clock.now += 1_000;
  const stop = change(app, STOPPED_ID, "stop");
  await stopArrives.reached;
  const startTag = world.simulator.calls.find(({ action }) => action === "CreateTags")!;
  assertEquals(startTag.status, 200, "the start's tag was written before the stop reached EC2");
  stopArrives.release();
  assertEquals([(await start).status, (await stop).status], [204, 204]);
  const instance = world.simulator.instance(REGION, STOPPED_ID)!;
  assertEquals([instance.state, instance.tags.start_time], ["stopped", ""]);
  assertEquals(callsOf(world.simulator), [
    "StartInstances",
    "CreateTags",
    "DescribeInstances",
    "StopInstances",
    "CreateTags",
    "DescribeInstances",
  ]);
  assertEquals(audit.map(({ ec2_calls }) => ec2_calls), [
    ["StartInstances×1", "CreateTags×1", "DescribeInstances×1"],
    ["StopInstances×1", "CreateTags×1", "DescribeInstances×1"],
  ]);
  assertEquals(
    changes.has({ region: REGION, instanceId: STOPPED_ID }),
    false,
    "the queue is empty",
  );
});

Deno.test("within one app, a change to another instance does not wait", async () => {
  const world = ec2World();
  const tagWrite = hold(world.simulator, "CreateTags");
  const { app } = await isolate(world);
  const start = change(app, STOPPED_ID, "start");
  await tagWrite.reached;
  // Answered while the first change is still held.
  assertEquals((await change(app, RUNNING_ID, "reboot")).status, 204);
  tagWrite.release();
  assertEquals((await start).status, 204);
});

/** Two isolates overlapping: `first` held in its tag write while `second` runs whole. */
async function acrossIsolates(id: string, first: string, second: string) {
  const world = ec2World();
  const a = await isolate(world);
  const b = await isolate(world);
  const tagWrite = hold(world.simulator, "CreateTags");
  const held = change(a.app, id, first);
  await tagWrite.reached;
  world.clock.now += 1_000;
  const landed = await change(b.app, id, second);
  world.clock.now += 1_000;
  tagWrite.release();
  const late = await held;
  return { world, a, b, statuses: [late.status, landed.status] };
}

Deno.test('across isolates, a stop landing inside a start\'s slow tag write leaves stopped with ""', async () => {
  const { world, a, b, statuses } = await acrossIsolates(STOPPED_ID, "start", "stop");
  assertEquals(statuses, [204, 204]);
  const instance = world.simulator.instance(REGION, STOPPED_ID)!;
  assertEquals([instance.state, instance.tags.start_time], ["stopped", ""]);
  // The start's time landed last; its confirming read saw "stopped" and emptied it.
  assertEquals(a.audit[0].ec2_calls, [
    "StartInstances×1",
    "CreateTags×1",
    "DescribeInstances×1",
    "CreateTags×1",
    "DescribeInstances×1",
  ]);
  assertEquals(a.audit[0].attempts, 5);
  assertEquals(b.audit[0].ec2_calls, ["StopInstances×1", "CreateTags×1", "DescribeInstances×1"]);
});

Deno.test("across isolates, a start landing inside a stop's slow tag write leaves running with a time", async () => {
  const { world, a, statuses } = await acrossIsolates(RUNNING_ID, "stop", "start");
  assertEquals(statuses, [204, 204]);
  const instance = world.simulator.instance(REGION, RUNNING_ID)!;
  assertEquals(instance.state, "running");
  // Not older than the start that landed (at T0 + 1 s): the correction's own time.
  assertEquals(instance.tags.start_time, new Date(T0 + 2_000).toISOString());
  assertEquals(a.audit[0].ec2_calls, [
    "StopInstances×1",
    "CreateTags×1",
    "DescribeInstances×1",
    "CreateTags×1",
    "DescribeInstances×1",
  ]);
});

Deno.test("across isolates, an older start time landing last is replaced by the newer start's confirming read", async () => {
  const world = ec2World();
  const a = await isolate(world);
  const b = await isolate(world);
  const olderTag = hold(world.simulator, "CreateTags");
  const newerRead = hold(world.simulator, "DescribeInstances");
  const older = change(a.app, RUNNING_ID, "reboot");
  await olderTag.reached;
  world.clock.now += 1_000;
  const newer = change(b.app, RUNNING_ID, "start");
  await newerRead.reached;
  // The newer start's tag is written and its read is held: the older tag lands now.
  olderTag.release();
  assertEquals((await older).status, 204);
  assertEquals(
    world.simulator.instance(REGION, RUNNING_ID)!.tags.start_time,
    new Date(T0).toISOString(),
  );
  world.clock.now += 1_000;
  newerRead.release();
  assertEquals((await newer).status, 204);
  const instance = world.simulator.instance(REGION, RUNNING_ID)!;
  assertEquals(instance.state, "running");
  assertEquals(
    instance.tags.start_time,
    new Date(T0 + 2_000).toISOString(),
    "not older than the start",
  );
  assertEquals(b.audit[0].ec2_calls, [
    "StartInstances×1",
    "CreateTags×1",
    "DescribeInstances×1",
    "CreateTags×1",
    "DescribeInstances×1",
  ]);
});

Deno.test("across isolates, an older start time landing after the newer one's read stays: the documented limit", async () => {
  const { world, statuses } = await acrossIsolates(RUNNING_ID, "reboot", "start");
  assertEquals(statuses, [204, 204]);
  const instance = world.simulator.instance(REGION, RUNNING_ID)!;
  // Running with a time, as the invariant asks; but the reboot's (T0), older
  // than the start's (T0 + 1 s) by as long as the reboot's tag write took.
  // docs/consistency.md says why no read can tell.
  assertEquals([instance.state, instance.tags.start_time], ["running", new Date(T0).toISOString()]);
});

Deno.test(
  'over HTTP, two servers on one EC2: a stop inside a start\'s slow tag write ends stopped with ""',
  {
    permissions: { net: ["127.0.0.1"] },
    ignore:
      (await Deno.permissions.query({ name: "net", host: "127.0.0.1" })).state !== "granted" &&
      (console.log("overlap over HTTP skipped: needs --allow-net=127.0.0.1"), true),
  },
  async () => {
    const world = ec2World();
    const servers = await Promise.all([isolate(world), isolate(world)].map(async (made) => {
      const { app } = await made;
      return Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, app.fetch);
    }));
    const [a, b] = servers.map((server) => `http://127.0.0.1:${server.addr.port}`);
    try {
      const tagWrite = hold(world.simulator, "CreateTags");
      const post = (base: string, action: string) =>
        fetch(`${base}/instance/${REGION}/${STOPPED_ID}/${action}`, {
          method: "POST",
          headers: KEYED,
        });
      const start = post(a, "start");
      await tagWrite.reached;
      const stop = await post(b, "stop");
      assertEquals(stop.status, 204);
      await stop.body?.cancel();
      tagWrite.release();
      const started = await start;
      assertEquals(started.status, 204);
      await started.body?.cancel();
      const read = await fetch(`${b}/instance/${REGION}/${STOPPED_ID}`, { headers: KEYED });
      const view = await read.json();
      assertEquals([view.state, view.tags.start_time], ["stopped", ""]);
    } finally {
      await Promise.all(servers.map((server) => server.shutdown()));
    }
  },
);

Deno.test("a change that waits past its deadline is never sent, and answers 409", async () => {
  const changes = new InstanceChangeQueue();
  const target = { region: REGION, instanceId: RUNNING_ID };
  const first = Promise.withResolvers<void>();
  const running = changes.run(target, () => first.promise);
  const deadline = new AbortController();
  let sent = false;
  const waiting = changes.run(target, () => Promise.resolve(sent = true), deadline.signal);
  deadline.abort();
  const error = await waiting.catch((error) => error);
  assert(error instanceof ChangeInProgressError);
  assertEquals(
    error.message,
    `Another change to instance "${RUNNING_ID}" is still in progress: nothing was done, try again`,
  );
  first.resolve();
  await running;
  // The next change runs at once: the one that gave up holds nothing.
  await changes.run(target, () => Promise.resolve());
  assertEquals(sent, false);
  assertEquals(changes.has(target), false);
});

Deno.test('the sweep heals start_time: a time on a stopped instance, "" on a running one', async () => {
  const launched = "2026-11-26T10:00:00.000Z";
  const world = ec2World([
    {
      id: RUNNING_ID,
      region: REGION,
      state: "running",
      tags: { start_time: "" },
      launchTime: launched,
    },
    // Stopped: listed only because a schedule may start it.
    {
      id: STOPPED_ID,
      region: REGION,
      state: "stopped",
      tags: { start_time: STARTED, "workwork:schedule": "daily 08:00-09:00 UTC" },
    },
    // Never tagged by workwork: left alone.
    { id: "i-0aaaaaaaaaaaaaaaa", region: REGION, state: "running", tags: {} },
  ]);
  const { app, audit } = await isolate(world, { sweepRegions: [REGION] });
  const sweep = (query = "") => app.request(`/sweep${query}`, { method: "POST", headers: KEYED });
  const dry: SweepReport = await (await sweep("?dry_run=true")).json();
  assertEquals(
    dry.healed.map(({ instance_id, start_time, outcome }) => [instance_id, start_time, outcome]),
    [
      [RUNNING_ID, launched, "would"],
      [STOPPED_ID, "", "would"],
    ],
  );
  assertEquals(
    world.simulator.instance(REGION, STOPPED_ID)!.tags.start_time,
    STARTED,
    "a dry run writes nothing",
  );
  const report: SweepReport = await (await sweep()).json();
  assertEquals(
    report.healed.map((
      { instance_id, found, start_time, outcome },
    ) => [instance_id, found, start_time, outcome]),
    [
      [RUNNING_ID, "", launched, "done"],
      [STOPPED_ID, STARTED, "", "done"],
    ],
  );
  assertEquals(report.actions, []);
  assertEquals(world.simulator.instance(REGION, RUNNING_ID)!.tags.start_time, launched);
  assertEquals(world.simulator.instance(REGION, STOPPED_ID)!.tags.start_time, "");
  assertEquals(world.simulator.instance(REGION, "i-0aaaaaaaaaaaaaaaa")!.tags.start_time, undefined);
  const heals = audit.filter(({ event }) => event === "sweep_heal");
  assertEquals(heals.map(({ instance_id }) => instance_id), [RUNNING_ID, STOPPED_ID]);
  // The next sweep finds nothing to heal.
  assertEquals((await (await sweep()).json()).healed, []);
});

Deno.test("a held call ends when its request is aborted, and EC2 never acts on it", async () => {
  const world = ec2World();
  const gate = hold(world.simulator, "CreateTags");
  const ec2 = new Ec2Client({
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: AWS_SECRET },
    fetch: world.simulator.fetch,
  });
  const deadline = new AbortController();
  const write = ec2.createTags(REGION, [RUNNING_ID], { start_time: "" }, {
    signal: deadline.signal,
  }).catch((error) => error);
  await gate.reached;
  deadline.abort();
  assertEquals((await write).message, "EC2 did not answer in time");
  gate.release();
  assertEquals(world.simulator.instance(REGION, RUNNING_ID)!.tags.start_time, STARTED);
});

Deno.test("a change still queued at its deadline answers 409 instance_id, saying nothing was done", () => {
  const error = toApiError(new ChangeInProgressError(RUNNING_ID));
  assertEquals([error.status, error.id], [409, "instance_id"]);
});
