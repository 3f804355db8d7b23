import { assert, assertEquals, assertNotEquals, assertRejects } from "@std/assert";
import { CloudWatchClient, CloudWatchError } from "../../src/aws/cloudwatch.ts";
import { idleVerdict, idleWindow, parseIdleRule } from "../../src/domain/idle.ts";
import { Ec2Signer } from "../../src/aws/signer.ts";
import {
  busyCpu,
  CloudWatchSimulator,
  RunLog,
  type RunningInterval,
  SAMPLE_PERIOD_MS,
} from "../../src/simulator/cloudwatch.ts";

const REGION = "us-west-2";
const BUSY_ID = "i-0a1b2c3d4e5f60718";
const IDLE_ID = "i-0fedcba9876543210";
const CYCLED_ID = "i-abba916a";
const MINUTE = 60_000;
const T0 = Date.parse("2026-11-26T12:00:00.000Z");
const CREDENTIALS = {
  accessKeyId: "AKIDEXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
};

/** Running since 08:00; IDLE_ID too; CYCLED_ID ran 10:00–10:30 and again since 11:00. */
const HISTORY: Record<string, RunningInterval[]> = {
  [BUSY_ID]: [{ start: T0 - 4 * 60 * MINUTE, end: null }],
  [IDLE_ID]: [{ start: T0 - 4 * 60 * MINUTE, end: null }],
  [CYCLED_ID]: [
    { start: T0 - 120 * MINUTE, end: T0 - 90 * MINUTE },
    { start: T0 - 60 * MINUTE, end: null },
  ],
};

function setup(options: { maxDatapoints?: number } = {}) {
  const clock = { now: T0 };
  const simulator = new CloudWatchSimulator({
    now: () => clock.now,
    random: () => 0.5,
    maxDatapoints: options.maxDatapoints,
    history: (region, id) => region === REGION ? HISTORY[id] ?? null : null,
  });
  const client = new CloudWatchClient({
    credentials: CREDENTIALS,
    fetch: simulator.fetch,
    now: () => new Date(clock.now),
    random: () => 0,
  });
  return { clock, simulator, client };
}

/** A GetMetricData form, signed as the client would (`service` to sign for another). */
async function signed(params: Record<string, string>, service = "monitoring"): Promise<Request> {
  const url = "https://monitoring.us-west-2.amazonaws.com/";
  const body = new URLSearchParams({ Action: "GetMetricData", Version: "2010-08-01", ...params })
    .toString();
  const headers = await new Ec2Signer(CREDENTIALS, service).sign({
    url,
    region: REGION,
    headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
    body,
    datetime: "20261126T120000Z",
  });
  return new Request(url, { method: "POST", headers, body });
}

function cpuQuery(n: number, instanceId: string, extra: Record<string, string> = {}) {
  const at = `MetricDataQueries.member.${n}.`;
  return {
    [`${at}Id`]: `q${n}`,
    [`${at}MetricStat.Metric.Namespace`]: "AWS/EC2",
    [`${at}MetricStat.Metric.MetricName`]: "CPUUtilization",
    [`${at}MetricStat.Metric.Dimensions.member.1.Name`]: "InstanceId",
    [`${at}MetricStat.Metric.Dimensions.member.1.Value`]: instanceId,
    [`${at}MetricStat.Period`]: "300",
    [`${at}MetricStat.Stat`]: "Maximum",
    ...extra,
  };
}

const HOUR_AGO = {
  StartTime: "2026-11-26T11:00:00Z",
  EndTime: "2026-11-26T12:00:00Z",
};

async function errorOf(response: Response): Promise<[number, string, string]> {
  const text = await response.text();
  return [
    response.status,
    text.match(/<Code>([^<]*)<\/Code>/)?.[1] ?? "",
    text.match(/<Message>([^<]*)<\/Message>/)?.[1] ?? "",
  ];
}

Deno.test("a running box has a varying point for each published 5-minute period", async () => {
  const { client } = setup();
  const series = await client.cpuMaxima(REGION, [BUSY_ID], {
    startTime: T0 - 60 * MINUTE,
    endTime: T0,
  });
  const points = series.get(BUSY_ID)!.points;
  // 11:00 … 11:50: the 11:55 period ends at 12:00 and is not published yet.
  assertEquals(points.map((point) => new Date(point.timestamp).toISOString().slice(11, 16)), [
    "11:00",
    "11:05",
    "11:10",
    "11:15",
    "11:20",
    "11:25",
    "11:30",
    "11:35",
    "11:40",
    "11:45",
    "11:50",
  ]);
  for (const { value } of points) assert(value > 0 && value <= 100, String(value));
  assert(new Set(points.map((point) => point.value)).size > 5, "CPU should vary");
  assert(Math.max(...points.map((point) => point.value)) > 5, "a busy box is over 5%");
  const again = await client.cpuMaxima(REGION, [BUSY_ID], {
    startTime: T0 - 60 * MINUTE,
    endTime: T0,
  });
  assertEquals(again.get(BUSY_ID)!.points, points);
});

Deno.test("the latest period appears once its publishing delay has passed", async () => {
  const { clock, client } = setup();
  const last = async () =>
    (await client.cpuMaxima(REGION, [BUSY_ID], {
      startTime: T0 - 15 * MINUTE,
      endTime: T0 + 5 * MINUTE,
    }))
      .get(BUSY_ID)!.points.at(-1)!.timestamp;
  assertEquals(await last(), T0 - 10 * MINUTE);
  clock.now = T0 + 4 * MINUTE;
  assertEquals(await last(), T0 - 5 * MINUTE);
  clock.now = T0 + 9 * MINUTE;
  assertEquals(await last(), T0);
});

Deno.test("a stopped box has no points, and points come back when it runs again", async () => {
  const { client } = setup();
  const series = await client.cpuMaxima(REGION, [CYCLED_ID], {
    startTime: T0 - 130 * MINUTE,
    endTime: T0 - 40 * MINUTE,
  });
  const times = series.get(CYCLED_ID)!.points.map((point) => (T0 - point.timestamp) / MINUTE);
  // Ran 120–90 min ago and since 60 min ago (minutes before T0 of each period's start).
  assertEquals(times, [120, 115, 110, 105, 100, 95, 60, 55, 50, 45]);
});

Deno.test("tests set CPU per instance: a value or a function of time", async () => {
  const { simulator, client } = setup();
  simulator.setCpu(IDLE_ID, 2.5);
  simulator.setCpu(BUSY_ID, (_id, t) => t === T0 - 30 * MINUTE ? 80 : 1);
  const series = await client.cpuMaxima(REGION, [IDLE_ID, BUSY_ID], {
    startTime: T0 - 45 * MINUTE,
    endTime: T0 - 15 * MINUTE,
  });
  assertEquals(series.get(IDLE_ID)!.points.map((point) => point.value), [
    2.5,
    2.5,
    2.5,
    2.5,
    2.5,
    2.5,
  ]);
  assertEquals(series.get(BUSY_ID)!.points.map((point) => point.value), [1, 1, 1, 80, 1, 1]);
  simulator.setCpu(BUSY_ID, null);
  const reset = await client.cpuMaxima(REGION, [BUSY_ID], {
    startTime: T0 - 10 * MINUTE,
    endTime: T0 - 5 * MINUTE,
  });
  assertEquals(reset.get(BUSY_ID)!.points, [{
    timestamp: T0 - 10 * MINUTE,
    value: busyCpu(BUSY_ID, T0 - 10 * MINUTE),
  }]);
});

Deno.test("longer periods aggregate the 5-minute samples by the statistic asked", async () => {
  const { simulator } = setup();
  simulator.setCpu(IDLE_ID, (_id, t) => ((t - T0) / SAMPLE_PERIOD_MS) % 3 === 0 ? 9 : 3);
  const answer = async (stat: string) => {
    const response = await simulator.fetch(
      await signed({
        ...HOUR_AGO,
        ScanBy: "TimestampAscending",
        ...cpuQuery(1, IDLE_ID, {
          "MetricDataQueries.member.1.MetricStat.Period": "900",
          "MetricDataQueries.member.1.MetricStat.Stat": stat,
        }),
      }),
    );
    const text = await response.text();
    return [...text.matchAll(/<Values>(.*?)<\/Values>/g)][0][1].replace(/<\/?member>/g, " ")
      .trim().split(/\s+/).map(Number);
  };
  assertEquals(await answer("Maximum"), [9, 9, 9, 9]);
  // 11:45 holds the samples of 11:45 (9) and 11:50 (3); 11:55 is not published yet.
  assertEquals(await answer("Average"), [5, 5, 5, 6]);
  assertEquals(await answer("SampleCount"), [3, 3, 3, 2]);
});

Deno.test("an instance the history does not know has an empty, complete result", async () => {
  const { simulator } = setup();
  const response = await simulator.fetch(
    await signed({ ...HOUR_AGO, ...cpuQuery(1, "i-00000000") }),
  );
  assertEquals(response.status, 200);
  const text = await response.text();
  assert(text.includes("<Timestamps></Timestamps>"), text);
  assert(text.includes("<Id>q1</Id>") && text.includes("<StatusCode>Complete</StatusCode>"), text);
  assertEquals(response.headers.get("content-type"), "text/xml");
  assert(/<RequestId>[0-9a-f-]{36}<\/RequestId>/.test(text), text);
});

Deno.test("answers are paged with NextToken and PartialData, and the client reads every page", async () => {
  const { simulator, client } = setup({ maxDatapoints: 4 });
  const series = await client.cpuMaxima(REGION, [BUSY_ID, IDLE_ID], {
    startTime: T0 - 60 * MINUTE,
    endTime: T0,
  });
  assertEquals(series.get(BUSY_ID)!.points.length, 11);
  assertEquals(series.get(IDLE_ID)!.points.length, 11);
  assertEquals(simulator.calls.map((call) => call.paged), [false, true, true, true, true, true]);
  const first = await (await simulator.fetch(
    await signed({ ...HOUR_AGO, ...cpuQuery(1, BUSY_ID), ...cpuQuery(2, IDLE_ID) }),
  )).text();
  assert(first.includes("<StatusCode>PartialData</StatusCode>"), first);
  const token = first.match(/<NextToken>([^<]+)<\/NextToken>/)?.[1];
  assert(token, first);
  // The token belongs to that request: another one is refused, as a made-up one.
  for (const bad of [token, "bm90IGEgdG9rZW4="]) {
    const other = await simulator.fetch(
      await signed({ ...HOUR_AGO, ...cpuQuery(1, IDLE_ID), NextToken: bad }),
    );
    assertEquals((await errorOf(other)).slice(0, 2), [400, "InvalidNextToken"]);
  }
});

Deno.test("the newest points come first unless TimestampAscending is asked", async () => {
  const { simulator } = setup();
  const text = await (await simulator.fetch(await signed({ ...HOUR_AGO, ...cpuQuery(1, BUSY_ID) })))
    .text();
  const stamps = [...text.matchAll(/<member>(2026-[^<]+)<\/member>/g)].map((match) => match[1]);
  assertEquals(stamps[0], "2026-11-26T11:50:00Z");
  assertEquals(stamps.at(-1), "2026-11-26T11:00:00Z");
});

Deno.test("requests CloudWatch would refuse get its error envelope", async () => {
  const { simulator } = setup();
  const many = Object.assign(
    {},
    ...Array.from({ length: 501 }, (_, n) => cpuQuery(n + 1, BUSY_ID)),
  );
  const cases: [Request, [number, string, string]][] = [
    [
      new Request("https://monitoring.us-west-2.amazonaws.com/", {
        method: "POST",
        body: "Action=GetMetricData",
      }),
      [403, "MissingAuthenticationToken", "Request is missing Authentication Token"],
    ],
    [
      await signed({ ...HOUR_AGO, ...cpuQuery(1, BUSY_ID) }, "ec2"),
      [
        403,
        "SignatureDoesNotMatch",
        "Credential should be scoped to correct service: 'monitoring'.",
      ],
    ],
    [
      await signed({
        StartTime: HOUR_AGO.EndTime,
        EndTime: HOUR_AGO.StartTime,
        ...cpuQuery(1, BUSY_ID),
      }),
      [
        400,
        "InvalidParameterValue",
        "The parameter StartTime must be less than the parameter EndTime.",
      ],
    ],
    [
      await signed({ EndTime: HOUR_AGO.EndTime, ...cpuQuery(1, BUSY_ID) }),
      [400, "MissingParameter", "The parameter StartTime is required."],
    ],
    [
      await signed({ ...HOUR_AGO }),
      [400, "MissingParameter", "The parameter MetricDataQueries is required."],
    ],
    [
      await signed({ ...HOUR_AGO, ...many }),
      [
        400,
        "ValidationError",
        "The collection MetricDataQueries must not have a size greater than 500.",
      ],
    ],
    [
      await signed({
        ...HOUR_AGO,
        ...cpuQuery(1, BUSY_ID, { "MetricDataQueries.member.1.Id": "Cpu" }),
      }),
      [
        400,
        "ValidationError",
        "Invalid MetricDataQueries.member.1.Id: 'Cpu' must start with a lowercase letter and contain only letters, numbers and underscores.",
      ],
    ],
    [
      await signed({
        ...HOUR_AGO,
        ...cpuQuery(1, BUSY_ID),
        ...cpuQuery(2, IDLE_ID, { "MetricDataQueries.member.2.Id": "q1" }),
      }),
      [
        400,
        "ValidationError",
        "The value q1 for parameter MetricDataQueries.member.2.Id is not unique.",
      ],
    ],
    [
      await signed({
        ...HOUR_AGO,
        ...cpuQuery(1, BUSY_ID, { "MetricDataQueries.member.1.MetricStat.Period": "90" }),
      }),
      [
        400,
        "InvalidParameterValue",
        "The parameter MetricDataQueries.member.1.MetricStat.Period must be a multiple of 60.",
      ],
    ],
    [
      await signed({ ...HOUR_AGO, Action: "DeleteAlarms" }),
      [400, "InvalidAction", "Could not find operation DeleteAlarms for version 2010-08-01"],
    ],
  ];
  for (const [request, expected] of cases) {
    const response = await simulator.fetch(request);
    assertEquals(await errorOf(response), expected);
  }
});

Deno.test("injected throttling is retried by the client; a lasting one reaches the caller", async () => {
  const { simulator, client } = setup();
  simulator.failNext({ code: "Throttling", message: "Rate exceeded" });
  const series = await client.cpuMaxima(REGION, [BUSY_ID], {
    startTime: T0 - 15 * MINUTE,
    endTime: T0,
  });
  assertEquals(series.get(BUSY_ID)!.points.length, 2);
  assertEquals(simulator.calls.map((call) => call.status), [400, 200]);
  simulator.failNext({ code: "ServiceUnavailable", status: 503, times: 3 });
  const error = await assertRejects(
    () => client.cpuMaxima(REGION, [BUSY_ID], { startTime: T0 - 15 * MINUTE, endTime: T0 }),
    CloudWatchError,
  );
  assertEquals([error.code, error.status, error.retryable], ["ServiceUnavailable", 503, true]);
  assertNotEquals(error.requestId, null);
});

Deno.test("the simulator's metrics drive the idle verdict end to end", async () => {
  const { simulator, client } = setup();
  simulator.setCpu(IDLE_ID, (_id, t) => 0.5 + (t / SAMPLE_PERIOD_MS % 4));
  const rule = parseIdleRule("90m")!;
  const window = idleWindow(rule, T0);
  const series = await client.cpuMaxima(REGION, [BUSY_ID, IDLE_ID, CYCLED_ID], {
    startTime: window.start,
    endTime: window.end,
  });
  const verdict = (id: string) =>
    idleVerdict({
      rule,
      runningSince: HISTORY[id].at(-1)!.start,
      lastActive: undefined,
      now: T0,
      points: series.get(id)!.points,
    });
  assertEquals(verdict(IDLE_ID), {
    idle: true,
    reason: "idle 1 h 30 min: CPU max 3.5% < 5%, no heartbeat",
  });
  assertEquals(verdict(BUSY_ID).idle, false);
  assert(verdict(BUSY_ID).reason.startsWith("not idle: CPU max "), verdict(BUSY_ID).reason);
  assertEquals(verdict(CYCLED_ID), {
    idle: false,
    reason: "not idle: running 1 h, the rule needs 1 h 30 min of metrics",
  });
});

Deno.test("a RunLog fed state changes gives the simulator each instance's running intervals", async () => {
  const log = new RunLog();
  const at = (minutesAgo: number) => T0 - minutesAgo * MINUTE;
  log.changed(REGION, CYCLED_ID, "pending", at(62));
  log.changed(REGION, CYCLED_ID, "running", at(60));
  log.changed(REGION, CYCLED_ID, "running", at(50));
  log.changed(REGION, CYCLED_ID, "stopping", at(40));
  log.changed(REGION, CYCLED_ID, "stopped", at(39));
  log.changed(REGION, CYCLED_ID, "running", at(20));
  assertEquals(log.history(REGION, CYCLED_ID), [
    { start: at(60), end: at(40) },
    { start: at(20), end: null },
  ]);
  assertEquals(log.history("eu-central-1", CYCLED_ID), null);
  const simulator = new CloudWatchSimulator({ now: () => T0, history: log.history });
  simulator.setCpu(CYCLED_ID, 1);
  const client = new CloudWatchClient({ credentials: CREDENTIALS, fetch: simulator.fetch });
  const series = await client.cpuMaxima(REGION, [CYCLED_ID], { startTime: at(60), endTime: T0 });
  assertEquals(
    series.get(CYCLED_ID)!.points.map((point) => (T0 - point.timestamp) / MINUTE),
    [60, 55, 50, 45, 20, 15, 10],
  );
});
