/**
 * The XML module reads both dialects an EC2 endpoint may speak: AWS's own
 * (the API reference's examples) and moto's (recorded from moto_server), and
 * the variations the AWS SDKs accept besides: another API version in the
 * namespace, no namespace, no XML declaration, no requestId, an error
 * envelope without RequestID or with the Query protocol's shape.
 */
import { assertEquals, assertInstanceOf, assertThrows } from "@std/assert";
import { Ec2Error, Ec2TransportError } from "../../src/aws/ec2_errors.ts";
import {
  readDescribeInstances,
  readError,
  readReturn,
  readStateChanges,
  RETURN_FALSE_CODE,
  withoutUnreadElements,
} from "../../src/aws/ec2_xml.ts";
import {
  CREATE_TAGS,
  DESCRIBE_ONE_RUNNING,
  ERROR_NOT_FOUND,
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
  REBOOT_INSTANCES,
  START_INSTANCES,
  STOP_INSTANCES,
} from "../_fixtures.ts";

const MOTO_ID = "i-b1f7ef00599b935c2";

Deno.test("moto's DescribeInstances reads the instance's own fields, not its network interface's", () => {
  for (const xml of [MOTO_DESCRIBE_RUNNING, withoutUnreadElements(MOTO_DESCRIBE_RUNNING)]) {
    const page = readDescribeInstances(xml);
    assertEquals(page.requestId, "request-id");
    assertEquals(page.nextToken, null);
    assertEquals(page.instances, [{
      id: MOTO_ID,
      state: "running",
      type: "t3.micro",
      launchTime: "2026-12-01T08:59:39.000Z",
      publicDnsName: "ec2-54-214-80-210.us-west-2.compute.amazonaws.com",
      publicIpAddress: "54.214.80.210",
      ipv6Address: null,
      privateIpAddress: "10.76.11.196",
      availabilityZone: "us-west-2a",
      tags: { Name: "Tom & Jerry <dev>", agent: "007" },
    }]);
  }
});

Deno.test("moto's stopped instance has no dnsName and no ipAddress: both read as null", () => {
  const [instance] = readDescribeInstances(MOTO_DESCRIBE_STOPPED).instances;
  assertEquals(instance.state, "stopped");
  assertEquals(instance.publicDnsName, null);
  assertEquals(instance.publicIpAddress, null);
  assertEquals(instance.tags.start_time, "2026-01-01T00:00:00.000Z");
  assertEquals(readDescribeInstances(MOTO_DESCRIBE_EMPTY).instances, []);
});

Deno.test("StartInstances and StopInstances read alike in both dialects", () => {
  assertEquals(readStateChanges("StartInstances", START_INSTANCES).changes, [{
    instanceId: "i-1234567890abcdef0",
    currentState: "pending",
    previousState: "stopped",
  }]);
  assertEquals(
    readStateChanges("StopInstances", STOP_INSTANCES).changes[0].currentState,
    "stopping",
  );
  const start = readStateChanges("StartInstances", MOTO_START_INSTANCES);
  assertEquals(start, {
    requestId: "request-id",
    changes: [{ instanceId: MOTO_ID, currentState: "pending", previousState: "stopped" }],
  });
  assertEquals(readStateChanges("StopInstances", MOTO_STOP_INSTANCES).changes, [{
    instanceId: MOTO_ID,
    currentState: "stopping",
    previousState: "running",
  }]);
});

Deno.test("CreateTags, DeleteTags and RebootInstances succeed with or without <return>true</return>", () => {
  assertEquals(
    readReturn("CreateTags", CREATE_TAGS).requestId,
    "7a62c49f-347e-4fc4-9331-6e8eEXAMPLE",
  );
  assertEquals(
    readReturn("RebootInstances", REBOOT_INSTANCES).requestId,
    "59dbff89-35bd-4eac-99ed-be587EXAMPLE",
  );
  assertEquals(readReturn("CreateTags", MOTO_CREATE_TAGS).requestId, "request-id");
  assertEquals(readReturn("DeleteTags", MOTO_DELETE_TAGS).requestId, "request-id");
  assertEquals(readReturn("RebootInstances", MOTO_REBOOT_INSTANCES).requestId, "request-id");
});

Deno.test("a <return> that is there and not true is a refusal, whatever else it says", () => {
  for (const value of ["false", "FALSE", "", "0"]) {
    const xml = MOTO_CREATE_TAGS.replace("</requestId>", `</requestId><return>${value}</return>`);
    const error = assertThrows(() => readReturn("CreateTags", xml), Ec2Error);
    assertEquals(error.code, RETURN_FALSE_CODE);
    assertEquals(error.message.includes(value || "\u0000"), value === "false", error.message);
  }
  // Spaces around the value are the layout of the answer, not the value.
  readReturn("CreateTags", CREATE_TAGS.replace(">true<", ">\n  true\n<"));
});

Deno.test("the namespace, its trailing slash, its API version and the XML declaration are not checked", () => {
  const variants = [
    MOTO_REBOOT_INSTANCES,
    MOTO_REBOOT_INSTANCES.replace('<?xml version="1.0" encoding="utf-8"?>\n', ""),
    REBOOT_INSTANCES.replace("2016-11-15", "2013-10-15"),
    REBOOT_INSTANCES.replace(' xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"', ""),
    `<?xml version='1.0'?>\r\n${REBOOT_INSTANCES}\r\n`,
  ];
  for (const xml of variants) readReturn("RebootInstances", xml);
  const noRequestId = DESCRIBE_ONE_RUNNING.replace(/<requestId>[^<]*<\/requestId>/, "");
  assertEquals(readDescribeInstances(noRequestId).requestId, null);
  assertEquals(readDescribeInstances(noRequestId).instances.length, 1);
});

Deno.test("moto's error envelope, with its namespace, reads as EC2's", () => {
  const notFound = readError(MOTO_ERROR_NOT_FOUND, 400);
  assertInstanceOf(notFound, Ec2Error);
  assertEquals(notFound.code, "InvalidInstanceID.NotFound");
  assertEquals(notFound.message, "The instance ID 'i-0123456789abcdef0' does not exist");
  assertEquals(notFound.requestId, "request-id");
  const dryRun = readError(MOTO_ERROR_DRY_RUN, 412);
  assertInstanceOf(dryRun, Ec2Error);
  assertEquals([dryRun.code, dryRun.status], ["DryRunOperation", 412]);
});

Deno.test("an error envelope without RequestID, or in the Query protocol's shape, keeps its code", () => {
  const bare = readError(ERROR_NOT_FOUND.replace(/<RequestID>[^<]*<\/RequestID>/, ""), 400);
  assertInstanceOf(bare, Ec2Error);
  assertEquals([bare.code, bare.requestId], ["InvalidInstanceID.NotFound", null]);
  const query = readError(
    `<ErrorResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><Error><Type>Sender</Type><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`,
    503,
  );
  assertInstanceOf(query, Ec2Error);
  assertEquals([query.code, query.status, query.requestId], ["RequestLimitExceeded", 503, "r-1"]);
});

Deno.test("an error answer without a code is not EC2's: HTML, an empty envelope, a cut one", () => {
  const cases: [string, string][] = [
    [MOTO_UNKNOWN_ACTION, "without its error envelope"],
    [
      "<Response><Errors><Error><Message>no code</Message></Error></Errors></Response>",
      "empty error envelope",
    ],
    ["<Response><Errors/></Response>", "empty error envelope"],
    [MOTO_ERROR_NOT_FOUND.slice(0, 120), "without its error envelope"],
    ["", "without its error envelope"],
  ];
  for (const [body, message] of cases) {
    const error = readError(body, 500);
    assertInstanceOf(error, Ec2TransportError);
    assertEquals([error.failure, error.status], ["protocol", 500]);
    assertEquals(error.message.includes(message), true, `${error.message} for ${body}`);
  }
});

Deno.test("a success answer must still be the action's own: another root is refused", () => {
  assertThrows(
    () => readReturn("CreateTags", MOTO_REBOOT_INSTANCES),
    Ec2TransportError,
    'root element is "RebootInstancesResponse"',
  );
  assertThrows(() => readReturn("CreateTags", MOTO_ERROR_NOT_FOUND), Ec2TransportError, "Response");
  assertThrows(
    () => readReturn("CreateTags", MOTO_CREATE_TAGS.slice(0, -10)),
    Ec2TransportError,
    "Cannot parse EC2 response",
  );
});
