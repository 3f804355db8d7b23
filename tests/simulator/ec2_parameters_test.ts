/**
 * The simulator refuses what EC2 refuses before acting: a parameter the
 * action does not take, a boolean that is not `true` or `false`. It used to
 * take any parameter, so a client sending one EC2 rejects would have passed
 * every in-process test. moto takes them all; so does its dialect.
 */
import { assertEquals, assertMatch } from "@std/assert";
import { Ec2Client } from "../../src/aws/ec2.ts";
import { Ec2Simulator } from "../../src/simulator/ec2.ts";
import { RawEc2 } from "../interop/_moto.ts";
import { AWS_SECRET, REGION, RUNNING_ID, SEEDS, STOPPED_ID } from "../_helpers.ts";

const CREDENTIALS = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: AWS_SECRET };

function raw(dialect: "ec2" | "moto" = "ec2") {
  const simulator = new Ec2Simulator({ instances: SEEDS, transitionMs: 0, dialect });
  const ec2 = new RawEc2(`https://ec2.${REGION}.amazonaws.com`, CREDENTIALS, simulator.fetch);
  return { simulator, ec2 };
}

function code(xml: string): string | undefined {
  return xml.match(/<Code>([^<]+)<\/Code>/)?.[1];
}

Deno.test("a parameter the action does not take is UnknownParameter, and nothing changes", async () => {
  const { simulator, ec2 } = raw();
  const cases: [string, Record<string, unknown>, string][] = [
    ["StartInstances", { InstanceId: [STOPPED_ID], Hibernate: true }, "Hibernate"],
    ["RebootInstances", { InstanceId: [RUNNING_ID], Force: true }, "Force"],
    ["StopInstances", { instanceId: [RUNNING_ID] }, "instanceId.1"],
    ["CreateTags", { ResourceId: [RUNNING_ID], Tags: [{ Key: "a", Value: "b" }] }, "Tags.1.Key"],
  ];
  for (const [action, params, name] of cases) {
    const answer = await ec2.call(action, params as never, REGION);
    assertEquals([answer.status, code(answer.text)], [400, "UnknownParameter"], action);
    assertMatch(answer.text, new RegExp(`The parameter ${name.replaceAll(".", "\\.")} is not`));
  }
  assertEquals(simulator.instance(REGION, STOPPED_ID)?.state, "stopped");
  assertEquals(simulator.instance(REGION, RUNNING_ID)?.state, "running");
  assertEquals(simulator.instance(REGION, RUNNING_ID)?.reboots, 0);
  assertEquals(simulator.instance(REGION, RUNNING_ID)?.tags.a, undefined);
});

Deno.test("a boolean that is not true or false is InvalidParameterValue", async () => {
  const { simulator, ec2 } = raw();
  for (const value of ["yes", "1", "TRUE", ""]) {
    const answer = await ec2.call("StopInstances", {
      InstanceId: [RUNNING_ID],
      DryRun: value,
    }, REGION);
    assertEquals([answer.status, code(answer.text)], [400, "InvalidParameterValue"], value);
  }
  assertEquals(simulator.instance(REGION, RUNNING_ID)?.state, "running");
});

Deno.test("in moto's dialect unknown parameters are ignored, as moto ignores them", async () => {
  const { simulator, ec2 } = raw("moto");
  const answer = await ec2.call("StartInstances", {
    InstanceId: [STOPPED_ID],
    Hibernate: true,
  }, REGION);
  assertEquals(answer.status, 200);
  assertEquals(simulator.instance(REGION, STOPPED_ID)?.state, "running");
});

Deno.test("every parameter the client sends is one EC2 takes", async () => {
  const simulator = new Ec2Simulator({ instances: SEEDS, transitionMs: 0 });
  const client = new Ec2Client({
    credentials: CREDENTIALS,
    fetch: simulator.fetch,
    random: () => 0,
  });
  const page = await client.describeInstances(REGION, {
    filters: { "instance-state-name": ["running", "stopped"], "tag:Name": ["dev-box"] },
    maxResults: 5,
  });
  assertEquals(page.instances.map(({ id }) => id), [RUNNING_ID]);
  await client.describeInstances(REGION, { instanceIds: [RUNNING_ID, STOPPED_ID] });
  await client.stopInstances(REGION, [RUNNING_ID], { force: true });
  await client.startInstances(REGION, [STOPPED_ID]);
  await client.rebootInstances(REGION, [STOPPED_ID]);
  await client.createTags(REGION, [RUNNING_ID], { start_time: "", owner: "me" });
  await client.deleteTags(REGION, [RUNNING_ID], ["owner"]);
  const refused = simulator.calls.filter(({ status }) => status !== 200);
  assertEquals(refused, []);
});
