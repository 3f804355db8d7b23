import { AwsClient } from "aws4fetch";
import { XMLParser } from "fast-xml-parser";
import {
  assert,
  assertEquals,
  assertMatch,
  assertNotEquals,
  assertRejects,
  assertStringIncludes,
  assertThrows,
} from "@std/assert";
import {
  demoInstances,
  Ec2Simulator,
  type SimulatedInstanceSeed,
  type SimulatorOptions,
} from "../../src/simulator/ec2.ts";

const T0 = Date.UTC(2026, 10, 26, 19, 0, 0);
const TRANSITION_MS = 3000;
const RUNNING = "i-0a1b2c3d4e5f60718";
const STOPPED = "i-0b2c3d4e5f6071829";
const PENDING = "i-0c3d4e5f607182930";
const STOPPING = "i-0d4e5f60718293a4b";
const TERMINATED = "i-0e5f60718293a4b5c";
const ELSEWHERE = "i-0f60718293a4b5c6d";
const UNKNOWN = "i-0123456789abcdef0";
const REQUEST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const SEEDS: SimulatedInstanceSeed[] = [
  { id: RUNNING, region: "us-west-2", type: "t3.micro", tags: { Name: "dev-box" } },
  { id: STOPPED, region: "us-west-2", type: "c5.large", state: "stopped" },
  { id: PENDING, region: "us-west-2", state: "pending", tags: { Name: "web-1" } },
  { id: STOPPING, region: "us-west-2", state: "stopping", tags: { Name: "web-2" } },
  { id: TERMINATED, region: "us-west-2", state: "terminated" },
  { id: ELSEWHERE, region: "eu-central-1", tags: { Name: "dev-box" } },
];

/** mulberry32: a small seeded generator, so ids and addresses repeat run to run. */
function seededRandom(seed = 42): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A simulator on a pinned clock that `advance` moves. */
function setup(options: SimulatorOptions = {}) {
  let now = T0;
  const sim = new Ec2Simulator({
    instances: SEEDS,
    now: () => now,
    transitionMs: TRANSITION_MS,
    random: seededRandom(),
    ...options,
  });
  return {
    sim,
    advance(ms: number) {
      now += ms;
    },
  };
}

interface Answer {
  status: number;
  body: string;
  headers: Headers;
}

/** Sends one signed EC2 Query request, as the service's client does. */
async function send(
  sim: Ec2Simulator,
  action: string,
  params: Record<string, string> = {},
  { region = "us-west-2", service = "ec2", signal }: {
    region?: string;
    service?: string;
    signal?: AbortSignal;
  } = {},
): Promise<Answer> {
  const request = await sign(action, params, { region, service, signal });
  const response = await sim.fetch(request);
  return { status: response.status, body: await response.text(), headers: response.headers };
}

/** A SigV4 signer with the test's credentials, no retries. */
function signer(region = "us-west-2", service = "ec2"): AwsClient {
  return new AwsClient({
    accessKeyId: "AKIDEXAMPLE",
    secretAccessKey: "secret",
    service,
    region,
    retries: 0,
  });
}

function sign(
  action: string,
  params: Record<string, string>,
  { region = "us-west-2", service = "ec2", signal }: {
    region?: string;
    service?: string;
    signal?: AbortSignal;
  } = {},
): Promise<Request> {
  const aws = signer(region, service);
  const body = new URLSearchParams({ Action: action, Version: "2016-11-15", ...params });
  return aws.sign(`https://ec2.${region}.amazonaws.com/`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
    body: body.toString(),
    signal,
  });
}

const parser = new XMLParser({
  parseTagValue: false,
  isArray: (name) => name === "item",
});

// deno-lint-ignore no-explicit-any
function parseXml(text: string): any {
  return parser.parse(text);
}

/** The error code of an EC2 error envelope, checking the envelope's shape on the way. */
function errorOf(answer: Answer): { code: string; message: string } {
  const match =
    /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<Response><Errors><Error><Code>([^<]+)<\/Code><Message>([^<]*)<\/Message><\/Error><\/Errors><RequestID>([^<]+)<\/RequestID><\/Response>$/
      .exec(answer.body);
  assert(match, `not an EC2 error envelope: ${answer.body}`);
  assertMatch(match[3], REQUEST_ID);
  return { code: match[1], message: unescapeXml(match[2]) };
}

/** Asserts that `answer` is EC2's error envelope, with `status`, `code` and `message`. */
function assertEc2Error(
  answer: Answer,
  status: number,
  error: { code: string; message: string },
): void {
  assertEquals(answer.status, status);
  assertEquals(errorOf(answer), error);
}

function unescapeXml(text: string): string {
  const entities: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
  return text.replace(/&(amp|lt|gt|quot|apos);/g, (_, name: string) => entities[name]);
}

interface Described {
  id: string;
  state: string;
  code: string;
  type: string;
  dnsName: string;
  ipAddress: string | undefined;
  tags: Record<string, string>;
}

async function describe(
  sim: Ec2Simulator,
  params: Record<string, string> = {},
  region = "us-west-2",
): Promise<{ instances: Described[]; nextToken: string | undefined }> {
  const answer = await send(sim, "DescribeInstances", params, { region });
  assertEquals(answer.status, 200, answer.body);
  const root = parseXml(answer.body).DescribeInstancesResponse;
  const reservations = root.reservationSet === "" ? [] : root.reservationSet.item;
  return {
    // deno-lint-ignore no-explicit-any
    instances: reservations.map((reservation: any) => {
      const item = reservation.instancesSet.item[0];
      const tagItems = item.tagSet === "" ? [] : item.tagSet.item;
      return {
        id: item.instanceId,
        state: item.instanceState.name,
        code: item.instanceState.code,
        type: item.instanceType,
        dnsName: item.dnsName,
        ipAddress: item.ipAddress,
        tags: Object.fromEntries(
          tagItems.map((tag: { key: string; value: string }) => [tag.key, tag.value]),
        ),
      };
    }),
    nextToken: root.nextToken,
  };
}

function stateChanges(answer: Answer, action: string) {
  assertEquals(answer.status, 200, answer.body);
  const items = parseXml(answer.body)[`${action}Response`].instancesSet.item;
  return items.map((
    item: { instanceId: string; currentState: { name: string }; previousState: { name: string } },
  ) => [item.instanceId, item.previousState.name, item.currentState.name]);
}

// --- Signature checks -------------------------------------------------------

Deno.test("a request with no signature answers 401 AuthFailure and changes nothing", async () => {
  const { sim } = setup();
  const response = await sim.fetch("https://ec2.us-west-2.amazonaws.com/", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: `Action=StopInstances&Version=2016-11-15&InstanceId.1=${RUNNING}`,
  });
  const answer = {
    status: response.status,
    body: await response.text(),
    headers: response.headers,
  };
  assertEc2Error(answer, 401, {
    code: "AuthFailure",
    message: "AWS was not able to validate the provided access credentials",
  });
  assertEquals(answer.headers.get("content-type"), "text/xml;charset=UTF-8");
  assertEquals(sim.instance("us-west-2", RUNNING)?.state, "running");
  assertEquals(sim.calls.map((call) => [call.action, call.region, call.status]), [
    ["StopInstances", "", 401],
  ]);
});

Deno.test("a request signed for another service answers AuthFailure", async () => {
  const { sim } = setup();
  const answer = await send(sim, "DescribeInstances", {}, { service: "s3" });
  assertEquals(answer.status, 401);
  assertEquals(errorOf(answer).code, "AuthFailure");
});

Deno.test("a signature without x-amz-date, or with a malformed Signature, answers AuthFailure", async () => {
  const { sim } = setup();
  const signed = await sign("DescribeInstances", {});
  const undated = new Request(signed.clone(), { headers: new Headers(signed.headers) });
  undated.headers.delete("x-amz-date");
  const noDate = await sim.fetch(undated);
  assertEquals(noDate.status, 401);
  assertStringIncludes(await noDate.text(), "X-Amz-Date");

  const mangled = new Headers(signed.headers);
  mangled.set(
    "authorization",
    mangled.get("authorization")!.replace(/Signature=\w+/, "Signature=abc"),
  );
  const badSignature = await sim.fetch(new Request(signed.clone(), { headers: mangled }));
  assertEquals(badSignature.status, 401);
  assertStringIncludes(await badSignature.text(), "<Code>AuthFailure</Code>");
});

Deno.test("a presigned GET with query parameters is accepted, as EC2 tolerates it", async () => {
  const { sim } = setup();
  const aws = signer();
  const query = `Action=DescribeInstances&Version=2016-11-15&InstanceId.1=${RUNNING}`;
  const request = await aws.sign(`https://ec2.us-west-2.amazonaws.com/?${query}`, {
    method: "GET",
    aws: { signQuery: true },
  });
  assertEquals(request.headers.get("authorization"), null);
  const response = await sim.fetch(request);
  const body = await response.text();
  assertEquals(response.status, 200, body);
  assertStringIncludes(body, `<instanceId>${RUNNING}</instanceId>`);
});

// --- Request checks ---------------------------------------------------------

Deno.test("a body sent as text/plain is not read, so the Action is missing", async () => {
  const { sim } = setup();
  const aws = signer();
  const request = await aws.sign("https://ec2.us-west-2.amazonaws.com/", {
    method: "POST",
    body: "Action=DescribeInstances&Version=2016-11-15",
  });
  const response = await sim.fetch(request);
  assertEquals(response.status, 400);
  assertStringIncludes(await response.text(), "<Code>MissingAction</Code>");
});

Deno.test("an unknown Action answers InvalidAction", async () => {
  const { sim } = setup();
  const answer = await send(sim, "TerminateEverything");
  assertEc2Error(answer, 400, {
    code: "InvalidAction",
    message: "The action TerminateEverything is not valid for this web service.",
  });
});

Deno.test("a request without Version answers MissingParameter", async () => {
  const { sim } = setup();
  const answer = await send(sim, "DescribeInstances", { Version: "" });
  assertEquals(answer.status, 400);
  assertEquals(errorOf(answer).code, "MissingParameter");
});

// --- DescribeInstances -------------------------------------------------------

Deno.test("DescribeInstances by id answers EC2's reservationSet shape", async () => {
  const { sim } = setup();
  const answer = await send(sim, "DescribeInstances", { "InstanceId.1": RUNNING });
  assertEquals(answer.status, 200);
  assertEquals(answer.headers.get("content-type"), "text/xml;charset=UTF-8");
  assertMatch(
    answer.body,
    /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<DescribeInstancesResponse xmlns="http:\/\/ec2\.amazonaws\.com\/doc\/2016-11-15\/">\n {4}<requestId>[0-9a-f-]{36}<\/requestId>\n {4}<reservationSet>\n/,
  );
  const root = parseXml(answer.body).DescribeInstancesResponse;
  assertMatch(root.requestId, REQUEST_ID);
  assertEquals(answer.headers.get("x-amzn-requestid"), root.requestId);
  const reservation = root.reservationSet.item[0];
  assertMatch(reservation.reservationId, /^r-[0-9a-f]{17}$/);
  assertEquals(reservation.ownerId, "012345678901");
  assertEquals(reservation.groupSet, "");
  const item = reservation.instancesSet.item[0];
  assertEquals(item.instanceId, RUNNING);
  assertEquals(item.instanceState, { code: "16", name: "running" });
  assertEquals(item.instanceType, "t3.micro");
  assertEquals(item.launchTime, "2026-11-26T19:00:00.000Z");
  assertEquals(item.placement, {
    availabilityZone: "us-west-2a",
    groupName: "",
    tenancy: "default",
  });
  assertMatch(item.ipAddress, /^\d+\.\d+\.\d+\.\d+$/);
  assertEquals(
    item.dnsName,
    `ec2-${item.ipAddress.replaceAll(".", "-")}.us-west-2.compute.amazonaws.com`,
  );
  assertMatch(item.privateIpAddress, /^172\.31\.\d+\.\d+$/);
  assertMatch(item.privateDnsName, /^ip-172-31-\d+-\d+\.us-west-2\.compute\.internal$/);
  assertEquals(item.tagSet.item, [{ key: "Name", value: "dev-box" }]);
  assertEquals(item.architecture, "x86_64");
  assertEquals(root.nextToken, undefined);
});

Deno.test("DescribeInstances of a stopped instance has an empty dnsName, no ipAddress, an empty tagSet", async () => {
  const { sim } = setup();
  const answer = await send(sim, "DescribeInstances", { "InstanceId.1": STOPPED });
  assertStringIncludes(answer.body, "<dnsName/>");
  assertStringIncludes(answer.body, "<tagSet/>");
  assert(!answer.body.includes("<ipAddress>"));
  assertStringIncludes(answer.body, "<code>Client.UserInitiatedShutdown</code>");
  const { instances } = await describe(sim, { "InstanceId.1": STOPPED });
  assertEquals(instances[0].state, "stopped");
  assertEquals(instances[0].code, "80");
});

Deno.test("DescribeInstances in us-east-1 uses compute-1.amazonaws.com for public names", async () => {
  const { sim } = setup();
  sim.add({ id: "i-1a2b3c4d", region: "us-east-1" });
  const { instances } = await describe(sim, {}, "us-east-1");
  assertMatch(instances[0].dnsName, /^ec2-[\d-]+\.compute-1\.amazonaws\.com$/);
});

Deno.test("DescribeInstances with an unknown id fails the whole call with InvalidInstanceID.NotFound", async () => {
  const { sim } = setup();
  const one = await send(sim, "DescribeInstances", {
    "InstanceId.1": RUNNING,
    "InstanceId.2": UNKNOWN,
  });
  assertEc2Error(one, 400, {
    code: "InvalidInstanceID.NotFound",
    message: `The instance ID '${UNKNOWN}' does not exist`,
  });
  const two = await send(sim, "DescribeInstances", {
    "InstanceId.1": UNKNOWN,
    "InstanceId.2": "i-1a2b3c4d",
  });
  assertEquals(errorOf(two).message, `The instance IDs '${UNKNOWN}, i-1a2b3c4d' do not exist`);
});

Deno.test("DescribeInstances with a malformed id answers InvalidInstanceID.Malformed", async () => {
  const { sim } = setup();
  const answer = await send(sim, "DescribeInstances", { "InstanceId.1": "i-xyz" });
  assertEc2Error(answer, 400, {
    code: "InvalidInstanceID.Malformed",
    message: 'Invalid id: "i-xyz"',
  });
});

Deno.test("DescribeInstances filters by id, state, type, tag and wildcards", async () => {
  const { sim } = setup();
  const ids = async (params: Record<string, string>) =>
    (await describe(sim, params)).instances.map((instance) => instance.id);

  assertEquals(await ids({ "Filter.1.Name": "instance-id", "Filter.1.Value.1": UNKNOWN }), []);
  assertEquals(
    await ids({
      "Filter.1.Name": "instance-state-name",
      "Filter.1.Value.1": "running",
      "Filter.1.Value.2": "stopped",
    }),
    [RUNNING, STOPPED],
  );
  assertEquals(await ids({ "Filter.1.Name": "instance-type", "Filter.1.Value.1": "c5.*" }), [
    STOPPED,
  ]);
  assertEquals(await ids({ "Filter.1.Name": "tag:Name", "Filter.1.Value.1": "web-?" }), [
    PENDING,
    STOPPING,
  ]);
  assertEquals(
    await ids({
      "Filter.1.Name": "tag-key",
      "Filter.1.Value.1": "Name",
      "Filter.2.Name": "instance-state-name",
      "Filter.2.Value.1": "stopping",
    }),
    [STOPPING],
  );
  assertEquals(await ids({ "Filter.1.Name": "tag:Name", "Filter.1.Value.1": "web-\\?" }), []);
});

Deno.test("DescribeInstances rejects an unknown filter name", async () => {
  const { sim } = setup();
  const answer = await send(sim, "DescribeInstances", {
    "Filter.1.Name": "flavour",
    "Filter.1.Value.1": "x",
  });
  assertEc2Error(answer, 400, {
    code: "InvalidParameterValue",
    message: "The filter 'flavour' is invalid",
  });
});

Deno.test("DescribeInstances pages with MaxResults and NextToken; the last page has no nextToken", async () => {
  const { sim } = setup();
  for (let n = 0; n < 7; n++) {
    sim.add({ id: `i-0${n}000000000000000`.slice(0, 19), region: "us-west-2" });
  }
  const first = await describe(sim, { MaxResults: "5" });
  assertEquals(first.instances.length, 5);
  assert(first.nextToken, "first page has a nextToken");
  const second = await describe(sim, { MaxResults: "5", NextToken: first.nextToken });
  assertEquals(second.instances.length, 5);
  assert(second.nextToken);
  const last = await describe(sim, { MaxResults: "5", NextToken: second.nextToken });
  assertEquals(last.instances.length, 2);
  assertEquals(last.nextToken, undefined);
  const everyId = [...first.instances, ...second.instances, ...last.instances].map((i) => i.id);
  assertEquals(new Set(everyId).size, 12);

  const exact = await describe(sim, { MaxResults: "12" });
  assertEquals(exact.instances.length, 12);
  assertEquals(exact.nextToken, undefined);
  const raw = await send(sim, "DescribeInstances", { MaxResults: "12" });
  assert(!raw.body.includes("nextToken"));
});

Deno.test("DescribeInstances rejects MaxResults outside 5 to 1000, with InstanceId, or a foreign NextToken", async () => {
  const { sim } = setup();
  for (const value of ["4", "1001", "ten"]) {
    const answer = await send(sim, "DescribeInstances", { MaxResults: value });
    assertEquals(answer.status, 400);
    assertEquals(errorOf(answer).code, "InvalidParameterValue");
  }
  const combined = await send(sim, "DescribeInstances", {
    MaxResults: "5",
    "InstanceId.1": RUNNING,
  });
  assertEquals(errorOf(combined).code, "InvalidParameterCombination");

  sim.add({ id: "i-11111111", region: "eu-central-1" });
  for (let n = 0; n < 5; n++) sim.add({ id: `i-2222222${n}`, region: "eu-central-1" });
  const page = await describe(sim, { MaxResults: "5" }, "eu-central-1");
  assert(page.nextToken);
  const foreign = await send(sim, "DescribeInstances", {
    MaxResults: "5",
    NextToken: page.nextToken,
  });
  assertEquals(errorOf(foreign).code, "InvalidParameterValue");
  const garbage = await send(sim, "DescribeInstances", { NextToken: "not a token" });
  assertEquals(errorOf(garbage).code, "InvalidParameterValue");
});

Deno.test("DescribeInstances still lists terminated instances", async () => {
  const { sim } = setup();
  const { instances } = await describe(sim, { "InstanceId.1": TERMINATED });
  assertEquals([instances[0].state, instances[0].code], ["terminated", "48"]);
});

// --- State transitions --------------------------------------------------------

Deno.test("StartInstances on a stopped instance answers pending, then it runs after transitionMs with a public IP", async () => {
  const { sim, advance } = setup();
  advance(60_000);
  const answer = await send(sim, "StartInstances", { "InstanceId.1": STOPPED });
  assertEquals(stateChanges(answer, "StartInstances"), [[STOPPED, "stopped", "pending"]]);
  assertMatch(answer.body, /<currentState>\s*<code>0<\/code>\s*<name>pending<\/name>/);
  assertMatch(answer.body, /<previousState>\s*<code>80<\/code>\s*<name>stopped<\/name>/);
  assertEquals(sim.instance("us-west-2", STOPPED)?.state, "pending");
  assertEquals(sim.instance("us-west-2", STOPPED)?.publicIpAddress, null);

  advance(TRANSITION_MS - 1);
  assertEquals((await describe(sim, { "InstanceId.1": STOPPED })).instances[0].state, "pending");
  advance(1);
  const [running] = (await describe(sim, { "InstanceId.1": STOPPED })).instances;
  assertEquals(running.state, "running");
  assert(running.ipAddress);
  assertEquals(running.dnsName, sim.instance("us-west-2", STOPPED)?.publicDnsName);
  assertEquals(sim.instance("us-west-2", STOPPED)?.launchTime, "2026-11-26T19:01:00.000Z");
});

Deno.test("StopInstances on a running instance answers stopping, releases the public IP, then it is stopped", async () => {
  const { sim, advance } = setup();
  const before = sim.instance("us-west-2", RUNNING)?.publicIpAddress;
  assert(before);
  const answer = await send(sim, "StopInstances", { "InstanceId.1": RUNNING });
  assertEquals(stateChanges(answer, "StopInstances"), [[RUNNING, "running", "stopping"]]);
  assertEquals(sim.instance("us-west-2", RUNNING)?.publicIpAddress, null);
  advance(TRANSITION_MS);
  const [stopped] = (await describe(sim, { "InstanceId.1": RUNNING })).instances;
  assertEquals([stopped.state, stopped.dnsName, stopped.ipAddress], ["stopped", "", undefined]);

  await send(sim, "StartInstances", { "InstanceId.1": RUNNING });
  advance(TRANSITION_MS);
  const after = sim.instance("us-west-2", RUNNING)?.publicIpAddress;
  assert(after);
  assertNotEquals(after, before, "a new public IP on every start");
});

Deno.test("StartInstances on a running or pending instance succeeds without a change", async () => {
  const { sim } = setup();
  const answer = await send(sim, "StartInstances", {
    "InstanceId.1": RUNNING,
    "InstanceId.2": PENDING,
  });
  assertEquals(stateChanges(answer, "StartInstances"), [
    [RUNNING, "running", "running"],
    [PENDING, "pending", "pending"],
  ]);
});

Deno.test("StopInstances on a stopped or stopping instance succeeds without a change", async () => {
  const { sim } = setup();
  const answer = await send(sim, "StopInstances", {
    "InstanceId.1": STOPPED,
    "InstanceId.2": STOPPING,
    Force: "true",
  });
  assertEquals(stateChanges(answer, "StopInstances"), [
    [STOPPED, "stopped", "stopped"],
    [STOPPING, "stopping", "stopping"],
  ]);
});

Deno.test("a start or stop from a state it cannot leave answers 400 IncorrectInstanceState, changing nothing", async () => {
  const cases = [
    ["StartInstances", STOPPING, "stopping", "started"],
    ["StartInstances", TERMINATED, "terminated", "started"],
    ["StopInstances", PENDING, "pending", "stopped"],
    ["StopInstances", TERMINATED, "terminated", "stopped"],
  ] as const;
  for (const [action, id, state, verb] of cases) {
    const { sim } = setup();
    const answer = await send(sim, action, { "InstanceId.1": id });
    assertEquals(answer.status, 400, `${action} ${state}`);
    assertEquals(errorOf(answer), {
      code: "IncorrectInstanceState",
      message: `The instance '${id}' is not in a state from which it can be ${verb}.`,
    });
    assertEquals(sim.instance("us-west-2", id)?.state, state);
  }
});

Deno.test("StopInstances is all or nothing: one pending instance stops none", async () => {
  const { sim } = setup();
  const answer = await send(sim, "StopInstances", {
    "InstanceId.1": RUNNING,
    "InstanceId.2": PENDING,
  });
  assertEquals(errorOf(answer).code, "IncorrectInstanceState");
  assertEquals(sim.instance("us-west-2", RUNNING)?.state, "running");
});

Deno.test("a seeded pending instance runs, and a stopping one stops, after transitionMs", () => {
  const { sim, advance } = setup();
  advance(TRANSITION_MS);
  assertEquals(sim.instance("us-west-2", PENDING)?.state, "running");
  assertEquals(sim.instance("us-west-2", STOPPING)?.state, "stopped");
});

Deno.test("with transitionMs 0 the answer says pending but the instance runs at once", async () => {
  const { sim } = setup({ transitionMs: 0 });
  const answer = await send(sim, "StartInstances", { "InstanceId.1": STOPPED });
  assertEquals(stateChanges(answer, "StartInstances"), [[STOPPED, "stopped", "pending"]]);
  assertEquals(sim.instance("us-west-2", STOPPED)?.state, "running");
});

Deno.test("RebootInstances on a running instance answers true and records a reboot", async () => {
  const { sim } = setup();
  const answer = await send(sim, "RebootInstances", { "InstanceId.1": RUNNING });
  assertEquals(answer.status, 200);
  assertEquals(parseXml(answer.body).RebootInstancesResponse.return, "true");
  assertEquals(sim.instance("us-west-2", RUNNING)?.state, "running");
  assertEquals(sim.instance("us-west-2", RUNNING)?.reboots, 1);
});

Deno.test("RebootInstances on an instance that is not running answers IncorrectInstanceState", async () => {
  const { sim } = setup();
  for (const id of [STOPPED, PENDING, STOPPING, TERMINATED]) {
    const answer = await send(sim, "RebootInstances", { "InstanceId.1": id });
    assertEquals(answer.status, 400, id);
    assertEquals(errorOf(answer), {
      code: "IncorrectInstanceState",
      message: `The instance '${id}' is not in a state from which it can be rebooted.`,
    });
  }
});

Deno.test("StopInstances with Hibernate=true needs hibernation configured", async () => {
  const { sim } = setup();
  const refused = await send(sim, "StopInstances", { "InstanceId.1": RUNNING, Hibernate: "true" });
  assertEquals(refused.status, 400);
  const error = errorOf(refused);
  assertEquals(error.code, "UnsupportedHibernationConfiguration");
  assertStringIncludes(
    error.message,
    `The instance ${RUNNING} does not have hibernation configured`,
  );
  assertEquals(sim.instance("us-west-2", RUNNING)?.state, "running");

  sim.add({ id: "i-0aaaaaaaaaaaaaaaa", region: "us-west-2", hibernationConfigured: true });
  const hibernated = await send(sim, "StopInstances", {
    "InstanceId.1": "i-0aaaaaaaaaaaaaaaa",
    Hibernate: "true",
  });
  assertEquals(stateChanges(hibernated, "StopInstances"), [
    ["i-0aaaaaaaaaaaaaaaa", "running", "stopping"],
  ]);
  const described = await send(sim, "DescribeInstances", { "InstanceId.1": "i-0aaaaaaaaaaaaaaaa" });
  assertStringIncludes(described.body, "<code>Client.UserInitiatedHibernate</code>");
});

Deno.test("DryRun answers 412 DryRunOperation and changes nothing", async () => {
  const { sim } = setup();
  const calls: [string, Record<string, string>][] = [
    ["StopInstances", { "InstanceId.1": RUNNING }],
    ["StartInstances", { "InstanceId.1": STOPPED }],
    ["RebootInstances", { "InstanceId.1": RUNNING }],
    ["CreateTags", { "ResourceId.1": RUNNING, "Tag.1.Key": "x", "Tag.1.Value": "y" }],
    ["DeleteTags", { "ResourceId.1": RUNNING }],
    ["DescribeInstances", {}],
  ];
  for (const [action, params] of calls) {
    const answer = await send(sim, action, { ...params, DryRun: "true" });
    assertEquals(answer.status, 412, action);
    assertEquals(errorOf(answer), {
      code: "DryRunOperation",
      message: "Request would have succeeded, but DryRun flag is set.",
    });
  }
  const running = sim.instance("us-west-2", RUNNING);
  assertEquals([running?.state, running?.reboots, running?.tags], ["running", 0, {
    Name: "dev-box",
  }]);
  assertEquals(sim.instance("us-west-2", STOPPED)?.state, "stopped");
});

Deno.test("DryRun still answers a state error before DryRunOperation", async () => {
  const { sim } = setup();
  const answer = await send(sim, "StopInstances", { "InstanceId.1": PENDING, DryRun: "true" });
  assertEquals(errorOf(answer).code, "IncorrectInstanceState");
  const unknown = await send(sim, "StartInstances", { "InstanceId.1": UNKNOWN, DryRun: "true" });
  assertEquals(errorOf(unknown).code, "InvalidInstanceID.NotFound");
});

// --- Regions -------------------------------------------------------------------

Deno.test("a request signed for another region cannot see or change the instance", async () => {
  const { sim } = setup();
  const described = await send(sim, "DescribeInstances", { "InstanceId.1": ELSEWHERE });
  assertEquals(errorOf(described).code, "InvalidInstanceID.NotFound");
  const stopped = await send(sim, "StopInstances", { "InstanceId.1": ELSEWHERE });
  assertEquals(errorOf(stopped).code, "InvalidInstanceID.NotFound");
  assertEquals(sim.instance("eu-central-1", ELSEWHERE)?.state, "running");
  assertEquals(sim.instance("us-west-2", ELSEWHERE), undefined);

  const { instances } = await describe(sim, {}, "eu-central-1");
  assertEquals(instances.map((instance) => instance.id), [ELSEWHERE]);
  assertEquals(sim.calls.at(-1)?.region, "eu-central-1");
});

// --- Tags ---------------------------------------------------------------------

Deno.test("CreateTags adds and overwrites tags; a missing Value means an empty string", async () => {
  const { sim } = setup();
  const answer = await send(sim, "CreateTags", {
    "ResourceId.1": RUNNING,
    "ResourceId.2": STOPPED,
    "Tag.1.Key": "Name",
    "Tag.1.Value": "renamed",
    "Tag.2.Key": "start_time",
  });
  assertEquals(answer.status, 200);
  assertEquals(parseXml(answer.body).CreateTagsResponse.return, "true");
  assertEquals(sim.instance("us-west-2", RUNNING)?.tags, { Name: "renamed", start_time: "" });
  assertEquals(sim.instance("us-west-2", STOPPED)?.tags, { Name: "renamed", start_time: "" });
});

Deno.test("CreateTags on an unknown instance answers InvalidInstanceID.NotFound and writes nothing", async () => {
  const { sim } = setup();
  const answer = await send(sim, "CreateTags", {
    "ResourceId.1": RUNNING,
    "ResourceId.2": UNKNOWN,
    "Tag.1.Key": "start_time",
    "Tag.1.Value": "2026-11-26T19:36:55.719Z",
  });
  assertEc2Error(answer, 400, {
    code: "InvalidInstanceID.NotFound",
    message: `The instance ID '${UNKNOWN}' does not exist`,
  });
  assertEquals(sim.instance("us-west-2", RUNNING)?.tags, { Name: "dev-box" });
});

Deno.test("CreateTags refuses keys starting with aws:", async () => {
  const { sim } = setup();
  const answer = await send(sim, "CreateTags", {
    "ResourceId.1": RUNNING,
    "Tag.1.Key": "aws:owner",
  });
  assertEquals(errorOf(answer).code, "InvalidParameterValue");
});

Deno.test("DeleteTags deletes a key; with a Value only when the value matches", async () => {
  const { sim } = setup();
  await send(sim, "CreateTags", {
    "ResourceId.1": RUNNING,
    "Tag.1.Key": "start_time",
    "Tag.1.Value": "",
    "Tag.2.Key": "team",
    "Tag.2.Value": "ci",
  });
  const mismatch = await send(sim, "DeleteTags", {
    "ResourceId.1": RUNNING,
    "Tag.1.Key": "team",
    "Tag.1.Value": "ops",
  });
  assertEquals(mismatch.status, 200);
  assertEquals(parseXml(mismatch.body).DeleteTagsResponse.return, "true");
  assertEquals(sim.instance("us-west-2", RUNNING)?.tags.team, "ci");

  await send(sim, "DeleteTags", {
    "ResourceId.1": RUNNING,
    "Tag.1.Key": "team",
    "Tag.2.Key": "start_time",
    "Tag.2.Value": "",
  });
  assertEquals(sim.instance("us-west-2", RUNNING)?.tags, { Name: "dev-box" });
});

Deno.test("DeleteTags with no Tag deletes every user tag, as EC2 does", async () => {
  const { sim } = setup();
  sim.add({
    id: "i-0bbbbbbbbbbbbbbbb",
    region: "us-west-2",
    tags: { Name: "x", start_time: "", "aws:cloudformation:stack-name": "demo" },
  });
  const answer = await send(sim, "DeleteTags", { "ResourceId.1": "i-0bbbbbbbbbbbbbbbb" });
  assertEquals(answer.status, 200);
  assertEquals(sim.instance("us-west-2", "i-0bbbbbbbbbbbbbbbb")?.tags, {
    "aws:cloudformation:stack-name": "demo",
  });
});

Deno.test("a tag value like Tom & Jerry is escaped in the XML and reads back unchanged", async () => {
  const { sim } = setup();
  const value = `Tom & Jerry <"cat" & 'mouse'>`;
  await send(sim, "CreateTags", {
    "ResourceId.1": RUNNING,
    "Tag.1.Key": "show",
    "Tag.1.Value": value,
  });
  const answer = await send(sim, "DescribeInstances", { "InstanceId.1": RUNNING });
  assertStringIncludes(
    answer.body,
    "<value>Tom &amp; Jerry &lt;&quot;cat&quot; &amp; &apos;mouse&apos;&gt;</value>",
  );
  const { instances } = await describe(sim, { "InstanceId.1": RUNNING });
  assertEquals(instances[0].tags.show, value);
});

// --- Faults -------------------------------------------------------------------

Deno.test("an error fault answers EC2's envelope with the code's status, once", async () => {
  const { sim } = setup();
  sim.inject({ fault: { kind: "error", code: "RequestLimitExceeded" } });
  const throttled = await send(sim, "StopInstances", { "InstanceId.1": RUNNING });
  assertEc2Error(throttled, 503, {
    code: "RequestLimitExceeded",
    message: "Request limit exceeded.",
  });
  assertEquals(sim.instance("us-west-2", RUNNING)?.state, "running");
  const retried = await send(sim, "StopInstances", { "InstanceId.1": RUNNING });
  assertEquals(retried.status, 200);
});

Deno.test("a fault hits only its action, counts down its times, and rules apply in injection order", async () => {
  const { sim } = setup();
  sim.inject({ action: "CreateTags", times: 2, fault: { kind: "error", code: "InternalError" } });
  sim.inject({ fault: { kind: "error", code: "Unavailable", status: 502, message: "down" } });
  const started = await send(sim, "StartInstances", { "InstanceId.1": STOPPED });
  assertEc2Error(started, 502, { code: "Unavailable", message: "down" });
  const tags = { "ResourceId.1": RUNNING, "Tag.1.Key": "start_time", "Tag.1.Value": "now" };
  assertEquals((await send(sim, "CreateTags", tags)).status, 500);
  assertEquals((await send(sim, "CreateTags", tags)).status, 500);
  assertEquals((await send(sim, "CreateTags", tags)).status, 200);
  assertEquals(sim.calls.map((call) => [call.action, call.status]), [
    ["StartInstances", 502],
    ["CreateTags", 500],
    ["CreateTags", 500],
    ["CreateTags", 200],
  ]);
});

Deno.test("an error fault with when after applies the state change, then fails the answer", async () => {
  const { sim } = setup();
  sim.inject({
    action: "RebootInstances",
    when: "after",
    fault: { kind: "error", code: "InternalError" },
  });
  const answer = await send(sim, "RebootInstances", { "InstanceId.1": RUNNING });
  assertEquals(answer.status, 500);
  assertEquals(sim.instance("us-west-2", RUNNING)?.reboots, 1);
});

Deno.test("an UnauthorizedOperation fault carries an encoded authorization message", async () => {
  const { sim } = setup();
  sim.inject({ fault: { kind: "error", code: "UnauthorizedOperation" } });
  const answer = await send(sim, "StopInstances", { "InstanceId.1": RUNNING });
  assertEquals(answer.status, 403);
  assertMatch(
    errorOf(answer).message,
    /ec2:StopInstances.*Encoded authorization failure message: [\w+/]{100,}/,
  );
});

Deno.test("a status fault answers the raw body, e.g. a 503 HTML page", async () => {
  const { sim } = setup();
  sim.inject({
    fault: { kind: "status", status: 503, body: "<html><body>Service Unavailable</body></html>" },
  });
  sim.inject({ fault: { kind: "status", status: 200, body: "not xml" } });
  const html = await send(sim, "DescribeInstances");
  assertEquals(html.status, 503);
  assertEquals(html.body, "<html><body>Service Unavailable</body></html>");
  assertMatch(html.headers.get("content-type") ?? "", /^text\/html/);
  const text = await send(sim, "DescribeInstances");
  assertEquals([text.status, text.body], [200, "not xml"]);
});

Deno.test("a truncate fault answers 200 with the XML cut in half", async () => {
  const { sim } = setup();
  const whole = await send(sim, "DescribeInstances");
  sim.inject({ fault: { kind: "truncate" } });
  const cut = await send(sim, "DescribeInstances");
  assertEquals(cut.status, 200);
  assert(cut.body.length > 0 && cut.body.length <= whole.body.length / 2 + 1);
  assert(!cut.body.includes("</DescribeInstancesResponse>"));
});

Deno.test("a reset fault rejects like a network failure and changes nothing", async () => {
  const { sim } = setup();
  sim.inject({ action: "StopInstances", fault: { kind: "reset" } });
  await assertRejects(
    () => send(sim, "StopInstances", { "InstanceId.1": RUNNING }),
    TypeError,
    "connection reset",
  );
  assertEquals(sim.instance("us-west-2", RUNNING)?.state, "running");
  assertEquals(sim.calls.map((call) => [call.action, call.status]), [["StopInstances", 0]]);
});

Deno.test("a reset fault with when after changes the state, then rejects", async () => {
  const { sim } = setup();
  sim.inject({ action: "StopInstances", when: "after", fault: { kind: "reset" } });
  await assertRejects(() => send(sim, "StopInstances", { "InstanceId.1": RUNNING }), TypeError);
  assertEquals(sim.instance("us-west-2", RUNNING)?.state, "stopping");
});

Deno.test("a delay fault waits, then answers normally", async () => {
  const { sim } = setup();
  sim.inject({ fault: { kind: "delay", ms: 30 } });
  const started = performance.now();
  const answer = await send(sim, "StopInstances", { "InstanceId.1": RUNNING });
  assert(performance.now() - started >= 25);
  assertEquals(stateChanges(answer, "StopInstances"), [[RUNNING, "running", "stopping"]]);
});

Deno.test("a delay fault honours the request's abort signal and changes nothing", async () => {
  const { sim } = setup();
  sim.inject({ fault: { kind: "delay", ms: 60_000 } });
  const controller = new AbortController();
  const pending = send(sim, "StopInstances", { "InstanceId.1": RUNNING }, {
    signal: controller.signal,
  });
  await new Promise((resolve) => setTimeout(resolve, 5));
  controller.abort(new DOMException("deadline", "TimeoutError"));
  const error = await assertRejects(() => pending);
  assert(error instanceof DOMException && error.name === "TimeoutError");
  assertEquals(sim.instance("us-west-2", RUNNING)?.state, "running");
  assertEquals(sim.calls[0].status, 0);
});

Deno.test("inject refuses a bad times or status", () => {
  const { sim } = setup();
  assertThrows(() => sim.inject({ times: 0, fault: { kind: "reset" } }), RangeError);
  assertThrows(() => sim.inject({ fault: { kind: "status", status: 99 } }), RangeError);
});

// --- Seeds and the demo --------------------------------------------------------

Deno.test("add refuses a malformed id, an invalid region and an id that exists in any region", () => {
  const { sim } = setup();
  assertThrows(() => sim.add({ id: "i-xyz", region: "us-west-2" }), TypeError, "i-xyz");
  assertThrows(() => sim.add({ id: "i-12345678", region: "moon-1" }), TypeError, "moon-1");
  assertThrows(() => sim.add({ id: ELSEWHERE, region: "us-west-2" }), TypeError, "eu-central-1");
});

Deno.test("demoInstances are five well-formed instances in two regions, running ones with start_time", async () => {
  const seeds = demoInstances(T0);
  assertEquals(seeds.length, 5);
  assertEquals(new Set(seeds.map((seed) => seed.region)), new Set(["us-west-2", "eu-central-1"]));
  for (const seed of seeds) {
    assertMatch(seed.id, /^i-[0-9a-f]{17}$/);
    if (seed.state === "running") assertMatch(seed.tags?.start_time ?? "", /^\d{4}-.*Z$/);
  }
  const sim = new Ec2Simulator({ instances: seeds, now: () => T0 });
  const { instances } = await describe(sim, {
    "Filter.1.Name": "tag:Name",
    "Filter.1.Value.1": "dev-box",
  });
  assertEquals(instances.map((instance) => [instance.id, instance.state]), [
    ["i-0a1b2c3d4e5f60718", "running"],
  ]);
});
