import { assertEquals, assertStringIncludes } from "@std/assert";
import type { Fault } from "../../src/simulator/ec2.ts";
import {
  API_KEY,
  AWS_SECRET,
  errorOf,
  KEYED,
  REGION,
  RUNNING_ID,
  STOPPED_ID,
  testService,
} from "../_helpers.ts";

const READ = `/instance/${REGION}/${RUNNING_ID}`;

async function readWith(fault: Fault, times = 3, timeoutMs?: number) {
  const service = await testService({ timeoutMs });
  service.simulator.inject({ action: "DescribeInstances", times, fault });
  const response = await service.app.request(READ, { headers: KEYED });
  const attempts = service.simulator.calls.length;
  const after = await service.app.request(READ, { headers: KEYED });
  const error = response.ok ? null : await errorOf(response);
  return { response, attempts, after, error: error ?? { id: "", title: "" } };
}

Deno.test("an instance EC2 does not know answers 404 instance_id not found", async () => {
  const { app } = await testService();
  for (const id of ["i-deadbeef", "i-0000000000000000f"]) {
    const response = await app.request(`/instance/${REGION}/${id}/start`, {
      method: "POST",
      headers: KEYED,
    });
    assertEquals(response.status, 404);
    assertEquals(await errorOf(response), { id: "instance_id", title: "instance_id not found" });
  }
});

Deno.test("an instance in the wrong state answers 409 with EC2's own message", async () => {
  const { app, simulator } = await testService();
  await app.request(`/instance/${REGION}/${STOPPED_ID}/start`, { method: "POST", headers: KEYED });
  // Now pending: EC2 refuses to stop it, and refuses to reboot a stopped box.
  const stop = await app.request(`/instance/${REGION}/${STOPPED_ID}/stop`, {
    method: "POST",
    headers: KEYED,
  });
  assertEquals(stop.status, 409);
  const error = await errorOf(stop);
  assertEquals(error.id, "instance_id");
  assertStringIncludes(error.title, STOPPED_ID);
  assertStringIncludes(error.title, "not in a state from which it can be stopped");
  assertEquals(simulator.instance(REGION, STOPPED_ID)?.state, "pending");
});

Deno.test("a stop EC2 refuses for disableApiStop answers 409 with EC2's message, no tag written", async () => {
  const { app, simulator } = await testService();
  const message =
    `The instance '${RUNNING_ID}' may not be stopped. Modify its 'disableApiStop' instance attribute and try again.`;
  simulator.inject({
    action: "StopInstances",
    fault: { kind: "error", code: "OperationNotPermitted", message },
  });
  const stop = await app.request(`/instance/${REGION}/${RUNNING_ID}/stop`, {
    method: "POST",
    headers: KEYED,
  });
  assertEquals(stop.status, 409);
  assertEquals(await errorOf(stop), { id: "instance_id", title: message });
  assertEquals(simulator.instance(REGION, RUNNING_ID)?.state, "running");
  assertEquals(simulator.calls.map(({ action }) => action), ["StopInstances"]);
});

Deno.test("a <return>false</return> is a refusal: reboot answers 502 aws, a tag write 502 start_time", async () => {
  const { app, simulator } = await testService();
  const refused = (action: string) =>
    `<${action}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r-1</requestId><return>false</return></${action}Response>`;
  simulator.inject({
    action: "RebootInstances",
    fault: {
      kind: "status",
      status: 200,
      body: refused("RebootInstances"),
      contentType: "text/xml",
    },
  });
  const reboot = await app.request(`/instance/${REGION}/${RUNNING_ID}/reboot`, {
    method: "POST",
    headers: KEYED,
  });
  assertEquals(reboot.status, 502);
  const error = await errorOf(reboot);
  assertEquals(error.id, "aws");
  assertStringIncludes(error.title, 'EC2 answered RebootInstances with return "false"');
  // Not retried, and no tag claims a reboot that EC2 says it did not do.
  assertEquals(simulator.calls.map(({ action }) => action), ["RebootInstances"]);

  simulator.inject({
    action: "CreateTags",
    fault: { kind: "status", status: 200, body: refused("CreateTags"), contentType: "text/xml" },
  });
  const start = await app.request(`/instance/${REGION}/${STOPPED_ID}/start`, {
    method: "POST",
    headers: KEYED,
  });
  assertEquals(start.status, 502);
  assertEquals((await errorOf(start)).id, "start_time");
});

Deno.test("credential problems answer 502 aws, naming the problem and echoing no secret", async () => {
  const cases: [string, number, string][] = [
    ["AuthFailure", 401, "AuthFailure"],
    ["UnauthorizedOperation", 403, "IAM policy"],
    ["OptInRequired", 403, "OptInRequired"],
    ["SignatureDoesNotMatch", 403, "AWS_SECRET_ACCESS_KEY"],
  ];
  for (const [code, status, words] of cases) {
    const message =
      `You are not authorized to perform this operation. Encoded authorization failure message: AAAA-secret-policy ${AWS_SECRET}`;
    const { response, error, attempts, after } = await readWith({
      kind: "error",
      code,
      status,
      message,
    }, 1);
    assertEquals(response.status, 502, code);
    assertEquals(error.id, "aws");
    assertStringIncludes(error.title, words);
    for (const secret of ["Encoded", "AAAA-secret-policy", AWS_SECRET, API_KEY]) {
      assertEquals(error.title.includes(secret), false, error.title);
    }
    assertEquals(attempts, 1, `${code} is not retried`);
    assertEquals(after.status, 200);
  }
});

Deno.test("throttling and EC2 outages answer 503 aws after three attempts", async () => {
  for (
    const fault of [
      { kind: "error", code: "RequestLimitExceeded" },
      { kind: "error", code: "Unavailable" },
      { kind: "error", code: "InternalError" },
      { kind: "status", status: 503, body: "<html>Service Unavailable</html>" },
    ] as Fault[]
  ) {
    const { response, error, attempts, after } = await readWith(fault);
    assertEquals(response.status, 503, JSON.stringify(fault));
    assertEquals(error.id, "aws");
    assertEquals(response.headers.get("retry-after"), "5");
    assertEquals(attempts, 3);
    assertEquals(after.status, 200);
  }
});

Deno.test("a passing fault is absorbed by the retry and the client sees 200", async () => {
  const { response, attempts } = await readWith({ kind: "error", code: "RequestLimitExceeded" }, 2);
  assertEquals(response.status, 200);
  assertEquals(attempts, 3);
});

Deno.test("EC2 slower than the deadline answers 504 aws", async () => {
  const { response, error, after } = await readWith({ kind: "delay", ms: 5_000 }, 1, 50);
  assertEquals(response.status, 504);
  assertEquals(error, { id: "aws", title: "EC2 did not answer in time" });
  assertEquals(after.status, 200);
});

Deno.test("an answer that is not EC2 XML, or none at all, answers 502 aws", async () => {
  const cases: [Fault, number][] = [
    [{ kind: "status", status: 200, body: "<html><body>captive portal</body></html>" }, 1],
    [{ kind: "status", status: 200, body: "" }, 1],
    [{ kind: "truncate" }, 1],
    [{ kind: "reset" }, 3],
  ];
  for (const [fault, attemptsExpected] of cases) {
    const { response, error, attempts, after } = await readWith(fault, attemptsExpected);
    assertEquals(response.status, 502, JSON.stringify(fault));
    assertEquals(error.id, "aws");
    assertEquals(attempts, attemptsExpected, "only network errors are retried");
    assertEquals(after.status, 200);
  }
});
