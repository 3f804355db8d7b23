import { assert, assertEquals, assertRejects, assertThrows } from "@std/assert";
import {
  CLOUDWATCH_API_VERSION,
  CloudWatchClient,
  cloudWatchEndpoint,
  cloudWatchEndpointOverride,
  CloudWatchError,
  CloudWatchTransportError,
  MAX_QUERIES_PER_CALL,
} from "../../src/aws/cloudwatch.ts";

const CREDENTIALS = {
  accessKeyId: "AKIDEXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
};
const NOW = new Date("2026-11-26T12:00:00.000Z");
const START = Date.parse("2026-11-26T11:00:00Z");
const END = Date.parse("2026-11-26T11:15:00Z");

/**
 * GetMetricData's answer in the shape of the API reference and of CloudWatch's
 * Query protocol: members, an empty `Values`, a message, a page token.
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html
 */
const GET_METRIC_DATA_PAGE_1 = `<?xml version="1.0" encoding="UTF-8"?>
<GetMetricDataResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/">
  <GetMetricDataResult>
    <MetricDataResults>
      <member>
        <Timestamps>
          <member>2026-11-26T11:00:00Z</member>
          <member>2026-11-26T11:05:00Z</member>
        </Timestamps>
        <Label>CPUUtilization</Label>
        <Id>cpu0</Id>
        <StatusCode>PartialData</StatusCode>
        <Values>
          <member>2.1</member>
          <member>0.9833333333333333</member>
        </Values>
      </member>
      <member>
        <Timestamps/>
        <Label>CPUUtilization</Label>
        <Id>cpu1</Id>
        <StatusCode>Complete</StatusCode>
        <Values/>
        <Messages>
          <member><Code>ArithmeticError</Code><Value>No data</Value></member>
        </Messages>
      </member>
    </MetricDataResults>
    <NextToken>page2-token</NextToken>
    <Messages/>
  </GetMetricDataResult>
  <ResponseMetadata>
    <RequestId>2b6d1bd3-1c2a-4f1e-9a57-5e2b8e1f0c11</RequestId>
  </ResponseMetadata>
</GetMetricDataResponse>
`;
const GET_METRIC_DATA_PAGE_2 =
  `<GetMetricDataResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/">
  <GetMetricDataResult>
    <MetricDataResults>
      <member>
        <Timestamps><member>2026-11-26T11:10:00Z</member></Timestamps>
        <Label>CPUUtilization</Label>
        <Id>cpu0</Id>
        <StatusCode>Complete</StatusCode>
        <Values><member>7.5</member></Values>
      </member>
    </MetricDataResults>
    <Messages/>
  </GetMetricDataResult>
  <ResponseMetadata><RequestId>5e3f5a2c-0000-4000-a000-000000000002</RequestId></ResponseMetadata>
</GetMetricDataResponse>`;
/** The Query protocol's error envelope. */
const THROTTLING = `<ErrorResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/">
  <Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error>
  <RequestId>7a1e7c6e-0000-4000-a000-00000000000t</RequestId>
</ErrorResponse>`;
const INVALID_VALUE = `<ErrorResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/">
  <Error><Type>Sender</Type><Code>InvalidParameterValue</Code><Message>The parameter StartTime must be less than the parameter EndTime.</Message></Error>
  <RequestId>7a1e7c6e-0000-4000-a000-00000000000v</RequestId>
</ErrorResponse>`;

interface Sent {
  url: string;
  headers: Headers;
  form: URLSearchParams;
}

/** A fetch that records each request and answers from `answers` in turn. */
function scripted(answers: (Response | ((form: URLSearchParams) => Response))[]) {
  const sent: Sent[] = [];
  const fetch = (url: string, init: RequestInit) => {
    const form = new URLSearchParams(String(init.body));
    sent.push({ url, headers: new Headers(init.headers), form });
    const next = answers.shift();
    if (!next) throw new Error("No answer left");
    return Promise.resolve(typeof next === "function" ? next(form) : next);
  };
  return { sent, fetch };
}

function xml(body: string, status = 200): Response {
  return new Response(body, { status, headers: { "content-type": "text/xml" } });
}

function client(fetch: ReturnType<typeof scripted>["fetch"], endpoint?: string) {
  return new CloudWatchClient({
    credentials: CREDENTIALS,
    fetch,
    endpoint,
    now: () => NOW,
    random: () => 0,
  });
}

Deno.test("CPU of an instance is asked as the Query API wants it, signed for monitoring", async () => {
  const { sent, fetch } = scripted([xml(GET_METRIC_DATA_PAGE_2)]);
  await client(fetch).cpuMaxima("eu-central-1", ["i-0a1b2c3d4e5f60718"], {
    startTime: START,
    endTime: END,
  });
  assertEquals(sent.length, 1);
  assertEquals(sent[0].url, "https://monitoring.eu-central-1.amazonaws.com/");
  assertEquals(Object.fromEntries(sent[0].form), {
    Action: "GetMetricData",
    Version: CLOUDWATCH_API_VERSION,
    "MetricDataQueries.member.1.Id": "cpu0",
    "MetricDataQueries.member.1.MetricStat.Metric.Namespace": "AWS/EC2",
    "MetricDataQueries.member.1.MetricStat.Metric.MetricName": "CPUUtilization",
    "MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Name": "InstanceId",
    "MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Value": "i-0a1b2c3d4e5f60718",
    "MetricDataQueries.member.1.MetricStat.Period": "300",
    "MetricDataQueries.member.1.MetricStat.Stat": "Maximum",
    "MetricDataQueries.member.1.ReturnData": "true",
    StartTime: "2026-11-26T11:00:00.000Z",
    EndTime: "2026-11-26T11:15:00.000Z",
    ScanBy: "TimestampAscending",
  });
  const authorization = sent[0].headers.get("authorization") ?? "";
  assert(
    authorization.startsWith(
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261126/eu-central-1/monitoring/aws4_request, ",
    ),
    authorization,
  );
  assertEquals(sent[0].headers.get("x-amz-date"), "20261126T120000Z");
  assert(!authorization.includes(CREDENTIALS.secretAccessKey));
});

Deno.test("a GetMetricData answer is read: results, labels, statuses, messages, token", async () => {
  const { fetch } = scripted([xml(GET_METRIC_DATA_PAGE_1)]);
  const page = await client(fetch).getMetricData("us-west-2", [{
    id: "cpu0",
    namespace: "AWS/EC2",
    metricName: "CPUUtilization",
    dimensions: { InstanceId: "i-1" },
    periodSeconds: 300,
    stat: "Maximum",
  }], { startTime: START, endTime: END });
  assertEquals(page, {
    requestId: "2b6d1bd3-1c2a-4f1e-9a57-5e2b8e1f0c11",
    nextToken: "page2-token",
    messages: [],
    results: [
      {
        id: "cpu0",
        label: "CPUUtilization",
        timestamps: [START, START + 300_000],
        values: [2.1, 0.9833333333333333],
        statusCode: "PartialData",
        messages: [],
      },
      {
        id: "cpu1",
        label: "CPUUtilization",
        timestamps: [],
        values: [],
        statusCode: "Complete",
        messages: [{ code: "ArithmeticError", value: "No data" }],
      },
    ],
  });
});

Deno.test("pages are followed through NextToken and merged per instance", async () => {
  const { sent, fetch } = scripted([xml(GET_METRIC_DATA_PAGE_1), xml(GET_METRIC_DATA_PAGE_2)]);
  const series = await client(fetch).cpuMaxima("us-west-2", ["i-aaaaaaaa", "i-bbbbbbbb"], {
    startTime: START,
    endTime: END,
  });
  assertEquals(sent.length, 2);
  assertEquals(sent[0].form.get("NextToken"), null);
  assertEquals(sent[1].form.get("NextToken"), "page2-token");
  assertEquals(series.get("i-aaaaaaaa"), {
    instanceId: "i-aaaaaaaa",
    points: [
      { timestamp: START, value: 2.1 },
      { timestamp: START + 300_000, value: 0.9833333333333333 },
      { timestamp: START + 600_000, value: 7.5 },
    ],
    statusCode: "Complete",
    messages: [],
  });
  assertEquals(series.get("i-bbbbbbbb")?.points, []);
});

Deno.test("instances are batched 500 queries a call, each asked once", async () => {
  const ids = Array.from({ length: 1001 }, (_, n) => `i-${n.toString(16).padStart(17, "0")}`);
  const empty = (form: URLSearchParams) => {
    const members = [...form.keys()].filter((key) => key.endsWith(".Id")).map((key) =>
      `<member><Timestamps/><Id>${
        form.get(key)
      }</Id><StatusCode>Complete</StatusCode><Values/></member>`
    );
    return xml(
      `<GetMetricDataResponse><GetMetricDataResult><MetricDataResults>${
        members.join("")
      }</MetricDataResults></GetMetricDataResult></GetMetricDataResponse>`,
    );
  };
  const { sent, fetch } = scripted([empty, empty, empty]);
  let calls = 0;
  const series = await client(fetch).cpuMaxima("us-west-2", [...ids, ids[0]], {
    startTime: START,
    endTime: END,
    onCall: () => calls++,
  });
  assertEquals(calls, 3);
  assertEquals(
    sent.map(({ form }) => [...form.keys()].filter((key) => key.endsWith(".Id")).length),
    [MAX_QUERIES_PER_CALL, MAX_QUERIES_PER_CALL, 1],
  );
  const asked = sent.flatMap(({ form }) =>
    [...form].filter(([key]) => key.endsWith("Dimensions.member.1.Value")).map(([, v]) => v)
  );
  assertEquals(asked, ids);
  assertEquals(series.size, 1001);
});

Deno.test("throttling is retried, and the retry's answer is used", async () => {
  const { sent, fetch } = scripted([xml(THROTTLING, 400), xml(GET_METRIC_DATA_PAGE_2)]);
  const series = await client(fetch).cpuMaxima("us-west-2", ["i-aaaaaaaa"], {
    startTime: START,
    endTime: END,
  });
  assertEquals(sent.length, 2);
  assertEquals(series.get("i-aaaaaaaa")?.points, [{ timestamp: START + 600_000, value: 7.5 }]);
});

Deno.test("throttling three times gives a retryable CloudWatchError with code and request id", async () => {
  const { sent, fetch } = scripted([
    xml(THROTTLING, 400),
    xml(THROTTLING, 400),
    xml(THROTTLING, 400),
  ]);
  const error = await assertRejects(
    () => client(fetch).cpuMaxima("us-west-2", ["i-aaaaaaaa"], { startTime: START, endTime: END }),
    CloudWatchError,
  );
  assertEquals(sent.length, 3);
  assertEquals(
    [error.code, error.message, error.status, error.requestId, error.retryable],
    ["Throttling", "Rate exceeded", 400, "7a1e7c6e-0000-4000-a000-00000000000t", true],
  );
});

Deno.test("a client error is not retried", async () => {
  const { sent, fetch } = scripted([xml(INVALID_VALUE, 400)]);
  const error = await assertRejects(
    () => client(fetch).cpuMaxima("us-west-2", ["i-aaaaaaaa"], { startTime: START, endTime: END }),
    CloudWatchError,
  );
  assertEquals(sent.length, 1);
  assertEquals(error.code, "InvalidParameterValue");
  assertEquals(error.retryable, false);
});

Deno.test("answers that are not CloudWatch's become transport errors", async () => {
  const cases: [Response, string][] = [
    [
      new Response("<html><body>Bad gateway</body></html>", { status: 400 }),
      "without its error envelope",
    ],
    [xml("<html><body>ok</body></html>"), 'root element is "html"'],
    [xml(GET_METRIC_DATA_PAGE_2.slice(0, 200)), "Cannot parse CloudWatch response"],
    [xml(GET_METRIC_DATA_PAGE_2.replace("7.5", "lots")), 'value "lots"'],
    [xml(GET_METRIC_DATA_PAGE_2.replace("<member>7.5</member>", "")), "1 timestamps for 0 values"],
    [xml(`<!DOCTYPE x>${GET_METRIC_DATA_PAGE_2}`), "DOCTYPE"],
  ];
  for (const [answer, message] of cases) {
    const { fetch } = scripted([answer]);
    const error = await assertRejects(
      () =>
        client(fetch).cpuMaxima("us-west-2", ["i-aaaaaaaa"], { startTime: START, endTime: END }),
      CloudWatchTransportError,
    );
    assertEquals(error.failure, "protocol");
    assert(error.message.includes(message), `${message}: ${error.message}`);
  }
});

Deno.test("a network failure is retried, then reported without the credentials", async () => {
  let calls = 0;
  const fetch = () => {
    calls++;
    return Promise.reject(new TypeError("connection refused"));
  };
  const error = await assertRejects(
    () => client(fetch).cpuMaxima("us-west-2", ["i-aaaaaaaa"], { startTime: START, endTime: END }),
    CloudWatchTransportError,
  );
  assertEquals([calls, error.failure, error.message], [3, "network", "Cannot reach CloudWatch"]);
});

Deno.test("an aborted call is a timeout", async () => {
  const controller = new AbortController();
  controller.abort();
  const fetch = (_url: string, init: RequestInit) =>
    Promise.reject(init.signal?.reason ?? new Error("aborted"));
  const error = await assertRejects(
    () =>
      client(fetch).cpuMaxima("us-west-2", ["i-aaaaaaaa"], {
        startTime: START,
        endTime: END,
        signal: controller.signal,
      }),
    CloudWatchTransportError,
  );
  assertEquals(error.failure, "timeout");
});

Deno.test("bad calls are refused before anything is sent", async () => {
  const { sent, fetch } = scripted([]);
  await assertRejects(
    () => client(fetch).getMetricData("us-west-2", [], { startTime: START, endTime: END }),
    RangeError,
    "0 queries, expected 1 to 500",
  );
  await assertRejects(
    () => client(fetch).cpuMaxima("us-west-2", ["i-1"], { startTime: END, endTime: START }),
    RangeError,
    "the end time is not after the start time",
  );
  assertEquals(sent.length, 0);
  assertEquals(
    (await client(fetch).cpuMaxima("us-west-2", [], { startTime: START, endTime: END })).size,
    0,
  );
  assertThrows(
    () => new CloudWatchClient({ credentials: { accessKeyId: "", secretAccessKey: "x" } }),
    TypeError,
    "credentials are incomplete",
  );
});

Deno.test("endpoints follow the partition, and the SDKs' variables override them", async () => {
  assertEquals(cloudWatchEndpoint("us-west-2"), "https://monitoring.us-west-2.amazonaws.com/");
  assertEquals(cloudWatchEndpoint("cn-north-1"), "https://monitoring.cn-north-1.amazonaws.com.cn/");
  assertEquals(cloudWatchEndpoint("us-iso-east-1"), "https://monitoring.us-iso-east-1.c2s.ic.gov/");
  assertEquals(
    cloudWatchEndpoint("eusc-de-east-1"),
    "https://monitoring.eusc-de-east-1.amazonaws.eu/",
  );
  assertEquals(cloudWatchEndpointOverride({}), undefined);
  assertEquals(
    cloudWatchEndpointOverride({ AWS_ENDPOINT_URL: "http://127.0.0.1:5000" }),
    "http://127.0.0.1:5000",
  );
  assertEquals(
    cloudWatchEndpointOverride({
      AWS_ENDPOINT_URL: "http://127.0.0.1:5000",
      AWS_ENDPOINT_URL_CLOUDWATCH: "http://127.0.0.1:4566",
    }),
    "http://127.0.0.1:4566",
  );
  assertEquals(
    cloudWatchEndpointOverride({ AWS_ENDPOINT_URL_CLOUDWATCH: " ", AWS_ENDPOINT_URL: "http://x" }),
    "http://x",
  );
  const { sent, fetch } = scripted([xml(GET_METRIC_DATA_PAGE_2)]);
  await client(fetch, "http://127.0.0.1:4566/").cpuMaxima("us-west-2", ["i-1"], {
    startTime: START,
    endTime: END,
  });
  assertEquals(sent[0].url, "http://127.0.0.1:4566/");
});
