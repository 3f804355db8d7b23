import { assertEquals, assertRejects } from "@std/assert";
import { type CallRecord, type CallTrace, Ec2Client } from "../../src/aws/ec2.ts";
import { Ec2Error, Ec2TransportError } from "../../src/aws/ec2_errors.ts";
import { DESCRIBE_ONE_STOPPED, REBOOT_INSTANCES } from "../_fixtures.ts";

const EXAMPLE_CREDENTIALS = {
  accessKeyId: "AKIDEXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
};
const PINNED = () => new Date("2015-08-30T12:36:00Z");

/** A fetch that records each request and answers from a script, one entry per attempt. */
function scripted(...answers: (Response | Error)[]) {
  const requests: Request[] = [];
  const bodies: string[] = [];
  const fetch = async (url: string, init: RequestInit) => {
    const request = new Request(url, init);
    requests.push(request);
    bodies.push(await request.clone().text());
    const answer = answers.shift();
    if (!answer) throw new Error("the script ran out of answers");
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return { fetch, requests, bodies };
}

function xml(body: string, status = 200) {
  return new Response(body, { status, headers: { "content-type": "text/xml;charset=UTF-8" } });
}

function envelope(code: string, status: number) {
  return xml(
    `<Response><Errors><Error><Code>${code}</Code><Message>${code} happened</Message></Error></Errors><RequestID>rid-${code}</RequestID></Response>`,
    status,
  );
}

Deno.test("requests are signed exactly as botocore signs them", async () => {
  // Expected signatures computed with botocore's SigV4Auth for the same request.
  const cases = [
    {
      sessionToken: undefined,
      authorization:
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-west-2/ec2/aws4_request, SignedHeaders=host;x-amz-date, Signature=606c0c29c832e6c2eae49ce6ad05934788e91908814a353c2f5df21c818e4179",
    },
    {
      sessionToken: "session-token-example",
      authorization:
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-west-2/ec2/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=6dd0ddedbe3e58babb5a494870068c9d5b14e07b675e962de4b545d65bb29cc0",
    },
  ];
  for (const { sessionToken, authorization } of cases) {
    const { fetch, requests, bodies } = scripted(
      xml(DESCRIBE_ONE_STOPPED),
      xml(DESCRIBE_ONE_STOPPED),
    );
    const client = new Ec2Client({
      credentials: { ...EXAMPLE_CREDENTIALS, sessionToken },
      fetch,
      now: PINNED,
    });
    await client.describeInstances("us-west-2", { instanceIds: ["i-0123456789abcdef0"] });
    // The second signature comes from the kept signing key and body hash.
    await client.describeInstances("us-west-2", { instanceIds: ["i-0123456789abcdef0"] });
    assertEquals(requests[1].headers.get("authorization"), authorization);
    const [request] = requests;
    assertEquals(request.method, "POST");
    assertEquals(request.url, "https://ec2.us-west-2.amazonaws.com/");
    assertEquals(
      bodies[0],
      "Action=DescribeInstances&Version=2016-11-15&InstanceId.1=i-0123456789abcdef0",
    );
    assertEquals(
      request.headers.get("content-type"),
      "application/x-www-form-urlencoded; charset=utf-8",
    );
    assertEquals(request.headers.get("x-amz-date"), "20150830T123600Z");
    assertEquals(request.headers.get("x-amz-security-token"), sessionToken ?? null);
    assertEquals(request.headers.get("authorization"), authorization);
  }
});

Deno.test("the signature's scope names the region even on a custom endpoint", async () => {
  const { fetch, requests } = scripted(xml(DESCRIBE_ONE_STOPPED));
  const client = new Ec2Client({
    credentials: EXAMPLE_CREDENTIALS,
    fetch,
    endpoint: "http://127.0.0.1:4566/",
  });
  await client.describeInstances("eusc-de-east-1");
  assertEquals(requests[0].url, "http://127.0.0.1:4566/");
  assertEquals(
    requests[0].headers.get("authorization")?.match(/Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\//)
      ?.slice(1),
    ["eusc-de-east-1", "ec2"],
  );
});

Deno.test("throttling and 5xx are retried, at most 3 attempts in all", async () => {
  const { fetch, requests } = scripted(
    envelope("RequestLimitExceeded", 503),
    envelope("InternalError", 500),
    xml(DESCRIBE_ONE_STOPPED),
  );
  const client = new Ec2Client({ credentials: EXAMPLE_CREDENTIALS, fetch, random: () => 0 });
  const trace: CallTrace = { attempts: 0, requestId: null };
  const page = await client.describeInstances("us-west-2", { trace });
  assertEquals(page.instances.length, 1);
  assertEquals(requests.length, 3);
  assertEquals(trace.attempts, 3);

  const failing = scripted(
    envelope("Unavailable", 503),
    envelope("Unavailable", 503),
    envelope("Unavailable", 503),
    xml(DESCRIBE_ONE_STOPPED),
  );
  const giveUp = new Ec2Client({
    credentials: EXAMPLE_CREDENTIALS,
    fetch: failing.fetch,
    random: () => 0,
  });
  const error = await assertRejects(() => giveUp.describeInstances("us-west-2"), Ec2Error);
  assertEquals(error.code, "Unavailable");
  assertEquals(failing.requests.length, 3);
});

Deno.test("client errors are not retried", async () => {
  const { fetch, requests } = scripted(envelope("InvalidInstanceID.NotFound", 400));
  const client = new Ec2Client({ credentials: EXAMPLE_CREDENTIALS, fetch, random: () => 0 });
  await assertRejects(() => client.startInstances("us-west-2", ["i-12345678"]), Ec2Error);
  assertEquals(requests.length, 1);
});

Deno.test("network errors are retried for start, never for reboot", async () => {
  const start = scripted(
    new TypeError("connection reset"),
    xml(`<StartInstancesResponse><requestId>r</requestId><instancesSet/></StartInstancesResponse>`),
  );
  const client = new Ec2Client({
    credentials: EXAMPLE_CREDENTIALS,
    fetch: start.fetch,
    random: () => 0,
  });
  await client.startInstances("us-west-2", ["i-12345678"]);
  assertEquals(start.requests.length, 2);

  const reboot = scripted(new TypeError("connection reset"), xml(REBOOT_INSTANCES));
  const rebooter = new Ec2Client({
    credentials: EXAMPLE_CREDENTIALS,
    fetch: reboot.fetch,
    random: () => 0,
  });
  const error = await assertRejects(
    () => rebooter.rebootInstances("us-west-2", ["i-12345678"]),
    Ec2TransportError,
  );
  assertEquals(error.failure, "network");
  assertEquals(reboot.requests.length, 1);
});

Deno.test("reboot is repeated when EC2 says it throttled the request", async () => {
  const { fetch, requests } = scripted(
    envelope("RequestLimitExceeded", 503),
    xml(REBOOT_INSTANCES),
  );
  const client = new Ec2Client({ credentials: EXAMPLE_CREDENTIALS, fetch, random: () => 0 });
  await client.rebootInstances("us-west-2", ["i-12345678"]);
  assertEquals(requests.length, 2);
});

Deno.test("a call past its deadline fails as a timeout", async () => {
  const fetch = (_url: string, { signal }: RequestInit) =>
    new Promise<Response>((_, reject) => {
      signal!.addEventListener("abort", () => reject(signal!.reason));
    });
  const client = new Ec2Client({ credentials: EXAMPLE_CREDENTIALS, fetch, timeoutMs: 20 });
  const error = await assertRejects(() => client.describeInstances("us-west-2"), Ec2TransportError);
  assertEquals(error.failure, "timeout");
});

Deno.test("DeleteTags with no key is refused before anything is sent", async () => {
  const { fetch, requests } = scripted();
  const client = new Ec2Client({ credentials: EXAMPLE_CREDENTIALS, fetch });
  await assertRejects(() => client.deleteTags("us-west-2", ["i-12345678"], []), RangeError);
  assertEquals(requests.length, 0);
});

Deno.test("an observed client reports each call's attempts and EC2 request id, failed calls too", async () => {
  const { fetch } = scripted(
    envelope("RequestLimitExceeded", 503),
    xml(DESCRIBE_ONE_STOPPED),
    envelope("InvalidInstanceID.NotFound", 400),
  );
  const client = new Ec2Client({ credentials: EXAMPLE_CREDENTIALS, fetch, random: () => 0 });
  const calls: CallRecord[] = [];
  const observed = client.observed((call) => calls.push(call));
  const trace: CallTrace = { attempts: 0, requestId: null };
  await observed.describeInstances("us-west-2", { trace });
  assertEquals(trace, { attempts: 2, requestId: "a4b2c3d4-0000-4000-8000-example" });
  await assertRejects(() => observed.startInstances("eu-central-1", ["i-12345678"]), Ec2Error);
  assertEquals(calls, [
    {
      action: "DescribeInstances",
      region: "us-west-2",
      attempts: 2,
      requestId: "a4b2c3d4-0000-4000-8000-example",
    },
    {
      action: "StartInstances",
      region: "eu-central-1",
      attempts: 1,
      requestId: "rid-InvalidInstanceID.NotFound",
    },
  ]);
});
