/**
 * State changes under EC2 faults: the status the client gets, the attempts
 * made, that the server keeps serving, and that `start_time` never claims a
 * change that did not happen.
 */
import { assertEquals, assertStringIncludes } from "@std/assert";
import { Ec2Client, THROTTLING_CODES } from "../../src/aws/ec2.ts";
import { Ec2Error } from "../../src/aws/ec2_errors.ts";
import type { FaultRule } from "../../src/simulator/ec2.ts";
import { errorOf, KEYED, REGION, RUNNING_ID, STOPPED_ID, testService } from "../_helpers.ts";

const NOW = "2026-11-26T12:00:00.000Z";
const RUNNING_TAG = "2026-11-26T11:00:00.000Z";

/** Runs `action` on `id` under `faults`; reports what the client and EC2 saw. */
async function changeUnder(
  action: "start" | "stop" | "reboot",
  id: string,
  faults: FaultRule[],
  timeoutMs?: number,
) {
  const service = await testService({ timeoutMs });
  for (const rule of faults) service.simulator.inject(rule);
  const response = await service.app.request(`/instance/${REGION}/${id}/${action}`, {
    method: "POST",
    headers: KEYED,
  });
  const error = response.status === 204 ? null : await errorOf(response);
  const calls = service.simulator.calls.map(({ action }) => action);
  const instance = service.simulator.instance(REGION, id)!;
  const after = await service.app.request(`/instance/${REGION}/${id}`, { headers: KEYED });
  return { status: response.status, response, error, calls, instance, after: after.status };
}

function count(calls: string[], action: string): number {
  return calls.filter((call) => call === action).length;
}

Deno.test("StartInstances throttled or failing before EC2 acts: 503 after 3 attempts, no tag", async () => {
  const faults: FaultRule["fault"][] = [
    { kind: "error", code: "RequestLimitExceeded" },
    { kind: "error", code: "InternalError" },
    { kind: "status", status: 500, body: "<html>oops</html>" },
    { kind: "status", status: 503, body: "" },
  ];
  for (const fault of faults) {
    const result = await changeUnder("start", STOPPED_ID, [
      { action: "StartInstances", times: 3, fault },
    ]);
    assertEquals(result.status, 503, JSON.stringify(fault));
    assertEquals(result.error?.id, "aws");
    assertEquals(result.response.headers.get("retry-after"), "5");
    assertEquals(result.calls, ["StartInstances", "StartInstances", "StartInstances"]);
    assertEquals(result.instance.state, "stopped");
    assertEquals(result.instance.tags.start_time, undefined, "no tag claims a start");
    assertEquals(result.after, 200, "the server keeps serving");
  }
});

Deno.test("StartInstances slower than the deadline: 504, and no tag claims a start", async () => {
  const result = await changeUnder("start", STOPPED_ID, [
    { action: "StartInstances", fault: { kind: "delay", ms: 5_000 } },
  ], 50);
  assertEquals(result.status, 504);
  assertEquals(result.error, { id: "aws", title: "EC2 did not answer in time" });
  assertEquals(count(result.calls, "CreateTags"), 0);
  assertEquals(result.instance.tags.start_time, undefined);
  assertEquals(result.after, 200);
});

Deno.test("StartInstances acted on but its answer lost once: the retry succeeds and the tag is written", async () => {
  const result = await changeUnder("start", STOPPED_ID, [
    { action: "StartInstances", when: "after", fault: { kind: "reset" } },
  ]);
  assertEquals(result.status, 204);
  assertEquals(result.calls, [
    "StartInstances",
    "StartInstances",
    "CreateTags",
    "DescribeInstances",
  ]);
  assertEquals(result.instance.state, "pending");
  assertEquals(result.instance.tags.start_time, NOW);
});

Deno.test("StartInstances acted on but every answer lost: 502, the box starts, the tag stays unwritten", async () => {
  // The outcome is unknown to the service: it answers 502 and writes no tag,
  // so start_time may lag behind a start but never claims one EC2 did not make.
  const result = await changeUnder("start", STOPPED_ID, [
    { action: "StartInstances", times: 3, when: "after", fault: { kind: "reset" } },
  ]);
  assertEquals(result.status, 502);
  assertEquals(result.error, { id: "aws", title: "Cannot reach EC2" });
  assertEquals(result.calls, ["StartInstances", "StartInstances", "StartInstances"]);
  assertEquals(result.instance.state, "pending");
  assertEquals(result.instance.tags.start_time, undefined);
  assertEquals(result.after, 200);
});

Deno.test("a truncated StartInstances answer: 502 after one attempt, no tag written", async () => {
  const result = await changeUnder("start", STOPPED_ID, [
    { action: "StartInstances", fault: { kind: "truncate" } },
  ]);
  assertEquals(result.status, 502);
  assertEquals(result.error?.id, "aws");
  assertEquals(result.calls, ["StartInstances"]);
  assertEquals(result.instance.tags.start_time, undefined);
});

Deno.test("RebootInstances whose outcome is unknown is sent once and the box reboots once", async () => {
  const cases: [FaultRule["fault"], number][] = [
    [{ kind: "reset" }, 502],
    [{ kind: "status", status: 500, body: "<html>Internal Server Error</html>" }, 503],
    [{ kind: "status", status: 502, body: "<html>Bad Gateway</html>" }, 503],
    [{ kind: "status", status: 503, body: "" }, 503],
    [{ kind: "error", code: "InternalError" }, 503],
    [{ kind: "error", code: "Unavailable" }, 503],
    [{ kind: "error", code: "ServiceUnavailable", status: 503 }, 503],
  ];
  for (const [fault, status] of cases) {
    const result = await changeUnder("reboot", RUNNING_ID, [
      { action: "RebootInstances", times: 3, when: "after", fault },
    ]);
    assertEquals(result.status, status, JSON.stringify(fault));
    assertEquals(result.error?.id, "aws");
    assertEquals(result.calls, ["RebootInstances"], "never repeated");
    assertEquals(result.instance.reboots, 1);
    assertEquals(result.instance.tags.start_time, RUNNING_TAG, "no tag claims the reboot");
    assertEquals(result.after, 200);
  }
});

Deno.test("RebootInstances answered 503 Unavailable before EC2 acts is still sent once", async () => {
  // Before or after, the answer reads the same; only throttling says "not processed".
  const result = await changeUnder("reboot", RUNNING_ID, [
    { action: "RebootInstances", times: 3, fault: { kind: "error", code: "Unavailable" } },
  ]);
  assertEquals(result.status, 503);
  assertEquals(result.calls, ["RebootInstances"]);
  assertEquals(result.instance.reboots, 0);
});

Deno.test("a throttled RebootInstances is sent again for each throttling code: EC2 did not act on it", async () => {
  const faults: FaultRule["fault"][] = [
    ...[...THROTTLING_CODES].map((code): FaultRule["fault"] => ({ kind: "error", code })),
    { kind: "error", code: "Throttling", status: 400 },
    { kind: "error", code: "SlowDown", status: 429 },
    { kind: "status", status: 429, body: "<html>Too Many Requests</html>" },
  ];
  assertEquals(faults.length, 17, "the fourteen codes of both AWS SDKs, and three by status");
  for (const fault of faults) {
    const result = await changeUnder("reboot", RUNNING_ID, [
      { action: "RebootInstances", times: 2, fault },
    ]);
    assertEquals(result.status, 204, JSON.stringify(fault));
    assertEquals(count(result.calls, "RebootInstances"), 3, JSON.stringify(fault));
    assertEquals(result.instance.reboots, 1);
    assertEquals(result.instance.tags.start_time, NOW);
  }
});

Deno.test("a reboot throttled on every attempt answers 503 with Retry-After, whatever the code", async () => {
  for (const code of ["RequestLimitExceeded", "Throttling", "SlowDown"]) {
    const result = await changeUnder("reboot", RUNNING_ID, [
      { action: "RebootInstances", times: 3, fault: { kind: "error", code, status: 400 } },
    ]);
    assertEquals(result.status, 503, code);
    assertEquals(result.response.headers.get("retry-after"), "5");
    assertEquals(count(result.calls, "RebootInstances"), 3);
    assertEquals(result.instance.reboots, 0);
  }
});

Deno.test("the throttling codes are exactly those both AWS SDKs name", () => {
  // botocore retries/standard.py ThrottledRetryableChecker._THROTTLED_ERROR_CODES and
  // @smithy/service-error-classification THROTTLING_ERROR_CODES hold the same fourteen.
  assertEquals([...THROTTLING_CODES].sort(), [
    "BandwidthLimitExceeded",
    "EC2ThrottledException",
    "LimitExceededException",
    "PriorRequestNotComplete",
    "ProvisionedThroughputExceededException",
    "RequestLimitExceeded",
    "RequestThrottled",
    "RequestThrottledException",
    "SlowDown",
    "ThrottledException",
    "Throttling",
    "ThrottlingException",
    "TooManyRequestsException",
    "TransactionInProgressException",
  ]);
});

Deno.test("CreateTags failing after the stop: 502 start_time, the stop happened, the tag untouched", async () => {
  const result = await changeUnder("stop", RUNNING_ID, [
    { action: "CreateTags", times: 3, fault: { kind: "reset" } },
  ]);
  assertEquals(result.status, 502);
  assertEquals(result.error?.id, "start_time");
  assertStringIncludes(result.error!.title, `accepted "stop"`);
  assertEquals(result.calls, ["StopInstances", "CreateTags", "CreateTags", "CreateTags"]);
  assertEquals(result.instance.state, "stopping");
  assertEquals(result.instance.tags.start_time, RUNNING_TAG);
  assertEquals(result.after, 200);
});

Deno.test("the bodies of failed attempts are read to the end before the next attempt", async () => {
  const answers: Response[] = [];
  const failing = () =>
    new Response(
      "<Response><Errors><Error><Code>InternalError</Code><Message>x</Message></Error></Errors><RequestID>r</RequestID></Response>",
      { status: 500 },
    );
  const client = new Ec2Client({
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
    fetch: () => {
      const answer = failing();
      answers.push(answer);
      return Promise.resolve(answer);
    },
    random: () => 0,
  });
  try {
    await client.describeInstances(REGION);
  } catch (error) {
    assertEquals(error instanceof Ec2Error, true);
  }
  assertEquals(answers.length, 3);
  assertEquals(answers.map((answer) => answer.bodyUsed), [true, true, true]);
});
