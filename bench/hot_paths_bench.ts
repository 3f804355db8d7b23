/**
 * `deno task bench`: the hot paths of one request, each next to what it
 * replaced. Figures are per call; compare within one run, not across runs.
 */
import { AwsClient } from "aws4fetch";
import { XMLParser } from "fast-xml-parser";
import { Ec2Client } from "../src/aws/ec2.ts";
import { Ec2Signer } from "../src/aws/signer.ts";
import { encodeQuery } from "../src/aws/query.ts";
import { readDescribeInstances, textWithoutUnreadElements } from "../src/aws/ec2_xml.ts";
import { createDemo } from "../src/platform/demo.ts";
import { createService } from "../src/platform/service.ts";
import { describeInstancesXml } from "./_fixtures.ts";

const API_KEY = "bench-api-key-not-a-secret-0123456789";
const REGION = "us-west-2";
const CREDENTIALS = {
  accessKeyId: "AKIDEXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
};
const URL_WEST = "https://ec2.us-west-2.amazonaws.com/";
const BODY = "Action=DescribeInstances&Version=2016-11-15&InstanceId.1=i-0123456789abcdef0";
const ONE = describeInstancesXml(1);
const HUNDRED = describeInstancesXml(100);
const THOUSAND = describeInstancesXml(1000);
const DEFAULT_PARSER = new XMLParser();

const shared = new AwsClient({ ...CREDENTIALS, service: "ec2", retries: 0 });

Deno.bench("aws.sign(), a new AwsClient per request (before)", {
  group: "sign",
  baseline: true,
}, async () => {
  const aws = new AwsClient({ ...CREDENTIALS, service: "ec2", retries: 0 });
  await aws.sign(URL_WEST, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
    body: BODY,
    aws: { region: REGION },
  });
});

Deno.bench("aws.sign(), one AwsClient (kCredentials cached)", { group: "sign" }, async () => {
  await shared.sign(URL_WEST, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
    body: BODY,
    aws: { region: REGION },
  });
});

const signer = new Ec2Signer(CREDENTIALS);
Deno.bench(
  "Ec2Signer.sign(): kept signing key and body hash, @noble/hashes (after)",
  { group: "sign" },
  async () => {
    await signer.sign({
      url: URL_WEST,
      region: REGION,
      headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
      body: BODY,
    });
  },
);

// The client's whole signing path, with a fetch that answers at once, with
// the Content-Length EC2 sends.
const answer = new TextEncoder().encode(ONE);
const answerHeaders = { "content-length": String(answer.length) };
const client = new Ec2Client({
  credentials: CREDENTIALS,
  fetch: () => Promise.resolve(new Response(answer, { status: 200, headers: answerHeaders })),
});
Deno.bench("Ec2Client.describeInstances, sign + parse 1 instance (after)", {
  group: "sign",
}, async () => {
  await client.describeInstances(REGION, { instanceIds: ["i-0123456789abcdef0"] });
});

Deno.bench("encodeQuery DescribeInstances by id", { group: "query" }, () => {
  encodeQuery("DescribeInstances", { InstanceId: ["i-0123456789abcdef0"] });
});

Deno.bench("encodeQuery CreateTags", { group: "query" }, () => {
  encodeQuery("CreateTags", {
    ResourceId: ["i-0123456789abcdef0"],
    Tag: [{ Key: "start_time", Value: "2026-11-26T12:00:00.000Z" }],
  });
});

Deno.bench("encodeQuery listing with filters", { group: "query" }, () => {
  encodeQuery("DescribeInstances", {
    Filter: [
      { Name: "instance-state-name", Value: ["running", "stopped"] },
      { Name: "tag:team", Value: ["platform & infra"] },
    ],
    MaxResults: 1000,
    NextToken: "eyJ2IjoiMiIsImMiOiJ0b2tlbiJ9",
  });
});

for (const [count, xml] of [[1, ONE], [100, HUNDRED], [1000, THOUSAND]] as const) {
  const group = `parse ${count}`;
  Deno.bench(`XMLParser defaults, ${count} instance(s), ${xml.length} bytes (before)`, {
    group,
    baseline: true,
    n: count === 1000 ? 10 : undefined,
  }, () => {
    DEFAULT_PARSER.parse(xml);
  });
  // What Ec2Client does with an answer: its bytes decoded and cut as they arrive, then parsed.
  const bytes = new TextEncoder().encode(xml);
  const headers = { "content-length": String(bytes.length) };
  Deno.bench(`body to readDescribeInstances, ${count} instance(s) (after)`, {
    group,
    n: count === 1000 ? 10 : undefined,
  }, async () => {
    readDescribeInstances(await textWithoutUnreadElements(new Response(bytes, { headers })));
  });
}

// The service as `deno task start` composes it in demo mode, its request log
// line formatted and dropped.
const { app, demoInstances } = await createService({ API_KEY, DEMO: "true" }, {
  demo: createDemo,
  log: () => {},
  audit: () => {},
});
const running = demoInstances.find(({ state }) => state === "running")!;
const READ = `/instance/${running.region}/${running.id}`;
Deno.bench("GET /instance/:region/:id through app.request() on the simulator", {
  group: "request",
}, async () => {
  const response = await app.request(READ, { headers: { "x-api-key": API_KEY } });
  await response.arrayBuffer();
});

const REBOOT = `${READ}/reboot`;
Deno.bench("POST …/reboot through app.request(): reboot, tag, confirming read", {
  group: "request",
}, async () => {
  const response = await app.request(REBOOT, {
    method: "POST",
    headers: { "x-api-key": API_KEY },
  });
  await response.arrayBuffer();
});
