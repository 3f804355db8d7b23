/**
 * The simulator in moto's dialect: its answers have the shapes recorded from
 * moto_server (tests/_fixtures.ts), element for element, and the whole
 * service works against it in-process, no Python needed. This is what would
 * have caught the client refusing moto's CreateTags and RebootInstances.
 */
import { assertEquals, assertMatch } from "@std/assert";
import { Ec2Simulator } from "../../src/simulator/ec2.ts";
import { RawEc2, skeleton } from "../interop/_moto.ts";
import {
  MOTO_CREATE_TAGS,
  MOTO_DELETE_TAGS,
  MOTO_DESCRIBE_EMPTY,
  MOTO_DESCRIBE_RUNNING,
  MOTO_DESCRIBE_STOPPED,
  MOTO_ERROR_DRY_RUN,
  MOTO_ERROR_NOT_FOUND,
  MOTO_REBOOT_INSTANCES,
  MOTO_START_INSTANCES,
  MOTO_STOP_INSTANCES,
  MOTO_UNKNOWN_ACTION,
} from "../_fixtures.ts";
import {
  AWS_SECRET,
  errorOf,
  KEYED,
  OLD_STYLE_ID,
  REGION,
  RUNNING_ID,
  STOPPED_ID,
  testService,
} from "../_helpers.ts";

const ID = "i-0a1b2c3d4e5f60718";

function motoSimulator() {
  const simulator = new Ec2Simulator({
    dialect: "moto",
    transitionMs: 0,
    instances: [{ id: ID, region: REGION, tags: { Name: "Tom & Jerry <dev>", agent: "007" } }],
  });
  const ec2 = new RawEc2(
    `https://ec2.${REGION}.amazonaws.com`,
    { accessKeyId: "AKIDEXAMPLE", secretAccessKey: AWS_SECRET },
    simulator.fetch,
  );
  return { simulator, ec2 };
}

Deno.test("the moto dialect answers every call in the shape moto_server answers it", async () => {
  const { ec2 } = motoSimulator();
  const call = (action: string, params: Record<string, unknown>, region = REGION) =>
    ec2.call(action, params as never, region);
  // moto's recorded instance runs a Windows image: its <platform> is the one element ours lacks.
  const withoutPlatform = (xml: string) => skeleton(xml).replace("<platform></platform>", "");
  const answers: [string, Awaited<ReturnType<typeof call>>, string, number][] = [
    [
      "DescribeInstances running",
      await call("DescribeInstances", { InstanceId: [ID] }),
      withoutPlatform(MOTO_DESCRIBE_RUNNING),
      200,
    ],
    [
      "CreateTags",
      await call("CreateTags", {
        ResourceId: [ID],
        Tag: [{ Key: "start_time", Value: "2026-01-01T00:00:00.000Z" }],
      }),
      skeleton(MOTO_CREATE_TAGS),
      200,
    ],
    [
      "RebootInstances",
      await call("RebootInstances", { InstanceId: [ID] }),
      skeleton(MOTO_REBOOT_INSTANCES),
      200,
    ],
    [
      "DryRun",
      await call("RebootInstances", { InstanceId: [ID], DryRun: true }),
      skeleton(MOTO_ERROR_DRY_RUN),
      412,
    ],
    [
      "StopInstances",
      await call("StopInstances", { InstanceId: [ID] }),
      skeleton(MOTO_STOP_INSTANCES),
      200,
    ],
    [
      "DescribeInstances stopped",
      await call("DescribeInstances", { InstanceId: [ID] }),
      withoutPlatform(MOTO_DESCRIBE_STOPPED),
      200,
    ],
    [
      "StartInstances",
      await call("StartInstances", { InstanceId: [ID] }),
      skeleton(MOTO_START_INSTANCES),
      200,
    ],
    [
      "NotFound",
      await call("StartInstances", { InstanceId: ["i-0123456789abcdef0"] }),
      skeleton(MOTO_ERROR_NOT_FOUND),
      400,
    ],
    [
      "DeleteTags",
      await call("DeleteTags", { ResourceId: [ID], Tag: [{ Key: "agent" }] }),
      skeleton(MOTO_DELETE_TAGS),
      200,
    ],
    [
      "DescribeInstances empty",
      await call("DescribeInstances", {}, "eu-central-1"),
      skeleton(MOTO_DESCRIBE_EMPTY),
      200,
    ],
  ];
  for (const [name, answer, shape, status] of answers) {
    assertEquals(skeleton(answer.text), shape, name);
    assertEquals([answer.status, answer.contentType], [status, "text/xml"], name);
    assertEquals(answer.text.includes("<return>"), false, name);
    assertMatch(answer.text, /^<\?xml version="1\.0" encoding="utf-8"\?>\n</, name);
  }
  const unknown = await call("Bogus", {});
  assertEquals([unknown.status, unknown.contentType], [500, "text/html; charset=utf-8"]);
  assertEquals(unknown.text, MOTO_UNKNOWN_ACTION);
});

Deno.test("the moto dialect writes the simulator's facts: tags, addresses, requestId last", async () => {
  const { simulator, ec2 } = motoSimulator();
  const { text } = await ec2.call("DescribeInstances", { InstanceId: [ID] }, REGION);
  const held = simulator.instance(REGION, ID)!;
  assertEquals(text.includes("<value>Tom &amp; Jerry &lt;dev&gt;</value>"), true);
  assertEquals(text.includes(`<ipAddress>${held.publicIpAddress}</ipAddress>`), true);
  assertEquals(text.includes(`<dnsName>${held.publicDnsName}</dnsName>`), true);
  assertEquals(
    text.endsWith("<requestId>request-id</requestId></DescribeInstancesResponse>"),
    true,
  );
  assertEquals(text.includes('xmlns="http://ec2.amazonaws.com/doc/2016-11-15">'), true);
});

Deno.test("against the simulator in moto's dialect, start, stop and reboot answer 204 and write start_time", async () => {
  const { app, simulator, clock } = await testService({ dialect: "moto" });
  for (
    const [id, action] of [[RUNNING_ID, "reboot"], [RUNNING_ID, "stop"], [STOPPED_ID, "start"]]
  ) {
    const response = await app.request(`/instance/${REGION}/${id}/${action}`, {
      method: "POST",
      headers: KEYED,
    });
    assertEquals(response.status, 204, `${action}: ${await response.clone().text()}`);
    const expected = action === "stop" ? "" : new Date(clock.now).toISOString();
    assertEquals(simulator.instance(REGION, id)?.tags.start_time, expected, action);
  }
  assertEquals(simulator.instance(REGION, RUNNING_ID)?.reboots, 1);
});

Deno.test("against the simulator in moto's dialect, read, list, dry runs and errors keep the contract", async () => {
  const { app, simulator } = await testService({ dialect: "moto" });
  const read = await app.request(`/instance/${REGION}/${RUNNING_ID}`, { headers: KEYED });
  assertEquals(read.status, 200);
  const body = await read.json();
  const held = simulator.instance(REGION, RUNNING_ID)!;
  assertEquals(
    [body.state, body.tags, body.public_ip_address, body.public_dns_name, body.type],
    ["running", held.tags, held.publicIpAddress, held.publicDnsName, held.type],
  );
  const stopped = await (await app.request(`/instance/${REGION}/${STOPPED_ID}`, { headers: KEYED }))
    .json();
  assertEquals([stopped.tags, stopped.public_ip_address, stopped.public_dns_name], [
    {},
    null,
    null,
  ]);
  const list = await app.request(`/instance/${REGION}?state=running`, { headers: KEYED });
  assertEquals(list.status, 200);
  assertEquals(
    (await list.json()).instances.map(({ id }: { id: string }) => id).sort(),
    [OLD_STYLE_ID, RUNNING_ID].sort(),
  );
  const dry = await app.request(`/instance/${REGION}/${RUNNING_ID}/reboot?dry_run=true`, {
    method: "POST",
    headers: KEYED,
  });
  assertEquals((await dry.json()).would_succeed, true);
  const missing = await app.request(`/instance/${REGION}/i-0123456789abcdef0/stop`, {
    method: "POST",
    headers: KEYED,
  });
  assertEquals(missing.status, 404);
  assertEquals((await errorOf(missing)).id, "instance_id");
});
